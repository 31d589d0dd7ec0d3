"""The :class:`Store`: what the reader, its session and the CLI call to keep annotations,
reading positions and bookmarks, and where the database is by default (:func:`default_db_path`).

A database is a manifest (the file the user names, a TinyDB file with one ``meta`` record) and
its data folder ``NAME.d`` of buckets (:mod:`.shelf`), each a TinyDB file: a change reads and
writes the few buckets it concerns, never the whole database. Opening a database creates it,
converts a single-file one (schema 0 or 1, :mod:`.convert`, after a byte-for-byte backup) or
puts an unusable manifest aside. Every change is made under the database's file lock
(:mod:`.lock`) after re-reading the buckets it touches, as a delta to what is found there: a
version of an annotation replaces a stored one only when it is not older, and a deletion leaves
a tombstone that older versions cannot get past.

A change that touches several buckets writes them in an order that a crash between two of them
cannot turn into a loss: where an annotation is (``ids``) and which documents name a path
(``paths``) are written before the annotation itself, and a record is removed from the bucket it
leaves (a document's annotation re-pointed at another text) only after it is written in the new
one; readers take the newer copy if both are found.
"""

from __future__ import annotations

import filecmp
import functools
import heapq
import json
import os
import shutil
import stat
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from tui.core.annotations import Annotation, DocumentRef, new_id, now_iso
from tui.core.store import convert
from tui.core.store.bookmark import Bookmark
from tui.core.store.bucket import Bucket
from tui.core.store.errors import CorruptDatabaseError, NotWritableError, StoreError
from tui.core.store.index import Index
from tui.core.store.lock import WriterLock
from tui.core.store.schema import (
    ANNOTATIONS,
    BOOKMARKS,
    DELETED,
    DOCUMENTS,
    ENTRIES,
    FEEDS,
    IDS,
    LINKS,
    NAMED,
    POSITIONS,
    SCHEMA,
    SINGLE_FILE_SCHEMA,
    TAGS,
    next_key,
    schema_of,
)
from tui.core.store.shelf import (
    HEX,
    MAX_DEPTH,
    SHELVES,
    SPLIT_AT,
    DiskPlace,
    MemoryPlace,
    OverlayPlace,
    Place,
    feed_prefix,
    free_name,
    route,
    route_on,
)
from tui.core.store.storage import (
    AtomicJSONStorage,
    follow_link,
    not_a_database,
    unwritable_reason,
)
from tui.core.store.storage import (
    _no_write_bits as no_write_bits,
)
from tui.core.store.subscriptions import (
    FEED_FIELDS,
    Entry,
    Feed,
    entry_time,
    is_feed,
    normalise_url,
    parse_iso,
)

_F = TypeVar("_F", bound=Callable[..., Any])

ENV_VAR = "SOROT_DB"
DB_NAME = "sorot.json"
_CACHED_RECORDS = 20_000
"""Records kept read in buckets beside those of the open document (about 1.5 KB each in memory:
bounded whatever the database's size); at least :data:`_CACHED_BUCKETS` buckets are kept."""
_CACHED_BUCKETS = 24
_MANIFEST_MAX = 1 << 20  # a larger "manifest" is a single-file database: streamed, never parsed whole
_CHUNK = 1000  # annotations merged per round (each round writes the buckets it touches)


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``$SOROT_DB`` when set, else ``sorot.json`` in the user's data directory."""
    env = os.environ if env is None else env
    if env.get(ENV_VAR, "").strip():
        return Path(env[ENV_VAR]).expanduser()
    return platformdirs.user_data_path("sorot", appauthor=False) / DB_NAME


def data_folder(manifest: Path) -> Path:
    """Where the buckets of the database whose manifest is ``manifest`` live: ``NAME.d`` beside it."""
    return manifest.with_name(manifest.name + ".d")


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What :meth:`Store.merge` did: how many annotations were new, newer, or already there."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # deleted in this database after the version offered was made: not brought back
    older: int = 0  # changed here since the version offered was made: the version here kept
    repeated: int = 0  # offered more than once (the same id): only the newest taken


@dataclass
class _Found:
    """Where an annotation id is: its record and bucket (or none), and when it was deleted."""

    ids: Bucket
    ids_key: str | None
    ids_record: Mapping[str, Any] | None
    bucket: Bucket | None = None
    key: str | None = None
    record: Mapping[str, Any] | None = None
    deleted: str | None = None
    stale: list[tuple[Bucket, str]] = field(default_factory=list)  # older copies a crash mid-move left

    @property
    def updated(self) -> str:
        return str(self.record.get("updated", "")) if self.record is not None else ""


def _synchronised(method: _F) -> _F:
    """Run a Store method under its thread lock: buckets and indexes are shared by its threads."""

    @functools.wraps(method)
    def locked(self: Store, *args: Any, **kwargs: Any) -> Any:
        with self._thread_lock:
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]


