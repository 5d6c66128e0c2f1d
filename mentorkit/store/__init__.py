"""Persistence: the tables, their migrations and the :class:`Store`."""

from mentorkit.store.store import Entity, Store

__all__ = ["Entity", "Store"]
