"""Where the database's pieces are: shelves of bucket files, each bucket a TinyDB database.

A database is a small manifest file (the path the user names) and a data folder beside it,
``NAME.d``, holding six **shelves**, the tag counts and a scratch folder:

* ``docs/``: everything about a document (its annotations and their tombstones, its reading
  position, its bookmarks, and the paths its text was found at), in the bucket of its sha256;
* ``ids/``: where each annotation is (which document's bucket), in the bucket of its id, and
  the deletions made before the database was sharded;
* ``paths/``: which texts the reader found at each path, and which documents' records name it,
  in the bucket of the path;
* ``other/``: tables Sorot does not know (kept, dumped and restored as they were);
* ``feeds/``: feed subscriptions, in the bucket of their URL, and ``entries/``: their entries,
  routed by feed URL then entry (:func:`route_on`, :mod:`.subscriptions`);
* ``tags.json``: how often each tag is used (for completion);
* ``tmp/``: the temporary files of saves under way, renamed into their shelf when complete.

A bucket is one TinyDB JSON file, ``_PREFIX.json``, holding the records whose key hashes
(:func:`route`) to a hex string starting with ``PREFIX``. A shelf starts as one bucket
(``_.json``) and a bucket that grows past :data:`SPLIT_AT` records splits in sixteen
(``_PREFIX0.json`` … ``_PREFIXf.json``), so no bucket grows with the database. A split writes
the sixteen children first and then removes the parent: while the parent exists it is the one
that holds its records, so a crash at any moment leaves every record in a bucket that counts.
A parent found beside its children (a split cut short, or a bucket brought back by a sync tool)
is settled by the store, which keeps the newest version of every record of both. A bucket is
found by asking for the file of each prefix of the hash in turn (a stat each, three at a
million records), not by listing the shelf.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Union

from tinydb.storages import Storage

from tui.core.store.storage import AtomicJSONStorage, CountingMemoryStorage

SHELVES = ("docs", "ids", "paths", "other", "feeds", "entries")
FEED_DIGITS = 2
"""The first hex digits of an entry's route are its feed's (:func:`route_on`): a feed's entries
sit in one bucket until the shelf is 256 buckets wide; beyond that its own entries split."""
SCRATCH = "tmp"  # temporary files of saves in progress (renamed into their shelf when complete)
TAGS_FILE = "tags.json"
SPLIT_AT = 2000
"""A bucket holding more records than this splits in sixteen (measured: a bucket of 2,000
annotations parses in about 20 ms and is written in about 5 ms)."""
MAX_DEPTH = 12  # hex digits of the hash a bucket's name may hold (16**12 buckets: never reached)
HEX = "0123456789abcdef"
_BUCKET = re.compile(rf"_([0-9a-f]{{0,{MAX_DEPTH}}})\.json")

AnyStorage = Union[AtomicJSONStorage, CountingMemoryStorage, "OverlayStorage"]


def route(key: str) -> str:
    """The hex hash that places a record keyed by ``key`` (a sha256, an id, a path) in a bucket.

    Hashed even when the key is a hash already: a made-up or imported sha256 need not be
    spread evenly, and ``0000…1``, ``0000…2`` would all land in one bucket."""
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def route_on(shelf: str, key: str) -> str:
    """:func:`route` for a record of ``shelf``. An entry's key is ``FEED\\0KEY``: its route
    starts with its feed's (:data:`FEED_DIGITS` digits) and goes on with its own."""
    if shelf == "entries":
        feed = key.partition("\0")[0]
        return route(feed)[:FEED_DIGITS] + route(key)[FEED_DIGITS:]
    return route(key)


def feed_prefix(feed: str) -> str:
    """The route prefix every entry of ``feed`` shares on ``entries/``."""
    return route(feed)[:FEED_DIGITS]


def bucket_name(prefix: str) -> str:
    return f"_{prefix}.json"