class Store:
    """Annotations, reading positions and bookmarks of every document the reader has opened.

    Open with :meth:`open` (a file) or :meth:`memory`. Every change is made under the database's
    lock after re-reading the buckets it touches; reads come from memory while those are
    unchanged. Methods raise :class:`StoreError` with a one-line message when the database
    cannot be written (read-only, disk full, lock held too long by another process).
    """

    split_at = SPLIT_AT
    """Records past which a bucket splits (tests make it small, to split often)."""

    def __init__(
        self,
        place: Place,
        path: Path | None,
        *,
        read_only: bool = False,
        lock: WriterLock | None = None,
        manifest: AtomicJSONStorage | None = None,
    ) -> None:
        self._place = place
        self.path = path
        self.read_only = read_only
        self._lock = lock
        self._manifest = manifest
        self.warnings: list[str] = []
        self._thread_lock = threading.RLock()
        self._buckets: OrderedDict[tuple[str, str], Bucket] = OrderedDict()
        self._pinned: set[tuple[str, str]] = set()
        self._tags_bucket: Bucket | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None  # a read-only single file, converted
        self._reloads = 0  # times a bucket was read afresh (another process wrote it)
        self._bookmark_at: dict[str, str] = {}  # bookmark id -> the sha256 of its document
        self._last_parsed: dict[str, tuple[Mapping[str, Any], Annotation]] = {}
        """The annotations :meth:`annotations_for` returned last, with the records they came from:
        asked again after another process saved, the records that did not change are not
        parsed again (20,000 on one document took 0.7 s)."""

    @property
    def lock_path(self) -> Path | None:
        """The lock file beside the database (its link's target); None for a store in memory."""
        if self._manifest is None:
            return None
        return Path(f"{self._manifest.path}.lock")

    @property
    def data_path(self) -> Path | None:
        """The data folder of the buckets (``NAME.d`` beside the manifest); None in memory."""
        return self._place.root if isinstance(self._place, DiskPlace) else None

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        read_only: bool = False,
        lock_timeout: float = 10.0,
    ) -> Store:
        """Open (creating, converting or replacing a corrupt one as needed) the database at ``path``.

        ``path`` defaults to :func:`default_db_path`; a symbolic link is followed to its target,
        and the data folder is made beside the target. Raises :class:`NotWritableError` at once
        when annotations cannot be saved there (``read_only=True`` opens it for reading only,
        without a lock), and :class:`StoreError` when it was written by a newer Sorot, or
        (read-only) is not a usable database. ``lock_timeout`` is how long a save waits for a
        lock held by a process that saves nothing.
        """
        db_path = Path(path).expanduser() if path is not None else default_db_path(env)
        target = follow_link(db_path)
        if target.is_dir():
            raise StoreError(f"{db_path} is a directory, not an annotation database")
        if target.exists() and not target.is_file():  # a device or a FIFO is never read nor replaced
            raise StoreError(not_a_database(db_path, target.stat().st_mode))
        if not read_only:
            _takes_saves(target)
        place = DiskPlace(data_folder(target), read_only=read_only, shown=str(db_path))
        lock = None if read_only else WriterLock(target, lock_timeout, place.progress)
        manifest = AtomicJSONStorage(target, read_only=read_only, lock=lock)
        store = cls(place, db_path, read_only=read_only, lock=lock, manifest=manifest)
        try:
            store._prepare()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Store:
        """A store that keeps nothing on disk (tests, or when no file can be written)."""
        return cls(MemoryPlace(), None)

    def in_memory(self) -> Store:
        """A store showing what this one holds, read as it is on disk, whose changes are kept in
        memory (the files are never written), with its warnings: what the app shows of a
        database it cannot write (changes then last for the session only). Nothing is copied:
        a bucket is read when asked for, as here."""
        with self._thread_lock:
            copy = Store(OverlayPlace(self._place), None)
            copy._scratch, self._scratch = self._scratch, None  # the copy reads it: removed when it closes
            copy.warnings = list(self.warnings)
            copy._bookmark_at = dict(self._bookmark_at)
            return copy

    def close(self) -> None:
        for bucket in self._buckets.values():
            _close(bucket)
        self._buckets.clear()
        if self._tags_bucket is not None:
            _close(self._tags_bucket)
        if self._manifest is not None:
            self._manifest.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        """Make the database ready: create it, convert a single-file one, or put an unusable
        manifest aside. A ready one needs no lock: opening does not wait for another process's
        save. Anything to change is decided again under the lock."""
        manifest = self._manifest
        place = self._place
        assert manifest is not None and isinstance(place, DiskPlace)
        if self._lock is not None and self._lock.acquire(wait=False):
            try:  # temporaries are only ever a lock holder's: with the lock free, they are a dead writer's
                for tmp in [*convert.stale_temporaries(manifest.path), *place.temporaries()]:
                    if tmp.is_dir() and not tmp.is_symlink():
                        shutil.rmtree(tmp, ignore_errors=True)  # a dump's scratch folder
                    else:
                        _unlink(tmp)
            finally:
                self._lock.release()
        state, detail = self._examine()
        if state == "ready":
            if not self.read_only:
                self._settle_roots()
            return
        if self.read_only:
            if state == "unusable":
                raise StoreError(f"{manifest.path} {detail}")
            if state == "single":  # shown converted, in a scratch folder: the file is not touched
                self._read_single_file(detail)
            return
        with self._locked():
            state, detail = self._examine()
            if state == "unusable":
                self._put_aside(detail)
                state = "missing"
            if state == "single":
                try:
                    self._convert(detail)
                except CorruptDatabaseError as exc:  # damaged further down than its first lines
                    self._put_aside(str(exc))
                    state = "missing"
            if state == "missing":
                self._create()

    def _settle_roots(self) -> None:
        """A shelf's first bucket found beside its children (brought back by a sync tool or a
        backup, or a first split cut short) would hide every record of the shelf from readers
        until a change settled it: settled at opening, when nobody holds the lock."""
        place = self._place
        if not isinstance(place, DiskPlace) or self._lock is None:
            return
        for shelf in SHELVES:
            if place.exists(shelf, "") and any(place.exists(shelf, digit) for digit in HEX):
                if not self._lock.acquire(wait=False):
                    return
                try:
                    with self._writing():
                        self._settle(shelf, "")
                finally:
                    self._lock.release()

    def _examine(self) -> tuple[str, Any]:
        """What the manifest is now: ``ready``, ``missing`` (or empty), ``single`` (a single-file
        database, its schema) or ``unusable`` (the reason). A newer one raises :class:`StoreError`."""
        manifest = self._manifest
        assert manifest is not None
        try:
            size = os.stat(manifest.path).st_size
        except FileNotFoundError:
            return "missing", None
        except OSError as exc:
            raise StoreError(f"{manifest.path}: cannot read ({exc.strerror or exc})") from None
        if size > _MANIFEST_MAX:  # a manifest is one line: this is a single-file database, streamed
            try:
                schema = convert.schema_of_file(manifest.path)
            except CorruptDatabaseError as exc:
                return "unusable", str(exc)
            if schema > SCHEMA:
                raise StoreError(f"{self.path} was written by a newer Sorot (schema {schema}); it was left untouched")
            if schema == SCHEMA:
                return "unusable", "is too large to be a database's manifest"
            return "single", schema
        try:
            data = manifest.read()
        except CorruptDatabaseError as exc:
            return "unusable", str(exc)
        if not data:
            return "missing", None
        try:
            schema = schema_of(data)
        except CorruptDatabaseError as exc:
            return "unusable", str(exc)
        if schema > SCHEMA:
            raise StoreError(
                f"{self.path} was written by a newer Sorot (schema {schema}, this one reads up to "
                f"{SCHEMA}); it was left untouched"
            )
        if schema < SCHEMA:
            return "single", schema
        if not _is_folder(self._place):
            raise StoreError(
                f"{self.path} is a Sorot database whose data folder {self.data_path} is missing; "
                "put the folder back beside it (or restore a dump with `sorot db restore`)"
            )
        return "ready", None

    def _create(self) -> None:
        place = self._place
        manifest = self._manifest
        assert isinstance(place, DiskPlace) and manifest is not None
        try:
            place.make_folders()
        except OSError as exc:
            raise NotWritableError(f"cannot create {place.root}: {exc.strerror or exc}") from None
        manifest.write(convert.manifest_data())

    def _put_aside(self, reason: str) -> None:
        """Rename the unusable manifest out of the way, byte for byte as it was (its data folder,
        if any, is left where it is, for whoever can tell what it was)."""
        manifest = self._manifest
        assert manifest is not None
        manifest.forget()
        aside = free_name(manifest.path, ".corrupt-" + datetime.now().strftime("%Y%m%d-%H%M%S"))
        try:
            os.rename(manifest.path, aside)
        except OSError as exc:
            raise StoreError(f"{manifest.path} {reason}, and cannot be moved aside: {exc.strerror or exc}") from None
        place = self._place
        if isinstance(place, DiskPlace) and os.path.lexists(place.root):
            kept = data_folder(aside)  # beside the manifest put aside, as its folder: it opens as a database
            try:
                os.rename(place.root, kept)
            except OSError as exc:
                raise StoreError(f"cannot move {place.root} aside: {exc.strerror or exc}") from None
        self.warnings.append(f"{manifest.path.name} {reason}: kept it as {aside.name} and started a new database")

    def _convert(self, schema: int) -> None:
        """Convert a single-file database into buckets, after a byte-for-byte copy of it is kept
        beside it; the manifest replacing the file is the last step, so a crash before it leaves
        the single file as it was (and the next opening converts it again)."""
        manifest = self._manifest
        place = self._place
        assert manifest is not None and isinstance(place, DiskPlace)
        if os.path.lexists(place.root) and not convert.converted_from(place.root, manifest.path):
            raise StoreError(
                f"{manifest.path} is a single-file database, but {place.root.name} beside it holds the data of "
                f"another: move one of them away (a backup copied back over a database? its data is in "
                f"{place.root.name}); nothing was changed"
            )
        backup = _same_copy(manifest.path, f".schema{schema}-backup")
        try:
            if backup is None:  # (a conversion cut short and tried again keeps its first copy)
                backup = free_name(manifest.path, f".schema{schema}-backup")
                shutil.copy2(manifest.path, backup)
        except OSError as exc:
            if backup is not None:
                _unlink(backup)
            raise StoreError(
                f"cannot keep a copy of {manifest.path} before converting it: {exc.strerror or exc}"
            ) from None
        try:
            warnings = convert.build_from_file(manifest.path, place.root, schema)
        except CorruptDatabaseError:
            _unlink(backup)  # the file itself is kept aside, byte for byte
            raise
        manifest.forget()
        manifest.write(convert.manifest_data())
        self.warnings += warnings
        self.warnings.append(
            f"converted {manifest.path.name} to the folder layout (its data is now in {place.root.name}); "
            f"the old file is kept as {backup.name}"
        )

    def _read_single_file(self, schema: int) -> None:
        """Show a single-file database that cannot be converted in place (opened read-only):
        converted into a scratch folder of the system's temporary directory (bounded memory,
        whatever its size), removed when the store closes. A file replaced meanwhile (another
        process converted it) is examined again."""
        manifest = self._manifest
        assert manifest is not None
        for _ in range(3):
            before = _identity(manifest.path)
            scratch = tempfile.TemporaryDirectory(prefix="sorot-read-only-")
            root = Path(scratch.name) / "data"
            try:
                warnings = convert.build_from_file(manifest.path, root, schema)
            except BaseException:
                scratch.cleanup()
                raise
            if _identity(manifest.path) == before:
                self._scratch = scratch
                self._place = DiskPlace(root, read_only=True, shown=str(self.path))
                self.warnings += warnings
                return
            scratch.cleanup()  # converted by another process meanwhile: what is there now?
            manifest.forget()
            state, detail = self._examine()
            if state == "ready":
                return
            if state != "single":
                raise StoreError(f"{manifest.path} {detail}" if state == "unusable" else f"{manifest.path} was removed")
            schema = detail
        raise StoreError(f"{manifest.path} keeps changing while it is read; try again")

    # -- internals: buckets ---------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock:
            if self._lock is None:
                yield
                return
            with self._lock:
                yield

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the lock for one change, the database still being one that takes saves."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only: changes are not saved")
        with self._locked():
            self._place.begin_change()
            try:
                self._check_manifest()
                self._check_folder()
                yield
            finally:
                self._place.end_change()

    def _check_folder(self) -> None:
        """The data folder is there; a shelf folder missing (a copy that dropped empty folders)
        is made again. A data folder gone since the database was opened is not."""
        place = self._place
        if not isinstance(place, DiskPlace):
            return
        if not place.root.is_dir():
            raise NotWritableError(f"{self.path}: its data folder {place.root} is gone; changes are not saved")
        try:
            place.make_folders()
        except OSError as exc:
            raise NotWritableError(f"cannot save in {place.root}: {exc.strerror or exc}") from None

    def _check_manifest(self) -> None:
        """The database still takes saves: its manifest was not made read-only (``chmod a-w``)
        or replaced by something that is not a file since it was opened."""
        manifest = self._manifest
        if manifest is None:
            return
        try:
            mode = os.stat(manifest.path).st_mode
        except OSError:
            return
        if not stat.S_ISREG(mode):
            raise NotWritableError(f"{manifest.path} is no longer a regular file")
        if no_write_bits(manifest.path):
            raise NotWritableError(f"{manifest.path} is read-only now (chmod a-w)")

    def _bucket(self, shelf: str, key: str, *, fresh: bool = False) -> Bucket:
        """The bucket of ``key`` on ``shelf``; ``fresh`` (a change, under the lock): one that
        cannot be read is put aside first, and one found beside its own children is settled
        (:meth:`_settle`), each time looking again for the bucket that holds ``key`` now."""
        routed = route_on(shelf, key)
        for _ in range(MAX_DEPTH + 2):
            prefix = self._place.covering(shelf, routed, fresh=fresh)
            bucket = self._bucket_at(shelf, prefix)
            if not fresh:
                return bucket
            bucket.index(writing=True)
            if not self._place.exists(shelf, prefix) and bucket.put_aside:
                bucket.put_aside = False
                continue  # put aside: the bucket that holds the key may be one of its children
            if len(prefix) < MAX_DEPTH and self._place.exists(shelf, prefix + routed[len(prefix)]):
                self._settle(shelf, prefix)
                continue
            return bucket
        raise StoreError(f"{self.path}: the buckets of {shelf}/ keep changing")  # pragma: no cover

    def _bucket_at(self, shelf: str, prefix: str, *, keep: bool = True) -> Bucket:
        key = (shelf, prefix)
        bucket = self._buckets.get(key)
        if bucket is not None:
            self._buckets.move_to_end(key)
            return bucket
        bucket = Bucket(self._place, shelf, prefix, self._place.storage(shelf, prefix), self._reloaded, self._warn)
        if keep:
            self._buckets[key] = bucket
            self._evict()
        return bucket

    def _evict(self) -> None:
        """Forget the buckets read longest ago beyond :data:`_CACHED_RECORDS` records (pinned
        ones, those of the open document, stay)."""
        held = sum(_size(b) for b in self._buckets.values())
        while held > _CACHED_RECORDS and len(self._buckets) > _CACHED_BUCKETS + len(self._pinned):
            for key, bucket in self._buckets.items():
                if key not in self._pinned:
                    held -= _size(bucket)
                    _close(self._buckets.pop(key))
                    break
            else:
                return

    def _doc(self, sha256: str, *, fresh: bool = False) -> Bucket:
        return self._bucket("docs", sha256, fresh=fresh)

    def _tags(self) -> Bucket:
        if self._tags_bucket is None:
            self._tags_bucket = Bucket(
                self._place, "", "", self._place.tags_storage(), self._reloaded, self._warn, name="tags.json"
            )
        return self._tags_bucket

    def _reloaded(self) -> None:
        self._reloads += 1

    def _warn(self, warning: str) -> None:
        if warning not in self.warnings:  # a bucket read again (by a scan, after eviction) says it once
            self.warnings.append(warning)

    def _scan(self, shelf: str, under: str = "") -> Iterator[tuple[Bucket, Index]]:
        """Every bucket of a shelf, with its index (read once each, not kept beyond the cache);
        with ``under``, only the buckets that may hold records whose route starts with it.

        Takes no lock (a dump must not hold up the reader's saves): a bucket that another
        process split after it was listed is gone when read, and its children, written before
        it was removed, are read instead."""
        self._place.forget(shelf)

        def wanted(prefix: str) -> bool:
            return prefix.startswith(under) or under.startswith(prefix)

        pending = sorted(p for p in self._place.prefixes(shelf) if wanted(p))
        done: set[str] = set()
        while pending:
            prefix = pending.pop(0)
            listing = self._place.prefixes(shelf)
            if any(prefix[:n] in done or prefix[:n] in listing for n in range(len(prefix))):
                continue  # its parent holds its records (a split that did not finish), or was read
            cached = (shelf, prefix) in self._buckets
            bucket = self._bucket_at(shelf, prefix, keep=cached)
            index = bucket.index()
            if bucket.missing:  # split (or removed) since listed
                self._place.forget(shelf)
                children = [
                    p for p in self._place.prefixes(shelf) if p.startswith(prefix) and p != prefix and wanted(p)
                ]
                pending = sorted({*pending, *children})
                if not cached:
                    _close(bucket)
                if children:
                    continue
            done.add(prefix)
            yield bucket, index
            if not cached:
                _close(bucket)

    def _split_if_full(self, bucket: Bucket) -> None:
        """Split a bucket grown past :data:`SPLIT_AT` records in sixteen (under the lock)."""
        index = bucket.index(writing=True)
        if index.size <= self.split_at or len(bucket.prefix) >= MAX_DEPTH or bucket.shelf == "":
            return
        self._split(bucket.shelf, bucket.prefix, bucket.data())

    def _split(self, shelf: str, prefix: str, tables: Mapping[str, Mapping[str, Any]], *, forced: bool = False) -> None:
        """Write ``tables`` (the records of bucket ``prefix``) as its sixteen children, then remove
        the bucket: children first, so that the parent's removal is the moment the split takes
        effect (a crash before it leaves the parent, which holds every record)."""
        depth = len(prefix)
        children: dict[str, dict[str, dict[str, Any]]] = {h: {} for h in HEX}
        routes = set()
        for table, records in tables.items():
            for key, record in records.items():
                routed = route_on(shelf, _routing_key(shelf, table, key, record))
                routes.add(routed)
                children[routed[depth]].setdefault(table, {})[key] = record
        if len(routes) < 2 and not forced:
            return  # one document's records: a split would not divide them
        for digit, child_tables in children.items():
            child = self._bucket_at(shelf, prefix + digit)
            child.write_whole(child_tables)
        self._place.forget(shelf)
        for stale in self._place.prefixes(shelf, fresh=True):
            if stale.startswith(prefix) and len(stale) > depth + 1:
                self._place.remove(shelf, stale)  # an older split's leftovers below the children
                self._forget_bucket(shelf, stale)
        self._place.remove(shelf, prefix)
        self._forget_bucket(shelf, prefix)
        for digit in HEX:
            self._split_if_full(self._bucket_at(shelf, prefix + digit))

    def _settle(self, shelf: str, prefix: str) -> None:
        """A bucket found beside buckets split from it: a split cut short (the children are
        copies of its records, maybe older), or a bucket brought back after its split (by a sync
        tool, a backup, a hand), which would hide the children's records. Either way every
        record of both is kept, the newest version of each (a tombstone still holding against
        an older annotation), and the split is done again (under the lock)."""
        parent = self._bucket_at(shelf, prefix)
        parent.index(writing=True)  # one that cannot be read is put aside first
        merged: dict[str, dict[str, Any]] = {name: dict(table) for name, table in parent.data().items()}
        for below in sorted(self._place.prefixes(shelf, fresh=True)):
            if below.startswith(prefix) and len(below) > len(prefix):
                child = self._bucket_at(shelf, below)
                child.index(writing=True)
                merged = _union(shelf, merged, child.data())
        if self._place.exists(shelf, prefix):
            self._split(shelf, prefix, merged, forced=True)
        else:  # put aside: its children stand as they are
            self._place.forget(shelf)

    def _forget_bucket(self, shelf: str, prefix: str) -> None:
        bucket = self._buckets.pop((shelf, prefix), None)
        if bucket is not None:
            _close(bucket)
        self._pinned.discard((shelf, prefix))

    # -- internals: annotations -----------------------------------------------------------------

    def _find(self, annotation_id: str, hint: str | None = None, *, writing: bool = False) -> _Found:
        """Where an annotation is: its ``ids`` record names its document's bucket (and the one
        it left, should a move have been cut short); ``hint`` is a document to look in too."""
        ids = self._bucket(IDS, annotation_id, fresh=writing)
        index = ids.index(writing=writing)
        ids_key = index.id_key.get(annotation_id)
        ids_record = index.ids[ids_key] if ids_key is not None else None
        found = _Found(ids, ids_key, ids_record)
        shas = []
        if ids_record is not None:
            shas = [s for s in (ids_record.get("sha256"), ids_record.get("was")) if isinstance(s, str) and s]
            legacy = ids_record.get("deleted")
            if isinstance(legacy, str):
                found.deleted = legacy
        if hint and hint not in shas:
            shas.append(hint)
        seen: set[tuple[str, str]] = set()
        for sha in shas:
            bucket = self._doc(sha, fresh=writing)
            place = (bucket.shelf, bucket.prefix)
            if place in seen:
                continue
            seen.add(place)
            doc_index = bucket.index(writing=writing)
            deleted = doc_index.deleted_at(annotation_id)
            if deleted is not None and (found.deleted is None or deleted > found.deleted):
                found.deleted = deleted
            key = doc_index.by_id.get(annotation_id)
            if key is None:
                continue
            record = doc_index.annotations[key]
            if found.record is None or str(record.get("updated", "")) > found.updated:
                if found.bucket is not None and found.key is not None:
                    found.stale.append((found.bucket, found.key))
                found.bucket, found.key, found.record = bucket, key, record
            else:
                found.stale.append((bucket, key))
        return found

    def _write(self, items: list[tuple[_Found, dict[str, Any]]]) -> None:
        """Store each record (a new version of the annotation found): where it is written, where
        its path is named, the copy it leaves, its tombstone lifted, the tag counts; then split
        what grew too big. Called under :meth:`_writing`."""
        ids_changes: dict[tuple[str, str], tuple[Bucket, dict[str, Any]]] = {}
        named: dict[tuple[str, str], tuple[Bucket, dict[str, Any]]] = {}
        doc_changes: dict[tuple[str, str], tuple[Bucket, dict[str, dict[str, Any]]]] = {}
        leaving: dict[tuple[str, str], tuple[Bucket, dict[str, dict[str, Any]]]] = {}
        fresh_keys: dict[tuple[str, str], int] = {}
        tags: Counter[str] = Counter()
        spelling: dict[str, str] = {}
        for found, record in items:
            document = record["document"]
            sha = document["sha256"]
            target = self._doc(sha, fresh=True)
            place = (target.shelf, target.prefix)
            index = target.index(writing=True)
            moving = found.bucket is not None and (found.bucket.shelf, found.bucket.prefix) != place
            wanted = {"id": record["id"], "sha256": sha}
            if moving:
                old = found.record["document"]["sha256"] if found.record is not None else ""
                wanted["was"] = old
            if found.ids_record != wanted:
                key = found.ids_key
                if key is None:
                    key = _fresh_key(fresh_keys, found.ids, found.ids.index(writing=True).ids, IDS)
                ids_changes.setdefault((found.ids.shelf, found.ids.prefix), (found.ids, {}))[1][key] = wanted
            path = document.get("path") or ""
            if path:
                self._name_path(named, path, sha)
            changes = doc_changes.setdefault(place, (target, {}))[1]
            if found.bucket is not None and not moving and found.key is not None:
                key = found.key
            else:
                key = _fresh_key(fresh_keys, target, index.annotations, ANNOTATIONS)
            changes.setdefault(ANNOTATIONS, {})[key] = record
            tomb = index.tombstone_by_id.get(record["id"])
            if tomb is not None:
                changes.setdefault(DELETED, {})[tomb] = None
            for bucket, stale_key in ([(found.bucket, found.key)] if moving else []) + found.stale:
                if bucket is not None and stale_key is not None:
                    where = (bucket.shelf, bucket.prefix)
                    if where == place and stale_key == key:
                        continue
                    group = doc_changes if where == place else leaving
                    group.setdefault(where, (bucket, {}))[1].setdefault(ANNOTATIONS, {})[stale_key] = None
            _count_tags(tags, spelling, found.record, -1)
            _count_tags(tags, spelling, record, +1)
        for bucket, records in ids_changes.values():
            bucket.commit({IDS: records})
        for bucket, records in named.values():
            bucket.commit({NAMED: records})
        for bucket, tables in doc_changes.values():
            bucket.commit(tables)
        for bucket, tables in leaving.values():
            bucket.commit(tables)
        self._count(tags, spelling)
        for bucket, _ in [*ids_changes.values(), *named.values(), *doc_changes.values()]:
            self._split_if_full(bucket)

    def _name_path(self, named: dict[tuple[str, str], tuple[Bucket, dict[str, Any]]], path: str, sha: str) -> None:
        """Note (unless noted already) that a record of document ``sha`` names ``path``: how
        :meth:`annotations_for` finds annotations made on another text of the same file."""
        bucket = self._bucket("paths", path, fresh=True)
        index = bucket.index(writing=True)
        if (sha, path) in index.named_key:
            return
        records = named.setdefault((bucket.shelf, bucket.prefix), (bucket, {}))[1]
        if any(r["sha256"] == sha and r["path"] == path for r in records.values()):
            return
        key = str(max([next_key(index.named), *(int(k) + 1 for k in records)]))
        records[key] = {"path": path, "sha256": sha}

    def _name_path_now(self, document: DocumentRef) -> None:
        """:meth:`_name_path` for one record about to be written (before it, as in :meth:`_write`)."""
        if not document.path:
            return
        named: dict[tuple[str, str], tuple[Bucket, dict[str, Any]]] = {}
        self._name_path(named, document.path, document.sha256)
        for paths, records in named.values():
            paths.commit({NAMED: records})

    def _count(self, delta: Counter[str], spelling: Mapping[str, str]) -> None:
        """Apply a change of tag counts to ``tags.json`` (one write, only if a count changed)."""
        delta = Counter({tag: n for tag, n in delta.items() if n})
        if not delta:
            return
        bucket = self._tags()
        index = bucket.index(writing=True)
        changes: dict[str, Any] = {}
        fresh = next_key(index.tag_records)
        for folded, n in delta.items():
            key = index.tag_key.get(folded)
            if key is None:
                if n > 0:
                    changes[str(fresh)] = {"tag": spelling[folded], "count": n}
                    fresh += 1
                continue
            record = index.tag_records[key]
            count = record["count"] + n
            changes[key] = {**record, "count": count} if count > 0 else None
        if changes:
            bucket.commit({TAGS: changes})

    # -- other processes ------------------------------------------------------------------------

    @_synchronised
    def refresh(self) -> int:
        """Read again the buckets read so far that another process changed (a stat each when
        none did); returns a count that changes each time data written by another process was read."""
        for bucket in list(self._buckets.values()):
            bucket.index()
        return self._reloads

    # -- annotations ----------------------------------------------------------------------------

    @_synchronised
    def get(self, annotation_id: str) -> Annotation | None:
        found = self._find(annotation_id)
        return None if found.record is None else Annotation.from_dict(found.record)

    @_synchronised
    def __len__(self) -> int:
        """How many annotations the store holds (damaged records, skipped, not counted); reads
        every bucket."""
        ids: set[str] = set()
        for _, index in self._scan("docs"):
            ids.update(index.by_id)
        return len(ids)

    @_synchronised
    def is_empty(self) -> bool:
        """Whether the store holds no annotation (reads buckets until it finds one)."""
        return not any(index.by_id for _, index in self._scan("docs"))

    @_synchronised
    def add(self, annotation: Annotation) -> Annotation:
        """Save a new annotation. Raises ``ValueError`` if its id is already stored, or was
        deleted after this version was made."""
        with self._writing():
            found = self._find(annotation.id, annotation.document.sha256, writing=True)
            if found.record is not None:
                raise ValueError(f"annotation {annotation.id} already exists")
            if found.deleted is not None and annotation.updated <= found.deleted:
                raise ValueError(f"annotation {annotation.id} was deleted")
            self._write([(found, annotation.to_dict())])
        return annotation

    @_synchronised
    def update(self, annotation: Annotation) -> Annotation:
        """Replace the stored annotation with this id; returns the previous version (for undo)."""
        with self._writing():
            found = self._find(annotation.id, annotation.document.sha256, writing=True)
            if found.record is None:
                raise KeyError(annotation.id)
            previous = Annotation.from_dict(found.record)
            self._write([(found, annotation.to_dict())])
        return previous

    @_synchronised
    def edit(
        self, annotation_id: str, *, add_tags: Iterable[str] = (), remove_tags: Iterable[str] = (), **changes: Any
    ) -> tuple[Annotation, Annotation]:
        """Change some fields of the annotation as it is stored now, whoever wrote it last:
        changes made by other processes to the other fields are kept, and ``add_tags`` /
        ``remove_tags`` (ignoring case) change the tags stored now, so two readers each adding a
        tag keep both. Returns the version before and the one after. Raises ``KeyError`` if it
        is not stored (deleted, maybe by another process: the message says so)."""
        with self._writing():
            found = self._find(annotation_id, writing=True)
            if found.record is None:
                deleted = found.deleted is not None
                raise KeyError(f"annotation {annotation_id} was deleted" if deleted else annotation_id)
            previous = Annotation.from_dict(found.record)
            add_tags, remove_tags = tuple(add_tags), {tag.casefold() for tag in remove_tags}
            if add_tags or remove_tags:
                kept = [tag for tag in changes.get("tags", previous.tags) if tag.casefold() not in remove_tags]
                changes["tags"] = [*kept, *add_tags]  # normalised by edited(): a tag already there stays once
            current = previous.edited(**changes, updated=_stamp_after(previous.updated))
            self._write([(found, current.to_dict())])
        return previous, current

    @_synchronised
    def delete(self, annotation_id: str) -> Annotation:
        """Remove an annotation, leaving a tombstone that older versions of it cannot get past;
        returns it, so that :meth:`restore` can undo the deletion."""
        with self._writing():
            found = self._find(annotation_id, writing=True)
            if found.record is None or found.bucket is None or found.key is None:
                raise KeyError(annotation_id)
            removed = Annotation.from_dict(found.record)
            sha = removed.document.sha256
            tombstone = {"id": annotation_id, "deleted": _stamp_after(removed.updated), "sha256": sha}
            if found.ids_record is None or found.ids_record.get("sha256") != sha:
                ids_key = found.ids_key or str(next_key(found.ids.index(writing=True).ids))
                found.ids.commit({IDS: {ids_key: {"id": annotation_id, "sha256": sha}}})
            for bucket, key in [(found.bucket, found.key), *found.stale]:
                index = bucket.index(writing=True)
                tomb = index.tombstone_by_id.get(annotation_id) or str(next_key(index.tombstones))
                bucket.commit({ANNOTATIONS: {key: None}, DELETED: {tomb: tombstone}})
            tags: Counter[str] = Counter()
            spelling: dict[str, str] = {}
            _count_tags(tags, spelling, found.record, -1)
            self._count(tags, spelling)
        return removed

    def restore(self, annotation: Annotation) -> Annotation:
        """Put this version back, stored or deleted (undo and redo): a new change, so it is
        stamped later than anything stored for its id. Returns it as stored."""
        return self.restore_many([annotation])[0]

    @_synchronised
    def restore_many(self, annotations: Iterable[Annotation]) -> list[Annotation]:
        """:meth:`restore` for several annotations, stamped in the order given (each later than the
        one before: entity corrections put back apply in their old order)."""
        annotations = list(annotations)
        if not annotations:
            return []
        stamped: list[Annotation] = []
        with self._writing():
            for chunk in _chunks(annotations):
                items = []
                for ann in chunk:
                    found = self._find(ann.id, ann.document.sha256, writing=True)
                    previous = stamped[-1].updated if stamped else ""
                    ann = replace(ann, updated=_stamp_after(ann.updated, found.updated, found.deleted or "", previous))
                    stamped.append(ann)
                    items.append((found, ann.to_dict()))
                self._write(_last_of_each(items))
        return stamped

    @_synchronised
    def save_many(self, annotations: Iterable[Annotation]) -> list[str]:
        """Store each annotation as given, adding or replacing by id, unless a newer version is
        stored (``updated`` later) or it was deleted after this version was made. Returns the
        ids of those not written."""
        latest: dict[str, Annotation] = {}
        for ann in annotations:
            if ann.id not in latest or ann.updated >= latest[ann.id].updated:
                latest[ann.id] = ann
        superseded = []
        with self._writing() if latest else _nothing():
            for chunk in _chunks(list(latest.values())):
                items = []
                for ann in chunk:
                    found = self._find(ann.id, ann.document.sha256, writing=True)
                    if found.record is not None and ann.updated < found.updated:
                        superseded.append(ann.id)
                    elif found.record is None and found.deleted is not None and ann.updated <= found.deleted:
                        superseded.append(ann.id)
                    else:
                        items.append((found, ann.to_dict()))
                if items:
                    self._write(items)
        return superseded

    @_synchronised
    def merge(self, annotations: Iterable[Annotation]) -> MergeResult:
        """Import annotations by id: new ones are added, a stored one is replaced only by a
        different version updated no earlier, one deleted here is brought back only by a version
        updated after the deletion, and importing the same file twice changes nothing. Written
        a thousand at a time, so an import cut short is finished by importing it again."""
        incoming: dict[str, Annotation] = {}
        repeated = 0
        for ann in annotations:
            if ann.id in incoming:
                repeated += 1
            if ann.id not in incoming or ann.updated >= incoming[ann.id].updated:  # a tie: the later line
                incoming[ann.id] = ann
        added = updated = unchanged = deleted = older = 0
        ordered = sorted(incoming.values(), key=lambda a: route(a.document.sha256))  # a bucket's together
        with self._writing():
            for chunk in _chunks(ordered):
                items = []
                for ann in chunk:
                    found = self._find(ann.id, ann.document.sha256, writing=True)
                    record = ann.to_dict()
                    if found.record is None and found.deleted is not None and ann.updated <= found.deleted:
                        deleted += 1
                        continue
                    if found.record is None:
                        added += 1
                    elif found.record == record and not found.stale:
                        unchanged += 1
                        continue
                    elif ann.updated >= found.updated:  # not older: it replaces
                        updated += 1
                    else:
                        older += 1
                        continue
                    items.append((found, record))
                if items:
                    self._write(items)
        return MergeResult(added, updated, unchanged, deleted, older, repeated)

    @_synchronised
    def deleted_at(self, annotation_id: str) -> str | None:
        """When the annotation was deleted (its tombstone's time), or None if it was not."""
        found = self._find(annotation_id)
        return found.deleted if found.record is None else None

    def _gather(self, sha256: str, path: str | None) -> list[tuple[Bucket, Index, list[str]]]:
        """The buckets holding a document's records (and, with ``path``, those of the other texts
        found at that path and of the documents whose records name it), each with the keys of
        its annotations that belong; pins them, for :meth:`refresh` to watch."""
        texts, named = [sha256], []
        pinned: set[tuple[str, str]] = set()
        if path:
            paths = self._bucket("paths", path)
            pinned.add((paths.shelf, paths.prefix))
            index = paths.index()
            texts += [s for s in index.texts_at.get(path, ()) if s not in texts]
            named = index.named_at.get(path, [])
        out: dict[tuple[str, str], tuple[Bucket, Index, dict[str, None]]] = {}
        for sha, by_path in [*((s, False) for s in texts), *((s, True) for s in named)]:
            bucket = self._doc(sha)
            place = (bucket.shelf, bucket.prefix)
            pinned.add(place)
            index = bucket.index()
            keys = out.setdefault(place, (bucket, index, {}))[2]
            keys.update(index.by_path.get(path or "", {}) if by_path else index.by_sha.get(sha, {}))
        self._pinned = pinned
        return [(bucket, index, list(keys)) for bucket, index, keys in out.values()]

    @_synchronised
    def annotations_for(self, sha256: str, path: str | None = None) -> list[Annotation]:
        """A document's annotations in document order (start, end, then creation).

        With ``path``, annotations made on other texts found at that path are included too
        (older versions of the file, as the reader saw them there, or as the annotations say):
        their offsets are for that other text, so pass them through ``reanchor`` first.
        """
        records: dict[str, Mapping[str, Any]] = {}
        for _, index, keys in self._gather(sha256, path):
            for key in keys:
                record = index.annotations[key]
                held = records.get(record["id"])
                if held is None or str(record.get("updated", "")) > str(held.get("updated", "")):
                    records[record["id"]] = record
        return sorted(self._parse_again(records.values()), key=_document_order)

    @_synchronised
    def damaged_for(self, sha256: str, path: str | None = None) -> int:
        """How many damaged records (skipped, kept in the file) name this document, as
        :meth:`annotations_for` with the same arguments would have listed them."""
        count = 0
        for _, index, _keys in self._gather(sha256, path):
            count += sum(
                1
                for key in index.damaged
                if _sha_of(record := index.annotations[key]) == sha256 or (path and _path_of(record) == path)
            )
        return count

    @_synchronised
    def all_annotations(self) -> list[Annotation]:
        """Every annotation, grouped by document (title, path) and in document order within
        each (reads every bucket)."""
        records: dict[str, Mapping[str, Any]] = {}
        for _, index in self._scan("docs"):
            for key in index.by_id.values():
                record = index.annotations[key]
                held = records.get(record["id"])
                if held is None or str(record.get("updated", "")) > str(held.get("updated", "")):
                    records[record["id"]] = record
        anns = [Annotation.from_dict(r) for r in records.values()]
        return sorted(anns, key=lambda a: (a.document.title, a.document.path, a.document.sha256, *_document_order(a)))

    def orphans(self) -> list[Annotation]:
        """Annotations the last re-anchoring could not place, for the user to re-attach or delete."""
        return [a for a in self.all_annotations() if a.status == "orphaned"]

    @_synchronised
    def tags(self, prefix: str = "") -> list[str]:
        """Tags already used, most used first, for completion; ``prefix`` matches ignoring case."""
        folded = prefix.casefold()
        index = self._tags().index()
        counted = [(r["tag"], r["count"]) for r in (index.tag_records[k] for k in index.tag_key.values())]
        counted.sort(key=lambda tc: (-tc[1], tc[0].casefold()))
        return [tag for tag, _ in counted if tag.casefold().startswith(folded)]

    @_synchronised
    def documents(self) -> list[DocumentRef]:
        """Every document with annotations, a reading position or bookmarks, sorted by title
        (reads every bucket)."""
        refs: dict[str, DocumentRef] = {}
        for _, index in self._scan("docs"):
            sound = [
                *(index.positions[k] for k in index.position_by_sha.values()),
                *(index.bookmarks[k] for k in index.bookmark_by_id.values()),
                *(index.annotations[k] for k in index.by_id.values()),
            ]
            for record in sound:
                try:
                    ref = DocumentRef.from_dict(record["document"])
                except ValueError:  # a position's document may lack a path or title of the right type
                    continue
                refs.setdefault(ref.sha256, ref)
        return sorted(refs.values(), key=lambda r: (r.title, r.path, r.sha256))

    def _parse_again(self, records: Iterable[Mapping[str, Any]]) -> list[Annotation]:
        """Annotations from records the index found sound, taking the annotation parsed last
        time for a record equal to its record then (annotations are immutable), and remembering
        these for next time."""
        before, now, out = self._last_parsed, {}, []
        for record in records:
            hit = before.get(record["id"])
            ann = hit[1] if hit is not None and hit[0] == record else Annotation.from_dict(record)
            now[ann.id] = (record, ann)
            out.append(ann)
        self._last_parsed = now
        return out

    # -- documents: which text the reader found at which path ----------------------------------

    @_synchronised
    def document_opened(self, document: DocumentRef) -> None:
        """Remember that the reader found ``document``'s text at its path (nothing without one).

        Export reads a document's text only from such paths. Writes only when that path held
        another text before (or none): opening the same file again costs no write.
        """
        if not document.path:
            return
        if not self.read_only and self._opened_already(document):
            return  # nothing to write: no lock taken (checked again under it otherwise)
        with self._writing():
            paths = self._bucket("paths", document.path, fresh=True)
            path_index = paths.index(writing=True)
            docs = self._doc(document.sha256, fresh=True)
            doc_index = docs.index(writing=True)
            latest = path_index.latest_at.get(document.path)
            pair = (document.sha256, document.path)
            if latest is not None and latest[1] == document.sha256 and pair in doc_index.document_key:
                return
            record = {
                "sha256": document.sha256,
                "path": document.path,
                "title": document.title,
                "opened": _stamp_after(latest[0] if latest else ""),
            }
            # The text's own bucket first: what paths_of reads; then the path's, which says what is there now.
            docs.commit({DOCUMENTS: {doc_index.document_key.get(pair) or str(next_key(doc_index.documents)): record}})
            paths.commit(
                {DOCUMENTS: {path_index.document_key.get(pair) or str(next_key(path_index.documents)): record}}
            )
            self._split_if_full(docs)
            self._split_if_full(paths)

    def _opened_already(self, document: DocumentRef) -> bool:
        latest = self._bucket("paths", document.path).index().latest_at.get(document.path)
        recorded = (document.sha256, document.path) in self._doc(document.sha256).index().document_key
        return latest is not None and latest[1] == document.sha256 and recorded

    @_synchronised
    def paths_of(self, sha256: str, *, current_only: bool = False) -> list[str]:
        """The paths where the reader found this text, most recent first: first those where it
        is the last text found there, then (unless ``current_only``) the others."""
        index = self._doc(sha256).index()
        seen = [path for _, path in sorted(index.seen_at.get(sha256, ()), reverse=True)]
        current = []
        for path in seen:
            latest = self._bucket("paths", path).index().latest_at.get(path)
            if latest is None or latest[1] == sha256:  # (not written there: the crash came between the two)
                current.append(path)
        return current if current_only else current + [path for path in seen if path not in current]

    @_synchronised
    def texts_at(self, path: str) -> list[str]:
        """The texts (sha256) found at ``path`` or named with it by stored records."""
        index = self._bucket("paths", path).index()
        return list(dict.fromkeys([*index.texts_at.get(path, ()), *index.named_at.get(path, ())]))

    # -- reading positions ----------------------------------------------------------------------

    @_synchronised
    def set_position(self, document: DocumentRef | str, offset: int) -> None:
        """Remember where the reader is in a document (call on leaving it, not per keypress)."""
        ref = document if isinstance(document, DocumentRef) else DocumentRef(document)
        if offset < 0:
            raise ValueError("offset must not be negative")
        with self._writing():
            bucket = self._doc(ref.sha256, fresh=True)
            index = bucket.index(writing=True)
            key = index.position_by_sha.get(ref.sha256)
            if key is not None and index.positions[key].get("offset") == offset:
                return
            self._name_path_now(ref)
            record = {"document": ref.to_dict(), "offset": offset, "updated": now_iso()}
            bucket.commit({POSITIONS: {key if key is not None else str(next_key(index.positions)): record}})
            self._split_if_full(bucket)

    @_synchronised
    def position(self, sha256: str, path: str | None = None) -> int | None:
        """The remembered offset in a document; with ``path``, falls back to the latest position
        in another version of that file (the caller clamps it to the text)."""
        index = self._doc(sha256).index()
        key = index.position_by_sha.get(sha256)
        if key is not None:
            offset: int = index.positions[key]["offset"]  # indexed positions are sound: an int
            return offset
        if path:
            same = []
            for sha in self.texts_at(path):
                other = self._doc(sha).index()
                key = other.position_by_sha.get(sha)
                if key is not None and other.positions[key]["document"].get("path") == path:
                    same.append(other.positions[key])
            if same:
                latest: int = max(same, key=lambda r: str(r.get("updated", "")))["offset"]
                return latest
        return None

    # -- bookmarks ------------------------------------------------------------------------------

    def add_bookmark(self, document: DocumentRef | str, offset: int, label: str = "") -> Bookmark:
        """Bookmark an offset; bookmarking the same place again returns the existing bookmark."""
        ref = document if isinstance(document, DocumentRef) else DocumentRef(document)
        if offset < 0:
            raise ValueError("offset must not be negative")
        for existing in self.bookmarks(ref.sha256):
            if existing.offset == offset:
                return existing
        bookmark = Bookmark(new_id(), ref, offset, label, now_iso())
        self.restore_bookmark(bookmark)
        return bookmark

    def _bookmark_bucket(self, bookmark_id: str, *, writing: bool) -> tuple[Bucket, str] | None:
        """The bucket and key of a bookmark: where it was last seen, else found by reading every bucket."""
        sha = self._bookmark_at.get(bookmark_id)
        if sha is not None:
            bucket = self._doc(sha, fresh=writing)
            key = bucket.index(writing=writing).bookmark_by_id.get(bookmark_id)
            if key is not None:
                return bucket, key
        for bucket, index in self._scan("docs"):
            key = index.bookmark_by_id.get(bookmark_id)
            if key is not None:
                return self._bucket_at(bucket.shelf, bucket.prefix), key
        return None

    @_synchronised
    def restore_bookmark(self, bookmark: Bookmark) -> None:
        """Store this bookmark as given, adding or replacing by id (also undoes a removal, and
        moves a bookmark to another text of its file)."""
        with self._writing():
            bucket = self._doc(bookmark.document.sha256, fresh=True)
            index = bucket.index(writing=True)
            key = index.bookmark_by_id.get(bookmark.id)
            was = None if key is not None else self._bookmark_bucket(bookmark.id, writing=True)
            self._name_path_now(bookmark.document)
            bucket.commit({BOOKMARKS: {key if key is not None else str(next_key(index.bookmarks)): bookmark.to_dict()}})
            if was is not None and was[0] is not bucket:
                was[0].commit({BOOKMARKS: {was[1]: None}})
            self._bookmark_at[bookmark.id] = bookmark.document.sha256
            self._split_if_full(bucket)

    @_synchronised
    def remove_bookmark(self, bookmark_id: str) -> Bookmark:
        """Remove a bookmark and return it (for undo)."""
        with self._writing():
            found = self._bookmark_bucket(bookmark_id, writing=True)
            if found is None:
                raise KeyError(bookmark_id)
            bucket, key = found
            removed = Bookmark.from_dict(bucket.index(writing=True).bookmarks[key])
            bucket.commit({BOOKMARKS: {key: None}})
        return removed

    @_synchronised
    def bookmarks(self, sha256: str) -> list[Bookmark]:
        """A document's bookmarks in document order."""
        bucket = self._doc(sha256)
        self._pinned.add((bucket.shelf, bucket.prefix))
        index = bucket.index()
        marks = (Bookmark.from_dict(index.bookmarks[key]) for key in index.bookmark_by_id.values())
        mine = sorted((b for b in marks if b.document.sha256 == sha256), key=lambda b: (b.offset, b.created))
        for mark in mine:
            self._bookmark_at[mark.id] = sha256
        return mine

    # -- feeds: subscriptions, their entries and read state ------------------------------------

    def _feed_bucket(self, url: str, *, fresh: bool = False) -> Bucket:
        return self._bucket(FEEDS, url, fresh=fresh)

    def _entry_bucket(self, feed: str, key: str, *, fresh: bool = False) -> Bucket:
        return self._bucket(ENTRIES, f"{feed}\0{key}", fresh=fresh)

    @_synchronised
    def feeds(self) -> list[Feed]:
        """Every subscription, by title (then URL); reads the ``feeds`` shelf."""
        found: dict[str, Mapping[str, Any]] = {}
        for _, index in self._scan(FEEDS):
            for url, key in index.feed_key.items():
                record = index.feeds[key]
                held = found.get(url)
                if held is None or str(record.get("updated", "")) > str(held.get("updated", "")):
                    found[url] = record
        return sorted((Feed.from_record(r) for r in found.values()), key=lambda f: (f.name.casefold(), f.url))

    @_synchronised
    def feed(self, url: str) -> Feed | None:
        """The subscription to ``url`` (normalised), or None."""
        url = normalise_url(url)
        index = self._feed_bucket(url).index()
        key = index.feed_key.get(url)
        return None if key is None else Feed.from_record(index.feeds[key])

    @_synchronised
    def add_feed(self, feed: Feed) -> bool:
        """Subscribe (the URL normalised, ``added`` now unless given); False if already subscribed."""
        url = normalise_url(feed.url)
        if not url:
            raise ValueError("a feed needs a URL")
        with self._writing():
            bucket = self._feed_bucket(url, fresh=True)
            index = bucket.index(writing=True)
            if url in index.feed_key:
                return False
            now = now_iso()
            record = {**replace(feed, url=url, added=feed.added or now).to_record(), "updated": now}
            bucket.commit({FEEDS: {str(next_key(index.feeds)): record}})
            self._split_if_full(bucket)
        return True

    @_synchronised
    def update_feed(self, url: str, **fields: Any) -> Feed:
        """Change some fields of a subscription (``title``, ``site``, ``etag``, ``last_modified``,
        ``refreshed``, ``error``, ``folder``) as it is stored now; returns it as changed. Raises
        ``KeyError`` if not subscribed, ``TypeError`` for another field."""
        unknown = sorted(set(fields) - FEED_FIELDS)
        if unknown:
            raise TypeError(f"a feed has no field {', '.join(unknown)} that can be changed")
        url = normalise_url(url)
        with self._writing():
            bucket = self._feed_bucket(url, fresh=True)
            index = bucket.index(writing=True)
            key = index.feed_key.get(url)
            if key is None:
                raise KeyError(url)
            record = dict(index.feeds[key])
            changed = {**record, **fields}
            if changed != record:
                changed["updated"] = _stamp_after(str(record.get("updated", "")))
                bucket.commit({FEEDS: {key: changed}})
        return Feed.from_record(changed)

    @_synchronised
    def remove_feed(self, url: str) -> int:
        """Unsubscribe; the feed's entries go too, except those whose article is annotated (their
        annotations are never touched). Returns how many entries went. Raises ``KeyError`` if
        not subscribed."""
        url = normalise_url(url)
        with self._writing():
            bucket = self._feed_bucket(url, fresh=True)
            index = bucket.index(writing=True)
            keys = [k for k, r in index.feeds.items() if is_feed(r) and r["url"] == url]
            if not keys:
                raise KeyError(url)
            bucket.commit({FEEDS: dict.fromkeys(keys)})  # the subscription first: what the user asked
            return self._remove_entries(lambda record: record["feed"] == url, feed_prefix(url))

    @_synchronised
    def put_entries(self, feed_url: str, entries: Iterable[Entry]) -> int:
        """Store a feed's entries as just read: new ones are added (``seen`` now, unless given),
        known ones (same feed and key) take the new link, title, times and summary, and keep
        their read state and when they were first seen. Returns how many were new."""
        feed = normalise_url(feed_url)
        latest: dict[str, Entry] = {}
        for entry in entries:
            if entry.key:
                latest[entry.key] = entry
        if not latest:
            return 0
        added = 0
        with self._writing():
            now = now_iso()
            changes: dict[tuple[str, str], tuple[Bucket, dict[str, Any]]] = {}
            links: dict[tuple[str, str], tuple[Bucket, dict[str, Any]]] = {}
            fresh_keys: dict[tuple[str, str], int] = {}
            noted: set[tuple[str, str, str]] = set()
            for entry in latest.values():
                bucket = self._entry_bucket(feed, entry.key, fresh=True)
                index = bucket.index(writing=True)
                key = index.entry_key.get((feed, entry.key))
                given = {**entry.to_record(), "feed": feed}
                if key is None:
                    record = {**given, "seen": entry.seen or now, "updated": now}
                    key = _fresh_key(fresh_keys, bucket, index.entries, ENTRIES)
                    added += 1
                else:
                    old = index.entries[key]
                    record = {**old, **{f: given[f] for f in _ENTRY_CONTENT}}
                    if record == old:
                        continue
                    record["updated"] = _stamp_after(str(old.get("updated", "")))
                changes.setdefault((bucket.shelf, bucket.prefix), (bucket, {}))[1][key] = record
                link = normalise_url(entry.link)
                if link and (link, feed, entry.key) not in noted:
                    noted.add((link, feed, entry.key))
                    paths = self._bucket("paths", link, fresh=True)
                    paths_index = paths.index(writing=True)
                    if (link, feed, entry.key) not in paths_index.link_key:
                        slot = _fresh_key(fresh_keys, paths, paths_index.links, LINKS)
                        lookup = {"link": link, "feed": feed, "key": entry.key}
                        links.setdefault((paths.shelf, paths.prefix), (paths, {}))[1][slot] = lookup
            # The lookups first: a crash between leaves a lookup of nothing (checked when read).
            for bucket, records in links.values():
                bucket.commit({LINKS: records})
            for bucket, records in changes.values():
                bucket.commit({ENTRIES: records})
            for bucket, _ in [*links.values(), *changes.values()]:
                self._split_if_full(bucket)
        return added

    @_synchronised
    def entry(self, feed_url: str, key: str) -> Entry | None:
        """One entry of a feed, by its key."""
        feed = normalise_url(feed_url)
        index = self._entry_bucket(feed, key).index()
        found = index.entry_key.get((feed, key))
        return None if found is None else Entry.from_record(index.entries[found])

    @_synchronised
    def entries(
        self, feed_url: str | None = None, *, unread_only: bool = False, limit: int | None = None
    ) -> list[Entry]:
        """A feed's entries (without ``feed_url``: those of every subscription), newest first (by
        published, else seen); ``limit`` keeps only that many, holding no more in memory."""
        if feed_url is not None:
            feed = normalise_url(feed_url)
            feeds, under = {feed}, feed_prefix(feed)
        else:
            feeds, under = {f.url for f in self.feeds()}, ""

        def records() -> Iterator[Mapping[str, Any]]:
            for _, index in self._scan(ENTRIES, under):
                for (name, _key), key in index.entry_key.items():
                    if name in feeds:
                        record = index.entries[key]
                        if not unread_only or record.get("read") is not True:
                            yield record

        chosen = (
            heapq.nlargest(limit, records(), key=_entry_order)
            if limit is not None
            else sorted(records(), key=_entry_order, reverse=True)
        )
        return [Entry.from_record(r) for r in chosen]

    @_synchronised
    def set_read(self, feed_url: str, key: str, read: bool = True) -> None:
        """Mark an entry read or unread. Raises ``KeyError`` if there is no such entry."""
        feed = normalise_url(feed_url)
        with self._writing():
            bucket = self._entry_bucket(feed, key, fresh=True)
            index = bucket.index(writing=True)
            slot = index.entry_key.get((feed, key))
            if slot is None:
                raise KeyError(key)
            old = index.entries[slot]
            if old.get("read") is read:
                return
            stamp = _stamp_after(str(old.get("updated", "")))
            bucket.commit({ENTRIES: {slot: {**old, "read": read, "updated": stamp}}})

    @_synchronised
    def set_read_link(self, link: str, read: bool = True) -> int:
        """Mark read (or unread) every entry whose link is the article ``link`` (compared
        normalised), in whichever feeds list it: reading an article reads it everywhere.
        Returns how many entries changed."""
        url = normalise_url(link)
        if not url:
            return 0
        changed = 0
        for feed, key in list(self._bucket("paths", url).index().links_at.get(url, ())):
            entry = self.entry(feed, key)
            if entry is not None and entry.read is not read:
                try:
                    self.set_read(feed, key, read)
                except KeyError:  # removed meanwhile
                    continue
                changed += 1
        return changed

    @_synchronised
    def set_all_read(self, feed_url: str | None = None, read: bool = True) -> int:
        """Mark every entry of a feed (of every feed, without one) read or unread; returns how
        many changed."""
        feed = normalise_url(feed_url) if feed_url is not None else None
        changed = 0
        with self._writing():
            for bucket, index in self._scan(ENTRIES, feed_prefix(feed) if feed is not None else ""):
                changes: dict[str, Any] = {}
                for (name, _key), slot in index.entry_key.items():
                    old = index.entries[slot]
                    if (feed is None or name == feed) and old.get("read") is not read:
                        changes[slot] = {**old, "read": read, "updated": _stamp_after(str(old.get("updated", "")))}
                if changes:
                    bucket.commit({ENTRIES: changes})
                    changed += len(changes)
        return changed

    @_synchronised
    def entry_for_link(self, link: str) -> Entry | None:
        """The entry whose link is ``link`` (compared normalised), or None: one bucket read of
        ``paths/``, then the entry's."""
        for candidate in dict.fromkeys([normalise_url(link), link]):
            if not candidate:
                continue
            index = self._bucket("paths", candidate).index()
            for feed, key in index.links_at.get(candidate, ()):
                entry = self.entry(feed, key)
                if entry is not None:
                    return entry
        return None

    @_synchronised
    def unread_counts(self) -> dict[str, int]:
        """How many unread entries each subscription has (every subscription, 0 included),
        counted one bucket at a time."""
        counts = {f.url: 0 for f in self.feeds()}
        for _, index in self._scan(ENTRIES):
            for (name, _key), slot in index.entry_key.items():
                if name in counts and index.entries[slot].get("read") is not True:
                    counts[name] += 1
        return counts

    @_synchronised
    def prune_entries(self, older_than: datetime) -> int:
        """Remove the entries older than ``older_than`` (read or not), except those whose article
        is annotated; returns how many went. An entry is older when it was first seen before then
        and published before then (or gives no date): an old article a feed has just listed stays
        its full time, rather than being removed at the next refresh and come back as new at the
        one after. An entry whose times are no times is kept."""
        cutoff = older_than if older_than.tzinfo is not None else older_than.replace(tzinfo=timezone.utc)

        def old(record: Mapping[str, Any]) -> bool:
            seen = parse_iso(record.get("seen"))
            published = parse_iso(record.get("published"))
            if seen is None and published is None:
                return False
            return all(moment < cutoff for moment in (seen, published) if moment is not None)

        with self._writing():
            return self._remove_entries(old)

    @_synchronised
    def is_annotated(self, path_or_url: str) -> bool:
        """Whether any annotation's document path is ``path_or_url`` (a URL also compared
        normalised): the ``paths/`` bucket of it, then the buckets of the documents it names."""
        for path in dict.fromkeys([path_or_url, normalise_url(path_or_url)]):
            if not path:
                continue
            for sha in self._bucket("paths", path).index().named_at.get(path, ()):
                if self._doc(sha).index().by_path.get(path):
                    return True
        return False

    def _remove_entries(self, doomed: Callable[[Mapping[str, Any]], bool], under: str = "") -> int:
        """Remove the entries ``doomed`` says, unless annotated, then their link lookups (a
        crash between leaves lookups of nothing, which readers check). Under the lock."""
        annotated: dict[str, bool] = {}
        gone: list[tuple[str, str, str]] = []
        removed = 0
        for bucket, index in self._scan(ENTRIES, under):
            changes: dict[str, Any] = {}
            for (feed, key), slot in index.entry_key.items():
                record = index.entries[slot]
                if not doomed(record):
                    continue
                link = record.get("link") if isinstance(record.get("link"), str) else ""
                if link:
                    if link not in annotated:
                        annotated[link] = self.is_annotated(link)
                    if annotated[link]:
                        continue
                    gone.append((normalise_url(link), feed, key))
                changes[slot] = None
            if changes:
                bucket.commit({ENTRIES: changes})
                removed += len(changes)
            if len(gone) >= _CHUNK:
                self._forget_links(gone)
        self._forget_links(gone)
        return removed

    def _forget_links(self, gone: list[tuple[str, str, str]]) -> None:
        grouped: dict[tuple[str, str], tuple[Bucket, dict[str, Any]]] = {}
        for link, feed, key in gone:
            paths = self._bucket("paths", link, fresh=True)
            slot = paths.index(writing=True).link_key.get((link, feed, key))
            if slot is not None:
                grouped.setdefault((paths.shelf, paths.prefix), (paths, {}))[1][slot] = None
        for bucket, records in grouped.values():
            bucket.commit({LINKS: records})
        gone.clear()

    # -- backup ---------------------------------------------------------------------------------

    @_synchronised
    def dump(self, out: Any) -> dict[str, int]:
        """Write the whole database as one single-file TinyDB database (schema 1, every table)
        to the binary stream ``out``, one record per line, reading one bucket at a time.
        Returns how many records of each table were written."""
        return convert.dump(self, out)


