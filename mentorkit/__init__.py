"""mentorkit: case management and research for mentor programmes."""

__version__ = "0.1.0"