class Listing(frozenset[str]):
    """The buckets that exist on a shelf, with the prefixes they split from (computed once)."""

    @functools.cached_property
    def interior(self) -> frozenset[str]:
        return frozenset(p[:n] for p in self for n in range(len(p)))


def covering(prefixes: frozenset[str] | set[str], routed: str) -> str:
    """The bucket that holds ``routed`` among the existing ``prefixes``: the shortest existing
    prefix of it (a parent not yet removed after a split still holds its records); when none
    exists, the bucket the split that made its siblings gave it (missing: empty so far)."""
    listing = prefixes if isinstance(prefixes, Listing) else Listing(prefixes)
    for depth in range(MAX_DEPTH + 1):
        prefix = routed[:depth]
        if prefix in listing:
            return prefix
        if prefix not in listing.interior:
            return prefix
    return routed[:MAX_DEPTH]


class Place:
    """Where the buckets live: a data folder on disk (:class:`DiskPlace`) or memory."""

    read_only = False

    def prefixes(self, shelf: str, *, fresh: bool = False) -> Listing:
        raise NotImplementedError

    def storage(self, shelf: str, prefix: str) -> AnyStorage:
        raise NotImplementedError

    def tags_storage(self) -> AnyStorage:
        raise NotImplementedError

    def remove(self, shelf: str, prefix: str) -> None:
        raise NotImplementedError

    def begin_change(self) -> None:
        """A change begins under the lock: list every shelf afresh once (another process may
        have split a bucket since, within the folder's mtime resolution)."""

    def end_change(self) -> None:
        """The change is over (the lock let go)."""

    def forget(self, shelf: str) -> None:
        """List this shelf afresh next time (this process changed which buckets exist)."""

    def covering(self, shelf: str, routed: str, *, fresh: bool = False) -> str:
        """The bucket that holds ``routed`` on ``shelf`` (see :func:`covering`)."""
        return covering(self.prefixes(shelf, fresh=fresh), routed)

    def exists(self, shelf: str, prefix: str) -> bool:
        return prefix in self.prefixes(shelf, fresh=True)

    def describe(self, shelf: str, prefix: str) -> str:
        return f"{shelf}/{bucket_name(prefix)}"

    def put_aside(self, shelf: str, prefix: str, suffix: str) -> str:
        raise NotImplementedError

    def progress(self) -> Any:
        """Something that changes whenever a bucket is written (for the lock's timeout)."""
        return None


class MemoryPlace(Place):
    """Buckets in memory: a store that keeps nothing on disk."""

    def __init__(self) -> None:
        self._storages: dict[tuple[str, str], CountingMemoryStorage] = {}
        self._tags = CountingMemoryStorage()

    def prefixes(self, shelf: str, *, fresh: bool = False) -> Listing:
        return Listing(p for (name, p), s in self._storages.items() if name == shelf and s.read() is not None)

    def storage(self, shelf: str, prefix: str) -> CountingMemoryStorage:
        key = (shelf, prefix)
        if key not in self._storages:
            self._storages[key] = CountingMemoryStorage()
        return self._storages[key]

    def tags_storage(self) -> CountingMemoryStorage:
        return self._tags

    def remove(self, shelf: str, prefix: str) -> None:
        storage = self._storages.pop((shelf, prefix), None)
        if storage is not None:
            storage.generation += 1
            storage.memory = None

    def put_aside(self, shelf: str, prefix: str, suffix: str) -> str:  # pragma: no cover - memory is never corrupt
        self.remove(shelf, prefix)
        return self.describe(shelf, prefix)


