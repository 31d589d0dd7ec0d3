"""One bucket of a sharded database: a TinyDB file (or its memory twin), its index, and its changes.

A bucket is read when first asked for and again only when its file changed (a stat). A bucket
that cannot be read (not JSON, not a TinyDB database) is an empty one to readers and is put
aside by the first writer (``_PREFIX.json.corrupt-YYYYMMDD-HHMMSS``, byte for byte), with one
warning: the rest of the database is untouched. Every change is one atomic write of the
bucket, made under the database's lock by the :class:`~tui.core.store.api.Store`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from tui.core.store.errors import CorruptDatabaseError
from tui.core.store.index import Index
from tui.core.store.schema import ANNOTATIONS, check_ids
from tui.core.store.shelf import AnyStorage, Place


class Bucket:
    """A bucket file of one shelf, with the index of what it held when last read."""

    def __init__(
        self,
        place: Place,
        shelf: str,
        prefix: str,
        storage: AnyStorage,
        on_reload: Callable[[], None],
        warn: Callable[[str], None],
        name: str | None = None,
    ) -> None:
        self._name = name
        self.place = place
        self.shelf = shelf
        self.prefix = prefix
        self.storage = storage
        self._on_reload = on_reload
        self._warn = warn
        self._index: Index | None = None
        self._generation = -1
        self._reads = 0
        self.corrupt: str | None = None  # why the file cannot be read, while it cannot
        self.missing = True  # no file (yet, or any more: split since it was listed)
        self.put_aside = False  # put aside by the last read under the lock (the store looks again)
        self._reported: set[str] = set()

    @property
    def cached_index(self) -> Index | None:
        """The index as last built, without looking at the file (None before the first read)."""
        return self._index

    @property
    def name(self) -> str:
        return self._name or self.place.describe(self.shelf, self.prefix)

    def index(self, *, writing: bool = False) -> Index:
        """The bucket's index as the file is now (re-read only if it changed). ``writing``: the
        database's lock is held, and a bucket that cannot be read is put aside."""
        try:
            data = self.storage.read()
            self.missing = data is None
            if self.storage.generation != self._generation:
                self.corrupt = None
                if data is not None:
                    check_ids(data)
        except CorruptDatabaseError as exc:
            self.corrupt = str(exc)
            self.missing = False
            data = None
            self._index = None
        if self.corrupt is not None:
            if writing:
                self._put_aside(self.corrupt)
                return self.index(writing=True)
            if self._index is None:
                self._report(f"{self.name} {self.corrupt}: its records are not shown until a change puts it aside")
                self._index = Index(None)
            self._generation = self.storage.generation
            return self._index
        if self._index is None or self._generation != self.storage.generation:
            self._index = Index(data)
            self._generation = self.storage.generation
            self._reads += 1
            if self._reads > 1:
                self._on_reload()
            damage = self._index.damage_report()
            if damage:
                self._report(f"{self.name}: {damage}")
        return self._index

    def _report(self, warning: str) -> None:
        if warning not in self._reported:
            self._reported.add(warning)
            self._warn(warning)

    def _put_aside(self, reason: str) -> None:
        forget = getattr(self.storage, "forget", None)
        if forget is not None:
            forget()
        aside = self.place.put_aside(self.shelf, self.prefix, ".corrupt-" + datetime.now().strftime("%Y%m%d-%H%M%S"))
        self._report(f"{self.name} {reason}: kept it as {aside}; the rest of the database is untouched")
        self.put_aside = True
        self.corrupt = None
        self._index = None
        self._generation = -1

    def commit(self, changes_by_table: Mapping[str, Mapping[str, Mapping[str, Any] | None]]) -> None:
        """Write changes (table -> key -> record, or None to remove) in one atomic write of the
        bucket; the index follows without a rebuild. The cached state is copied, not changed,
        so a failed write leaves it as the file still is."""
        index = self.index(writing=True)
        tables = dict(self.storage.read() or {})
        before: dict[str, dict[str, Any]] = {}
        for name, changes in changes_by_table.items():
            table = dict(tables.get(name, {}))
            before[name] = {key: table.get(key) for key in changes}
            for key, record in changes.items():
                if record is None:
                    table.pop(key, None)
                else:
                    table[key] = record
            if table:
                tables[name] = table
            else:
                tables.pop(name, None)
        generation = self.storage.generation
        self.storage.write(tables)
        if self.storage.generation != generation + 1:  # pragma: no cover - storages bump once per write
            return
        for name, changes in changes_by_table.items():
            if name == ANNOTATIONS:
                index.patch_annotations(tables.get(name, {}), before[name], changes)
            else:
                index.set_table(name, tables.get(name, {}))
        index.tables = tables
        self._generation = self.storage.generation

    def data(self) -> dict[str, dict[str, Any]]:
        """The bucket's tables as last read (for a split, a dump, a copy in memory)."""
        self.index()
        return dict(self.storage.read() or {}) if self.corrupt is None else {}

    def write_whole(self, tables: dict[str, dict[str, Any]]) -> None:
        """Replace the bucket's content (a split's child, a copy)."""
        self.storage.write({name: table for name, table in tables.items() if table})
        self._index = None
