"""What the store raises: :class:`StoreError` and its two kinds, each with a one-line message
fit to show the user. A message never quotes what the database file holds, except a table name
through :func:`shown_table`, escaped and cut short."""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot be used as asked. The message is one line, fit to show the user."""


class CorruptDatabaseError(StoreError):
    """The file is not JSON, or not a TinyDB database."""


class NotWritableError(StoreError):
    """Annotations cannot be saved in this database (read-only file, directory or mount, no lock
    file); it may still be opened ``read_only``."""


def shown_table(name: str) -> str:
    """A table name as a message may quote it: escaped, and short."""
    return repr(name if len(name) <= 40 else name[:40] + "…")