class DiskPlace(Place):
    """The data folder ``NAME.d`` beside the manifest; every bucket an :class:`AtomicJSONStorage`."""

    def __init__(self, root: Path, *, read_only: bool, shown: str | None = None) -> None:
        self.root = root
        self.shown = shown
        """How messages name the database (its manifest, the path the user gave), not a bucket."""
        self.read_only = read_only
        self._listed: dict[str, tuple[int, Listing]] = {}
        self._changing = 0  # changes under way (nested: a change may call another)

    def folder(self, shelf: str) -> Path:
        return self.root / shelf

    def path(self, shelf: str, prefix: str) -> Path:
        if not shelf:  # the tag counts, a bucket of their own
            return self.root / TAGS_FILE
        return self.root / shelf / bucket_name(prefix)

    def make_folders(self) -> None:
        """The data folder and its shelves, private (0700); missing ones made again (a copy
        that dropped empty folders)."""
        self.root.mkdir(mode=0o700, exist_ok=True)
        for shelf in (*SHELVES, SCRATCH):
            folder = self.root / shelf
            if os.path.lexists(folder) and not folder.is_dir() or folder.is_symlink():  # not ours: kept aside
                os.rename(folder, free_name(folder, ".corrupt-" + datetime.now().strftime("%Y%m%d-%H%M%S")))
            folder.mkdir(mode=0o700, exist_ok=True)

    def covering(self, shelf: str, routed: str, *, fresh: bool = False) -> str:
        """The bucket that holds ``routed``, found by asking for each prefix's file in turn (a
        few stats) rather than listing the shelf (4,096 files at a million records): the
        shortest prefix whose file exists (a parent not yet removed after a split still holds
        its records), else the shortest prefix (a bucket not written yet, or put aside)."""
        folder = self.root / shelf
        for depth in range(MAX_DEPTH + 1):
            prefix = routed[:depth]
            if os.path.lexists(folder / bucket_name(prefix)):
                return prefix
            if depth == 0 and not os.path.lexists(folder):
                return ""
        return self._missing(shelf, routed)

    def _missing(self, shelf: str, routed: str) -> str:
        """No bucket file covers ``routed`` (a new shelf, or a child put aside): the listing says
        which split made its place, as :func:`covering` decides."""
        return covering(self.prefixes(shelf, fresh=True), routed)

    def exists(self, shelf: str, prefix: str) -> bool:
        """Whether the bucket's file is there (one stat, not a listing of the shelf)."""
        return os.path.lexists(self.path(shelf, prefix))

    def begin_change(self) -> None:
        if not self._changing:
            self._listed.clear()
        self._changing += 1

    def end_change(self) -> None:
        self._changing -= 1

    def forget(self, shelf: str) -> None:
        self._listed.pop(shelf, None)

    def prefixes(self, shelf: str, *, fresh: bool = False) -> Listing:
        """The buckets on a shelf, listed again when the folder changed (a stat otherwise), and
        once in each change (``fresh``: :meth:`begin_change`; within the change, under the lock,
        only this process changes the listing, and it says so with :meth:`forget`)."""
        if self._changing and shelf in self._listed:
            return self._listed[shelf][1]
        folder = self.root / shelf
        try:
            mtime = os.stat(folder).st_mtime_ns
        except OSError:
            return Listing()
        cached = self._listed.get(shelf)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        with os.scandir(folder) as entries:
            found = Listing(m.group(1) for e in entries if (m := _BUCKET.fullmatch(e.name)) is not None)
        self._listed[shelf] = (mtime, found)
        return found

    def storage(self, shelf: str, prefix: str) -> AtomicJSONStorage:
        return self._storage(self.path(shelf, prefix))

    def tags_storage(self) -> AtomicJSONStorage:
        return self._storage(self.root / TAGS_FILE)

    def _storage(self, path: Path) -> AtomicJSONStorage:
        """A bucket's storage: no lock of its own (the store holds the database's), named in
        messages by the database, never following a link out of the folder, its temporary files
        in ``tmp/`` (swept at opening); tag counts are saved atomically but not fsynced (they
        only order completions)."""
        return AtomicJSONStorage(
            path,
            read_only=self.read_only,
            lock=None,
            shown=self.shown,
            follow=False,
            scratch=self.root / SCRATCH,
            durable=path.name != TAGS_FILE,
        )

    def remove(self, shelf: str, prefix: str) -> None:
        path = self.path(shelf, prefix)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except IsADirectoryError:  # put there by something else: kept, out of the way
            os.rename(path, free_name(path, ".corrupt-" + datetime.now().strftime("%Y%m%d-%H%M%S")))
        self._listed.pop(shelf, None)

    def describe(self, shelf: str, prefix: str) -> str:
        return str(self.path(shelf, prefix).relative_to(self.root.parent))

    def put_aside(self, shelf: str, prefix: str, suffix: str) -> str:
        path = self.path(shelf, prefix)
        aside = free_name(path, suffix)
        os.rename(path, aside)
        self._listed.pop(shelf, None)
        return str(aside.relative_to(self.root.parent))

    def progress(self) -> Any:
        states: list[object] = []
        for shelf in SHELVES:
            try:
                states.append(os.stat(self.root / shelf).st_mtime_ns)
            except OSError:
                states.append(None)
        try:
            st = os.stat(self.root / TAGS_FILE)
            states.append((st.st_ino, st.st_mtime_ns))
        except OSError:
            states.append(None)
        return tuple(states)

    def temporaries(self) -> Iterator[Path]:
        """Temporary files of saves that never finished (only a lock holder makes them)."""
        for folder in (self.root, self.root / SCRATCH):
            try:
                yield from (p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))
            except OSError:
                continue


