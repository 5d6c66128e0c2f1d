"""``python -m mentorkit.hub``: start the hub (see :mod:`mentorkit.hub.launch`)."""

from mentorkit.hub.launch import main

main()