@dataclass(frozen=True)
class Restored:
    """What :func:`restore_database` did: the records of each table it restored, and warnings."""

    counts: dict[str, int]
    warnings: list[str]


def restore_database(
    source: str | os.PathLike[str],
    path: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    replace: bool = False,
) -> Restored:
    """Make the database at ``path`` (default :func:`default_db_path`) from ``source``, a dump
    (:meth:`Store.dump`) or any single-file database; says how many records of each table. A database already
    there is refused, or with ``replace`` kept aside (renamed, with its data folder) first.
    Raises :class:`StoreError` with one line."""
    source = Path(source)
    db_path = Path(path).expanduser() if path is not None else default_db_path(env)
    target = follow_link(db_path)
    if not source.is_file():
        raise StoreError(f"{source}: no such dump file" if not source.exists() else f"{source} is not a regular file")
    if target.is_dir() or (target.exists() and not target.is_file()):
        raise StoreError(f"{db_path} is not a regular file, not an annotation database")
    folder = data_folder(target)
    real = source.resolve()
    if real == target.resolve() or folder.resolve() in real.parents:
        raise StoreError(f"{source} is the database being restored (or in its data folder): dump it elsewhere first")
    there = [p for p in (target, folder) if os.path.lexists(p)]
    if there and not replace:
        raise StoreError(
            f"{db_path} already holds a database: restore into another --db, or add --replace to keep it aside"
        )
    try:
        schema = convert.schema_of_file(source)
    except CorruptDatabaseError as exc:
        raise StoreError(f"{source} {exc}") from None
    if schema > SINGLE_FILE_SCHEMA:
        raise StoreError(f"{source} is a database's manifest, not a dump (make one with `sorot db dump`)")
    _takes_saves(target)
    warnings: list[str] = []

    def keep_aside() -> None:  # only once the new database is built: a bad dump leaves the old one
        aside = free_name(target, ".before-restore-" + datetime.now().strftime("%Y%m%d-%H%M%S"))
        for old, new in ((target, aside), (folder, data_folder(aside))):
            if os.path.lexists(old):
                os.rename(old, new)
        warnings.append(f"kept the database that was at {db_path.name} as {aside.name} (open it with --db)")

    counts: Counter[str] = Counter()
    with WriterLock(target, 10.0):
        try:
            warnings += convert.build_from_file(
                source, folder, schema, before_install=keep_aside if there else None, counted=counts
            )
        except CorruptDatabaseError as exc:
            raise StoreError(f"{source} {exc}") from None
        manifest = AtomicJSONStorage(target, lock=False, shown=str(db_path))
        try:
            manifest.write(convert.manifest_data())
        finally:
            manifest.close()
    return Restored(dict(counts), warnings)