class OverlayStorage(Storage):
    """A bucket read from disk until this process changes it; from then on held in memory."""

    def __init__(self, disk: AnyStorage) -> None:
        super().__init__()
        self.disk = disk
        self.memory: dict[str, dict[str, Any]] | None = None
        self.written = False
        self._own = 0

    @property
    def generation(self) -> int:
        return self.disk.generation + self._own

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self.memory if self.written else self.disk.read()

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.memory = data
        self.written = True
        self._own += 1

    def close(self) -> None:
        close = getattr(self.disk, "close", None)
        if close is not None:
            close()


class OverlayPlace(Place):
    """Another place's buckets, read as they are, with this process's changes kept in memory:
    what the reader shows of a database it cannot write (the changes last for the session)."""

    def __init__(self, under: Place) -> None:
        self.under = under
        self._storages: dict[tuple[str, str], OverlayStorage] = {}
        self._removed: set[tuple[str, str]] = set()
        self._tags: OverlayStorage | None = None

    def prefixes(self, shelf: str, *, fresh: bool = False) -> Listing:
        mine = {p for (name, p), s in self._storages.items() if name == shelf and s.written and s.memory is not None}
        under = {p for p in self.under.prefixes(shelf, fresh=fresh) if (shelf, p) not in self._removed}
        return Listing(under | mine)

    def storage(self, shelf: str, prefix: str) -> OverlayStorage:
        key = (shelf, prefix)
        if key not in self._storages:
            self._storages[key] = OverlayStorage(self.under.storage(shelf, prefix))
            if key in self._removed:
                self._storages[key].write({})
        return self._storages[key]

    def tags_storage(self) -> OverlayStorage:
        if self._tags is None:
            self._tags = OverlayStorage(self.under.tags_storage())
        return self._tags

    def remove(self, shelf: str, prefix: str) -> None:
        self._removed.add((shelf, prefix))
        storage = self._storages.get((shelf, prefix))
        if storage is not None:
            storage.write({})
            storage.memory = None

    def put_aside(self, shelf: str, prefix: str, suffix: str) -> str:
        self.storage(shelf, prefix).write({})
        return self.describe(shelf, prefix) + " (not changed on disk)"

    def describe(self, shelf: str, prefix: str) -> str:
        return self.under.describe(shelf, prefix)


def free_name(path: Path, suffix: str) -> Path:
    """``path`` with ``suffix`` added, numbered if a file of that name exists."""
    candidate = path.with_name(path.name + suffix)
    n = 2
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.name}{suffix}-{n}")
        n += 1
    return candidate
