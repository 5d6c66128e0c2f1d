"""JupyterHub in front of the dashboards: logins, one server per user, identity from the hub.

- :mod:`mentorkit.hub.identity`: hub groups -> role, programmes, the audit's actor;
- :mod:`mentorkit.hub.config`: the hub's configuration (:func:`~mentorkit.hub.config.configure`);
- :mod:`mentorkit.hub.singleuser`: a user's server (Voilà inside jupyterhub-singleuser);
- :mod:`mentorkit.hub.launch`: ``make hub`` (``python -m mentorkit.hub``);
- :mod:`mentorkit.hub.client`: signing up, approving, users and groups through the hub.

Nothing is imported here: JupyterHub is an optional extra (``pip install mentorkit[hub]``).
See docs/hub.md.
"""

__all__: list[str] = []
