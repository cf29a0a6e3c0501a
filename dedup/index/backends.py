"""Choosing a backend: the one module that imports both backends, so the base needs
neither. Redis is imported only when a ``redis://`` index is opened."""

from __future__ import annotations

from dedup.index.store import Store


def open_store(location: str, *, create: bool = True) -> Store:
    """The store at ``location``: ``redis://...`` is Redis, anything else a SQLite file.

    ``create=False`` never creates anything: a missing index raises StoreError.
    """
    if location.startswith(("redis://", "rediss://")):
        from dedup.index.store_redis import RedisStore

        return RedisStore(location, create=create)
    from dedup.index.store_sqlite import SqliteStore

    return SqliteStore(location, create=create)