def _takes_saves(target: Path) -> None:
    """Make the folder of a database to be written, or raise :class:`NotWritableError` saying
    why annotations cannot be saved there."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NotWritableError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
    problem = unwritable_reason(target)
    if problem is not None:
        raise NotWritableError(problem)


def _same_copy(path: Path, suffix: str) -> Path | None:
    """A copy of ``path`` made before, byte for byte the same (``NAME`` + ``suffix``, numbered)."""
    size = os.stat(path).st_size
    candidate, n = path.with_name(path.name + suffix), 2
    while os.path.lexists(candidate):
        if candidate.is_file() and candidate.stat().st_size == size and filecmp.cmp(path, candidate, shallow=False):
            return candidate
        candidate, n = path.with_name(f"{path.name}{suffix}-{n}"), n + 1
    return None


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _size(bucket: Bucket) -> int:
    index = bucket.cached_index
    return index.size if index is not None else 0


def _close(bucket: Bucket) -> None:
    close = getattr(bucket.storage, "close", None)
    if close is not None:
        close()


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _is_folder(place: Place) -> bool:
    return not isinstance(place, DiskPlace) or place.root.is_dir()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _chunks(items: list[Annotation]) -> Iterator[list[Annotation]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _last_of_each(items: list[tuple[_Found, dict[str, Any]]]) -> list[tuple[_Found, dict[str, Any]]]:
    """One version per id (the last given), as one write would have kept."""
    last = {record["id"]: (found, record) for found, record in items}
    return list(last.values())


def _fresh_key(fresh: dict[tuple[str, str], int], bucket: Bucket, table: Mapping[str, Any], name: str) -> str:
    """A key not used in ``table`` of ``bucket`` nor given out in this change."""
    where = (bucket.shelf, bucket.prefix + "/" + name)
    number = fresh.get(where) or next_key(table)
    fresh[where] = number + 1
    return str(number)


_ENTRY_CONTENT = ("link", "title", "published", "site", "author", "summary")
"""What a feed read again may change in a known entry (its read state and ``seen`` are kept)."""


def _entry_order(record: Mapping[str, Any]) -> tuple[str, str, str]:
    return entry_time(record), str(record.get("seen", "")), str(record.get("key", ""))


def _sameness(shelf: str, table: str, key: str, record: Any) -> tuple[Any, str]:
    """What makes two records of a table the same record, and the field that says which of them
    is newer ("" when none does: the first one found, the parent's, is kept)."""
    if not isinstance(record, Mapping):
        return ("kept", json.dumps(record, sort_keys=True, default=str)), ""
    document = record.get("document")
    sha = document.get("sha256") if isinstance(document, Mapping) else None
    if shelf == "other":
        return key, ""
    if table == ANNOTATIONS:
        return record.get("id"), "updated"
    if table == DELETED:
        return record.get("id"), "deleted"
    if table == POSITIONS:
        return sha, "updated"
    if table == BOOKMARKS or table == IDS:
        return record.get("id"), ""
    if table in (DOCUMENTS, NAMED):
        return (record.get("sha256"), record.get("path")), "opened" if table == DOCUMENTS else ""
    if table == FEEDS:
        return record.get("url"), "updated"
    if table == ENTRIES:
        return (record.get("feed"), record.get("key")), "updated"
    if table == LINKS:
        return (record.get("link"), record.get("feed"), record.get("key")), ""
    return ("kept", json.dumps(record, sort_keys=True, default=str)), ""


def _union(
    shelf: str, first: Mapping[str, Mapping[str, Any]], second: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The records of two buckets of one place, each record once, in its newest version; an
    annotation deleted at or after its newest version (a tombstone) stays deleted."""
    out: dict[str, dict[str, Any]] = {}
    for table in dict.fromkeys([*first, *second]):
        chosen: dict[Any, Any] = {}
        for records in (first.get(table, {}), second.get(table, {})):
            for key, record in records.items():
                ident, newer = _sameness(shelf, table, key, record)
                if not isinstance(ident, (str, tuple)):  # a damaged record: kept as it is
                    ident = ("kept", json.dumps(record, sort_keys=True, default=str))
                held = chosen.get(ident)
                if held is None or (newer and str(record.get(newer, "")) > str(held.get(newer, ""))):
                    chosen[ident] = record
        out[table] = {str(n): record for n, record in enumerate(chosen.values(), start=1)}
    if shelf == "other":  # unknown tables keep their keys
        for table in out:
            out[table] = {**second.get(table, {}), **first.get(table, {})}
    tombs = {r.get("id"): str(r.get("deleted", "")) for r in out.get(DELETED, {}).values() if isinstance(r, Mapping)}
    if tombs and ANNOTATIONS in out:
        out[ANNOTATIONS] = {
            key: record
            for key, record in out[ANNOTATIONS].items()
            if not (
                isinstance(record, Mapping)
                and record.get("id") in tombs
                and tombs[record["id"]] >= str(record.get("updated", ""))
            )
        }
    return out


def _routing_key(shelf: str, table: str, key: str, record: Any) -> str:
    """What places a record in its shelf's buckets: its document's sha256, its id, its path."""
    if not isinstance(record, Mapping):
        return ""
    if shelf == "docs":
        if table in (DOCUMENTS, DELETED):
            value = record.get("sha256")
        else:
            document = record.get("document")
            value = document.get("sha256") if isinstance(document, Mapping) else None
    elif shelf == IDS:
        value = record.get("id")
    elif shelf == "paths":
        value = record.get("link") if table == LINKS else record.get("path")
    elif shelf == FEEDS:
        value = record.get("url")
    elif shelf == ENTRIES:
        feed, entry = record.get("feed"), record.get("key")
        value = f"{feed}\0{entry}" if isinstance(feed, str) and isinstance(entry, str) else ""
    else:
        value = f"{table}\0{key}"
    return value if isinstance(value, str) else ""


def _count_tags(counter: Counter[str], spelling: dict[str, str], record: Mapping[str, Any] | None, sign: int) -> None:
    if record is None:
        return
    tags = record.get("tags", ())
    for tag in dict.fromkeys(t.casefold() for t in tags if isinstance(t, str) and t) if isinstance(tags, list) else ():
        counter[tag] += sign
    if sign > 0 and isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str) and tag:
                spelling.setdefault(tag.casefold(), tag)


def _stamp_after(*stamps: str) -> str:
    """Now, or one millisecond after the latest of ``stamps`` if the clock is not past it (a
    time imported from another machine): a change is always newer than what it replaces."""
    now = now_iso()
    latest = max(stamps, default="")
    if now > latest:
        return now
    try:
        moment = datetime.fromisoformat(latest.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        later = (moment + timedelta(milliseconds=1)).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return latest  # not a time: as late as it, at least (ties go to the stored side)
    stamp = later.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return stamp if stamp > latest else latest


def _sha_of(record: Any) -> str | None:
    doc = record.get("document") if isinstance(record, Mapping) else None
    return doc.get("sha256") if isinstance(doc, Mapping) else None


def _path_of(record: Any) -> str | None:
    doc = record.get("document") if isinstance(record, Mapping) else None
    return doc.get("path") if isinstance(doc, Mapping) else None


def _document_order(annotation: Annotation) -> tuple[int, int, str, str]:
    return (annotation.start, annotation.end, annotation.created, annotation.id)
