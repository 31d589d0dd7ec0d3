"""Where annotations, reading positions and bookmarks live: one TinyDB JSON file, kept safe.

Annotations are the one thing Sorot holds that cannot be recomputed, so the file is handled
with care:

* every write goes to a temporary file in the same directory, is fsynced, and renamed over the
  database (then the directory is fsynced): a crash or ``kill -9`` leaves the old file or the
  new one, never half of one;
* every read-modify-write holds a file lock (``NAME.lock``, via ``filelock``) and re-reads the
  file first, so two ``sorot`` processes on one database do not lose each other's writes;
* a file that is not JSON, or not a Sorot database, is renamed aside untouched
  (``NAME.corrupt-YYYYMMDD-HHMMSS``), the reason goes to :attr:`Store.warnings`, and an empty
  database takes its place;
* the file carries a schema version (table ``meta``); older files are migrated, after a copy of
  the old file is kept beside it;
* several processes write deltas: a version of an annotation replaces a stored one only when it
  is not older (``updated``), and a deletion leaves a tombstone (table ``deleted``) that older
  versions cannot get past, so one process never undoes another's edit or deletion;
* table ``documents`` records which text (sha256) the reader found at which path: the only
  paths export reads a document from (a path inside an annotation is metadata, maybe imported).

The file is a valid TinyDB database (tables ``annotations``, ``positions``, ``bookmarks``,
``documents``, ``deleted``, ``meta``) written one record per line. Each record keeps the line it
was read from or written as, so saving one annotation into a database of 10,000 serialises one
record, not 10,000.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import queue
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import platformdirs
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage

from tui.core.annotations import Annotation, DocumentRef, new_id, now_iso

_F = TypeVar("_F", bound=Callable[..., Any])

SCHEMA = 1
ENV_VAR = "SOROT_DB"
DB_NAME = "sorot.json"
ANNOTATIONS, POSITIONS, BOOKMARKS, META = "annotations", "positions", "bookmarks", "meta"
DOCUMENTS, DELETED = "documents", "deleted"
_META_KEY = "1"

# Keeping the last file open stops its inode being reused, so a replaced file is always noticed.
# Windows cannot replace a file that is open, and does not reuse file ids that way.
_HOLD_OPEN = os.name != "nt"
_encode = json.JSONEncoder(separators=(",", ":")).encode  # ASCII: lone surrogates in notes stay writable
_scan = json.JSONDecoder().scan_once  # (text, index) -> (value, end); raises StopIteration


class StoreError(Exception):
    """The database cannot be used as asked. The message is one line, fit to show the user."""


class CorruptDatabaseError(StoreError):
    """The file is not JSON, or not a TinyDB database."""


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``$SOROT_DB`` when set, else ``sorot.json`` in the user's data directory."""
    env = os.environ if env is None else env
    if env.get(ENV_VAR, "").strip():
        return Path(env[ENV_VAR]).expanduser()
    return platformdirs.user_data_path("sorot", appauthor=False) / DB_NAME


# --- storage ----------------------------------------------------------------------------------


class _Record(dict):
    """A stored record that remembers its JSON line until something changes it."""

    __slots__ = ("_key", "_line")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key: str | None = None
        self._line: bytes | None = None  # the file's line for this record, without its comma

    # TinyDB changes records in place (Table.update calls dict.update): drop the line then.
    def __setitem__(self, key: Any, value: Any) -> None:
        self._line = None
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self._line = None
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._line = None
        super().update(*args, **kwargs)

    def pop(self, *args: Any) -> Any:
        self._line = None
        return super().pop(*args)

    def popitem(self) -> tuple[Any, Any]:
        self._line = None
        return super().popitem()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._line = None
        return super().setdefault(key, default)

    def clear(self) -> None:
        self._line = None
        super().clear()

    def __ior__(self, other: Any) -> _Record:
        self._line = None
        return super().__ior__(other)


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and re-reads only when the file has changed.

    ``read`` returns the data parsed last time unless the file on disk is another one (device,
    inode, size or mtime differ); an open handle on the file last seen keeps its inode from being
    reused, so a replaced file is always noticed. Records must not be changed in place below
    the top level (TinyDB does not): a changed nested list would not reach the file.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, lock_timeout: float = 10.0) -> None:
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        self.lock: FileLock | None = None if read_only else FileLock(f"{self.path}.lock", timeout=lock_timeout)
        self.generation = 0  # bumped whenever the data read() returns is a new state
        self._data: dict[str, dict[str, Any]] | None = None
        self._sig: tuple[int, int, int, int] | None = None
        self._held: BinaryIO | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - kept open as _held on success
        except FileNotFoundError:
            if self._sig is not None or self._data:
                self.forget()
            return None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read ({exc.strerror or exc})") from None
        st = os.fstat(handle.fileno())
        sig = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if sig == self._sig:
            handle.close()
            return self._data
        try:
            raw = handle.read()
            data = parse_database(raw) if raw and not raw.isspace() else None
        except BaseException:
            handle.close()
            raise
        self._hold(handle, sig)
        self._data = data
        self.generation += 1
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only, changes are not saved")
        with self.lock or nullcontext():
            self._replace(_serialise_chunks(data))
        self._data = data
        self.generation += 1

    def replace_data(self, data: dict[str, dict[str, Any]]) -> None:
        """Use ``data`` as the current state without writing it (a read-only migration)."""
        self._data = data
        self.generation += 1

    def forget(self) -> None:
        """Drop the cached state: the next read parses the file again."""
        if self._held is not None:
            self._held.close()
        self._held = None
        self._sig = None
        self._data = None
        self.generation += 1

    def close(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def _hold(self, handle: BinaryIO, sig: tuple[int, int, int, int]) -> None:
        if self._held is not None:
            _close_later(self._held)
        self._sig = sig
        if _HOLD_OPEN:
            self._held = handle
        else:
            self._held = None
            handle.close()

    def _replace(self, chunks: list[bytes]) -> None:
        directory = self.path.parent
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            self.forget()  # TinyDB changed the cached dict before calling write: it is not on disk
            raise StoreError(f"cannot save to {directory}: {exc.strerror or exc}") from None
        handle = os.fdopen(fd, "w+b")
        try:
            try:
                os.fchmod(fd, os.stat(self.path).st_mode & 0o777)
            except (FileNotFoundError, AttributeError):
                pass  # a new file keeps mkstemp's private 0600
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(fd)
            st = os.fstat(fd)
            os.replace(tmp, self.path)
        except BaseException as exc:
            handle.close()
            with _quiet():
                os.unlink(tmp)
            self.forget()
            if isinstance(exc, OSError):
                raise StoreError(f"cannot save {self.path}: {exc.strerror or exc}") from None
            raise
        _fsync_directory(directory)
        self._hold(handle, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))


class _CountingMemoryStorage(MemoryStorage):
    """TinyDB's memory storage, with the generation counter the store's index needs."""

    def __init__(self) -> None:
        super().__init__()
        self.generation = 0

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        super().write(data)
        self.generation += 1


def serialise_database(data: Mapping[str, Mapping[str, Any]]) -> bytes:
    """The file's bytes for a TinyDB state: JSON (ASCII), one record per line."""
    return b"".join(_serialise_chunks(data))


def _serialise_chunks(data: Mapping[str, Mapping[str, Any]]) -> list[bytes]:
    """The database file in a few large pieces, reusing each unchanged record's line.

    Records are wrapped as :class:`_Record` so that the next save reuses their lines. Pieces
    rather than one string: joining and encoding 5 MB again would copy it several times per save.
    """
    chunks = [b"{\n"]
    for n, (name, table) in enumerate(data.items()):
        # Only new or changed records are encoded: this is what makes a save into 10,000 quick.
        stale = [k for k, r in table.items() if type(r) is not _Record or r._line is None or r._key != k]
        for key in stale:
            record = table[key]
            if not isinstance(record, dict):
                raise TypeError(f"table {name!r}: a record must be a dict, not {type(record).__name__}")
            if type(record) is not _Record:
                record = _Record(record)
                table[key] = record  # type: ignore[index]  # an existing key: the dict is not resized
            record._key = str(key)
            record._line = f"{_encode(str(key))}:{_encode(record)}".encode("ascii")
        if n:
            chunks.append(b",\n")
        chunks.append(f"{_encode(str(name))}:{{".encode("ascii"))
        if table:
            chunks += [b"\n", b",\n".join([r._line for r in table.values()]), b"\n}"]
        else:
            chunks.append(b"}")
    chunks.append(b"\n}\n" if len(chunks) > 1 else b"}\n")
    return chunks


def parse_database(raw: bytes) -> dict[str, dict[str, Any]]:
    """Parse a database file; raises :class:`CorruptDatabaseError` saying why it is not one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CorruptDatabaseError("is not a text file (not UTF-8)") from None
    # Tens of thousands of small dicts at once: the cyclic GC would run many times over them,
    # finding nothing to free (a third of the open time). It is switched back on just after.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        data = _parse_lines(text, raw)
    except (ValueError, IndexError, StopIteration):
        data = None
    finally:
        if gc_was_enabled:
            gc.enable()
    if data is not None:
        return data  # the line parser takes only tables of records
    try:  # written by something else (or by hand): the plain parser decides
        data = json.loads(text)
    except ValueError as exc:
        raise CorruptDatabaseError(f"is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptDatabaseError(f"is JSON but not a database (a {type(data).__name__} at the top)")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(r, dict) for r in table.values()):
            raise CorruptDatabaseError(f"is JSON but not a TinyDB database ({name!r} is not a table of records)")
    return data


def _parse_lines(text: str, raw: bytes) -> dict[str, dict[str, Any]] | None:
    """Parse the one-record-per-line layout :func:`serialise_database` writes, keeping each line.

    Returns None when the text is laid out otherwise; anything accepted here is valid JSON.
    """
    lines = text.split("\n")
    raw_lines = raw.split(b"\n")  # in step with ``lines``: a newline byte is only ever a newline
    if lines[0] != "{" or len(raw_lines) != len(lines):
        return None
    data: dict[str, dict[str, Any]] = {}
    i, last = 1, len(lines) - 1
    while last > 0 and lines[last] == "":
        last -= 1
    if lines[last] != "}":
        return None
    while i < last:
        line = lines[i]
        name, end = _scan(line, 0)
        if not isinstance(name, str):
            return None
        head = line[end:]
        table: dict[str, Any] = {}
        if head in (":{}", ":{},"):
            more = head.endswith(",")
            i += 1
        elif head == ":{":
            i += 1
            while True:
                line = lines[i]
                more = line.endswith(",")
                if line == "},":
                    raise ValueError("comma before the end of a table")
                colon = line.find('":', 1)
                key = line[1:colon]
                if line[0] != '"' or not key.isdigit():  # TinyDB's ids are digits: anything else, parse
                    key, colon = _scan(line, 0)
                    if not isinstance(key, str) or line[colon : colon + 1] != ":":
                        return None
                    colon -= 1
                record, r_end = _scan(line, colon + 2)
                if r_end != len(line) - more or type(record) is not dict:
                    return None
                record = _Record(record)
                record._key = key
                record._line = raw_lines[i][:-1] if more else raw_lines[i]
                table[key] = record
                i += 1
                if not more:
                    break
            close = lines[i]
            if close not in ("}", "},"):
                return None
            more = close == "},"
            i += 1
        else:
            return None
        data[name] = table
        if more == (i >= last):  # a comma after the last table, or none between two
            return None
    return data


# --- the store --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A place in a document the reader marked to come back to."""

    id: str
    document: DocumentRef
    offset: int
    label: str = ""
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document.to_dict(),
            "offset": self.offset,
            "label": self.label,
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bookmark:
        offset = data.get("offset")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ValueError(f"bookmark: bad offset {offset!r}")
        return cls(
            str(data["id"]),
            DocumentRef.from_dict(data["document"]),
            offset,
            str(data.get("label") or ""),
            str(data.get("created") or ""),
        )


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What :meth:`Store.merge` did: how many annotations were new, newer, or already there."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # deleted in this database after the version offered was made: not brought back


class _Index:
    """Lookups over the current data: rebuilt when another process wrote, patched after our writes."""

    def __init__(self, data: Mapping[str, Mapping[str, Any]] | None) -> None:
        data = data or {}
        self.annotations: Mapping[str, Any] = data.get(ANNOTATIONS, {})
        self.by_id: dict[str, str] = {}
        self.by_sha: dict[str, dict[str, None]] = {}  # dicts as ordered sets: O(1) removal
        self.by_path: dict[str, dict[str, None]] = {}  # the path each annotation names (metadata)
        self.damaged = 0
        for key, record in self.annotations.items():
            self._add(key, record)
        self._next_key: int | None = None
        self._tags: list[tuple[str, int]] | None = None
        for name in (POSITIONS, BOOKMARKS, DOCUMENTS, DELETED):
            self.set_table(name, data.get(name, {}))

    @property
    def next_key(self) -> int:
        """The next free key of the annotations table."""
        if self._next_key is None:
            self._next_key = _next_key(self.annotations)
        return self._next_key

    def set_table(self, name: str, table: Mapping[str, Any]) -> None:
        """Take the new state of a small table (positions, bookmarks, documents, tombstones): those
        are cheap to redo."""
        if name == POSITIONS:
            self.positions = table
            self.position_by_sha = {_sha_of(r): k for k, r in table.items() if _sha_of(r)}
        elif name == BOOKMARKS:
            self.bookmarks = table
            self.bookmark_by_id = {r.get("id"): k for k, r in table.items()}
        elif name == DOCUMENTS:
            self.documents = table
            self.document_key: dict[tuple[str, str], str] = {}
            self.latest_at: dict[str, tuple[str, str]] = {}  # path -> (opened, sha256) of the text there now
            self.seen_at: dict[str, list[tuple[str, str]]] = {}  # sha256 -> [(opened, path)]
            self.texts_at: dict[str, list[str]] = {}  # path -> the sha256 of each text found there
            for key, r in table.items():
                sha, path, opened = r.get("sha256"), r.get("path"), str(r.get("opened", ""))
                if not (isinstance(sha, str) and isinstance(path, str) and sha and path):
                    continue  # damaged: left in the file, not used
                self.document_key[(sha, path)] = key
                self.latest_at[path] = max(self.latest_at.get(path, ("", "")), (opened, sha))
                self.seen_at.setdefault(sha, []).append((opened, path))
                self.texts_at.setdefault(path, []).append(sha)
        elif name == DELETED:
            self.tombstones = table
            self.tombstone_by_id = {r["id"]: k for k, r in table.items() if isinstance(r.get("id"), str)}

    def deleted_at(self, annotation_id: str) -> str | None:
        """When the annotation was deleted, if it is deleted (its tombstone's time)."""
        key = self.tombstone_by_id.get(annotation_id)
        return None if key is None else str(self.tombstones[key].get("deleted", ""))

    def patch_annotations(
        self, table: Mapping[str, Any], before: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> None:
        """Follow our own write of ``changes`` (key -> record or None) without a full rebuild."""
        self.annotations = table
        for key, old in before.items():
            if old is not None:
                self._remove(key, old)
        for key, new in changes.items():
            if new is not None:
                self._add(key, new)
                if self._next_key is not None and key.isdigit():
                    self._next_key = max(self._next_key, int(key) + 1)
        self._tags = None

    def _add(self, key: str, record: Any) -> None:
        try:
            document = record["document"]
            sha, path = document["sha256"], document.get("path")
            hash(sha)
            self.by_id[record["id"]] = key
        except (KeyError, TypeError, AttributeError):
            self.damaged += 1  # it stays in the file, untouched; the store reports it
            return
        for lookup, value in ((self.by_sha, sha), (self.by_path, path if isinstance(path, str) else "")):
            keys = lookup.get(value)
            if keys is None:
                lookup[value] = {key: None}
            else:
                keys[key] = None

    def _remove(self, key: str, record: Any) -> None:
        try:
            document = record["document"]
            sha, path = document["sha256"], document.get("path")
            if self.by_id.get(record["id"]) == key:
                del self.by_id[record["id"]]
        except (KeyError, TypeError, AttributeError):
            return
        self.by_sha.get(sha, {}).pop(key, None)
        self.by_path.get(path if isinstance(path, str) else "", {}).pop(key, None)

    def tag_counts(self) -> list[tuple[str, int]]:
        if self._tags is None:
            counts: Counter[str] = Counter()
            spelling: dict[str, str] = {}
            for record in self.annotations.values():
                tags = record.get("tags")
                if isinstance(tags, list):
                    for tag in tags:
                        if isinstance(tag, str) and tag:
                            folded = tag.casefold()
                            spelling.setdefault(folded, tag)
                            counts[folded] += 1
            self._tags = [(spelling[f], n) for f, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        return self._tags


def _synchronised(method: _F) -> _F:
    """Run a Store method under its thread lock: the index is patched in place by writes."""

    @functools.wraps(method)
    def locked(self: Store, *args: Any, **kwargs: Any) -> Any:
        with self._thread_lock:
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]


class Store:
    """Annotations, reading positions and bookmarks of every document the reader has opened.

    Open with :meth:`open` (a file) or :meth:`memory`. Every change is one atomic write made
    under the file lock after re-reading the file; reads come from memory while the file is
    unchanged. Methods raise :class:`StoreError` with a one-line message when the file cannot be
    written (read-only, disk full, lock held too long by another process).
    """

    def __init__(self, db: TinyDB, storage: AtomicJSONStorage | _CountingMemoryStorage, path: Path | None) -> None:
        self._db = db
        self._storage = storage
        self.path = path
        self.read_only = isinstance(storage, AtomicJSONStorage) and storage.read_only
        self.warnings: list[str] = []
        self._thread_lock = threading.RLock()
        self._index: _Index | None = None
        self._index_generation = -1
        self._reloads = 0  # times the data was read afresh (another process wrote, or first use)

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
        """Open (creating, migrating or replacing a corrupt one as needed) the database at ``path``.

        ``path`` defaults to :func:`default_db_path`. Raises :class:`StoreError` when the
        database cannot be written (``read_only=True`` opens it for reading only, without a lock)
        or was written by a newer Sorot.
        """
        db_path = Path(path).expanduser() if path is not None else default_db_path(env)
        if db_path.is_dir():
            raise StoreError(f"{db_path} is a directory, not an annotation database")
        if not read_only:
            try:
                db_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {db_path.parent}: {exc.strerror or exc}") from None
            if not os.access(db_path.parent, os.W_OK | os.X_OK):
                raise StoreError(f"cannot save annotations in {db_path.parent}: the directory is not writable")
            if db_path.exists() and not os.access(db_path, os.W_OK):
                raise StoreError(f"{db_path} is read-only: annotations cannot be saved")
        storage = AtomicJSONStorage(db_path, read_only=read_only, lock_timeout=lock_timeout)
        store = cls(TinyDB(storage=lambda: storage), storage, db_path)
        try:
            store._prepare()
            store._report_damaged(store._current().damaged)
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Store:
        """A store that keeps nothing on disk (tests, or when no file can be written)."""
        storage = _CountingMemoryStorage()
        storage.write({META: {_META_KEY: {"schema": SCHEMA}}})
        return cls(TinyDB(storage=lambda: storage), storage, None)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        """Check the file under the lock: create it, migrate it, or put a corrupt one aside."""
        storage = self._storage
        assert isinstance(storage, AtomicJSONStorage)
        with self._locked():
            if not storage.read_only:
                _remove_stale_temporaries(storage.path)
            try:
                data = storage.read()
            except CorruptDatabaseError as exc:
                if storage.read_only:
                    raise StoreError(f"{storage.path} {exc}") from None
                self._put_aside(str(exc))
                data = None
            schema = _schema_of(data) if data else SCHEMA
            if schema is None:
                if storage.read_only:
                    raise StoreError(f"{storage.path} is not a Sorot database")
                self._put_aside("is a TinyDB file of something else, not Sorot's")
                data = None
            elif schema > SCHEMA:
                raise StoreError(
                    f"{storage.path} was written by a newer Sorot (schema {schema}, this one reads up to "
                    f"{SCHEMA}); it was left untouched"
                )
            elif schema < SCHEMA:
                self._migrate(data or {}, schema)
                return
            if not data and not storage.read_only:
                storage.write({META: {_META_KEY: {"schema": SCHEMA}}})

    def _put_aside(self, reason: str) -> None:
        """Rename the unusable file out of the way, byte for byte as it was."""
        storage = self._storage
        assert isinstance(storage, AtomicJSONStorage)
        storage.forget()
        aside = _free_name(storage.path, ".corrupt-" + datetime.now().strftime("%Y%m%d-%H%M%S"))
        try:
            os.rename(storage.path, aside)
        except OSError as exc:
            raise StoreError(f"{storage.path} {reason}, and cannot be moved aside: {exc.strerror or exc}") from None
        self.warnings.append(f"{storage.path.name} {reason}: kept it as {aside.name} and started a new database")

    def _migrate(self, data: dict[str, dict[str, Any]], schema: int) -> None:
        storage = self._storage
        assert isinstance(storage, AtomicJSONStorage)
        backup = None
        if not storage.read_only:
            backup = _free_name(storage.path, f".schema{schema}-backup")
            try:
                shutil.copy2(storage.path, backup)
            except OSError as exc:
                raise StoreError(f"cannot keep a copy of {storage.path} before upgrading it: {exc}") from None
        migrated = json.loads(serialise_database(data))  # a deep copy: the cached state stays as read
        while schema < SCHEMA:
            migrated, skipped = MIGRATIONS[schema](migrated)
            if skipped:
                self.warnings.append(f"{skipped} record(s) could not be upgraded from schema {schema}; kept as is")
            schema += 1
        if backup is None:
            storage.replace_data(migrated)
        else:
            storage.write(migrated)
            self.warnings.append(f"upgraded {storage.path.name} to schema {SCHEMA}; the old file is {backup.name}")

    # -- internals ------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = getattr(self._storage, "lock", None)
        with self._thread_lock:
            if lock is None:
                yield
                return
            try:
                lock.acquire()
            except Timeout:
                raise StoreError(f"{self.path} is busy: another sorot has held it for {lock.timeout:g} s") from None
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise StoreError(f"cannot lock {self.path}: {reason} (is the directory read-only?)") from None
            try:
                yield
            finally:
                lock.release()

    @contextmanager
    def _writing(self) -> Iterator[_Index]:
        """Hold the lock and give the index of the file as it is now, for one :meth:`_commit`."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only: changes are not saved")
        with self._locked():
            yield self._current()

    def _current(self) -> _Index:
        with self._thread_lock:
            data = self._storage.read()  # cheap when unchanged; picks up other processes' writes
            if self._index is None or self._index_generation != self._storage.generation:
                self._index = _Index(data)
                self._index_generation = self._storage.generation
                self._reloads += 1
            return self._index

    def _commit(self, name: str, changes: Mapping[str, Mapping[str, Any] | None]) -> None:
        """Write ``changes`` (key -> record, or None to remove) to one table: one atomic write."""
        self._commit_tables({name: changes})

    def _commit_tables(self, changes_by_table: Mapping[str, Mapping[str, Mapping[str, Any] | None]]) -> None:
        """Write changes to several tables (name -> key -> record or None) in one atomic write.

        Called inside :meth:`_writing`. The cached state is copied, not changed, so a failed
        write leaves it as the file still is.
        """
        index = self._current()
        tables = dict(self._storage.read() or {})
        before: dict[str, dict[str, Any]] = {}
        for name, changes in changes_by_table.items():
            table = dict(tables.get(name, {}))
            before[name] = {key: table.get(key) for key in changes}
            for key, record in changes.items():
                if record is None:
                    table.pop(key, None)
                else:
                    table[key] = record
            tables[name] = table
        tables.setdefault(META, {_META_KEY: {"schema": SCHEMA}})  # even if the file was deleted meanwhile
        generation = self._storage.generation
        self._storage.write(tables)
        if self._storage.generation != generation + 1:  # pragma: no cover - storages bump once per write
            return
        for name, changes in changes_by_table.items():
            if name == ANNOTATIONS:
                index.patch_annotations(tables[name], before[name], changes)
            else:
                index.set_table(name, tables[name])
        self._index_generation = self._storage.generation

    # -- other processes ------------------------------------------------------------------------

    @_synchronised
    def refresh(self) -> int:
        """Read the file again if another process changed it (a stat when it did not); returns
        a count that changes each time data written by another process was read."""
        self._current()
        return self._reloads

    # -- annotations ----------------------------------------------------------------------------

    @_synchronised
    def get(self, annotation_id: str) -> Annotation | None:
        index = self._current()
        key = index.by_id.get(annotation_id)
        return None if key is None else Annotation.from_dict(index.annotations[key])

    @_synchronised
    def __len__(self) -> int:
        return len(self._current().annotations)

    @_synchronised
    def add(self, annotation: Annotation) -> Annotation:
        """Save a new annotation. Raises ``ValueError`` if its id is already stored, or was
        deleted after this version was made."""
        with self._writing() as index:
            if annotation.id in index.by_id:
                raise ValueError(f"annotation {annotation.id} already exists")
            if _buried(index, annotation):
                raise ValueError(f"annotation {annotation.id} was deleted")
            self._commit_tables(
                {ANNOTATIONS: {str(index.next_key): annotation.to_dict()}, **_unburied(index, [annotation.id])}
            )
        return annotation

    @_synchronised
    def update(self, annotation: Annotation) -> Annotation:
        """Replace the stored annotation with this id; returns the previous version (for undo)."""
        with self._writing() as index:
            key = index.by_id.get(annotation.id)
            if key is None:
                raise KeyError(annotation.id)
            previous = Annotation.from_dict(index.annotations[key])
            self._commit(ANNOTATIONS, {key: annotation.to_dict()})
        return previous

    @_synchronised
    def edit(self, annotation_id: str, **changes: Any) -> tuple[Annotation, Annotation]:
        """Change some fields of the annotation as it is stored now, whoever wrote it last:
        changes made by other processes to the other fields are kept. Returns the version
        before and the one after. Raises ``KeyError`` if it is not stored (deleted, maybe
        by another process: the message says so)."""
        with self._writing() as index:
            key = index.by_id.get(annotation_id)
            if key is None:
                deleted = index.deleted_at(annotation_id) is not None
                raise KeyError(f"annotation {annotation_id} was deleted" if deleted else annotation_id)
            previous = Annotation.from_dict(index.annotations[key])
            current = previous.edited(**changes, updated=_stamp_after(previous.updated))
            self._commit(ANNOTATIONS, {key: current.to_dict()})
        return previous, current

    @_synchronised
    def delete(self, annotation_id: str) -> Annotation:
        """Remove an annotation, leaving a tombstone that older versions of it cannot get past;
        returns it, so that :meth:`restore` can undo the deletion."""
        with self._writing() as index:
            key = index.by_id.get(annotation_id)
            if key is None:
                raise KeyError(annotation_id)
            removed = Annotation.from_dict(index.annotations[key])
            tomb = index.tombstone_by_id.get(annotation_id) or str(_next_key(index.tombstones))
            tombstone = {"id": annotation_id, "deleted": _stamp_after(removed.updated)}
            self._commit_tables({ANNOTATIONS: {key: None}, DELETED: {tomb: tombstone}})
        return removed

    def restore(self, annotation: Annotation) -> Annotation:
        """Put this version back, stored or deleted (undo and redo): a new change, so it is
        stamped later than anything stored for its id. Returns it as stored."""
        return self.restore_many([annotation])[0]

    @_synchronised
    def restore_many(self, annotations: Iterable[Annotation]) -> list[Annotation]:
        """:meth:`restore` for several annotations, in one write."""
        annotations = list(annotations)
        if not annotations:
            return []
        with self._writing() as index:
            stamped = []
            for ann in annotations:
                key = index.by_id.get(ann.id)
                stored = str(index.annotations[key].get("updated", "")) if key is not None else ""
                stamped.append(replace(ann, updated=_stamp_after(ann.updated, stored, index.deleted_at(ann.id) or "")))
            records = {a.id: a.to_dict() for a in stamped}
            self._commit_tables({ANNOTATIONS: _keyed(index, records), **_unburied(index, records)})
        return stamped

    @_synchronised
    def save_many(self, annotations: Iterable[Annotation]) -> list[str]:
        """Store each annotation as given, adding or replacing by id, in one write, unless a
        newer version is stored (``updated`` later) or it was deleted after this version was
        made. Returns the ids of those not written."""
        latest: dict[str, Annotation] = {}
        for ann in annotations:
            if ann.id not in latest or ann.updated >= latest[ann.id].updated:
                latest[ann.id] = ann
        if not latest:
            return []
        with self._writing() as index:
            records: dict[str, dict[str, Any]] = {}
            superseded = []
            for ann in latest.values():
                key = index.by_id.get(ann.id)
                if key is not None and ann.updated < str(index.annotations[key].get("updated", "")):
                    superseded.append(ann.id)
                elif key is None and _buried(index, ann):
                    superseded.append(ann.id)
                else:
                    records[ann.id] = ann.to_dict()
            if records:
                self._commit_tables({ANNOTATIONS: _keyed(index, records), **_unburied(index, records)})
        return superseded

    @_synchronised
    def merge(self, annotations: Iterable[Annotation]) -> MergeResult:
        """Import annotations by id, in one write: new ones are added, a stored one is replaced
        only by a version updated later, one deleted here is brought back only by a version
        updated after the deletion, and importing the same file twice changes nothing."""
        incoming: dict[str, Annotation] = {}
        for ann in annotations:
            if ann.id not in incoming or ann.updated > incoming[ann.id].updated:
                incoming[ann.id] = ann
        added = updated = unchanged = deleted = 0
        with self._writing() as index:
            records: dict[str, dict[str, Any]] = {}
            for ann in incoming.values():
                key = index.by_id.get(ann.id)
                record = ann.to_dict()
                if key is None and _buried(index, ann):
                    deleted += 1
                    continue
                if key is None:
                    added += 1
                elif index.annotations[key] != record and ann.updated > str(index.annotations[key].get("updated")):
                    updated += 1
                else:
                    unchanged += 1
                    continue
                records[ann.id] = record
            if records:
                self._commit_tables({ANNOTATIONS: _keyed(index, records), **_unburied(index, records)})
        return MergeResult(added, updated, unchanged, deleted)

    @_synchronised
    def deleted_at(self, annotation_id: str) -> str | None:
        """When the annotation was deleted (its tombstone's time), or None if it was not."""
        return self._current().deleted_at(annotation_id)

    @_synchronised
    def annotations_for(self, sha256: str, path: str | None = None) -> list[Annotation]:
        """A document's annotations in document order (start, end, then creation).

        With ``path``, annotations made on other texts found at that path are included too
        (older versions of the file, as the reader saw them there, or as the annotations say):
        their offsets are for that other text, so pass them through ``reanchor`` first.
        """
        index = self._current()
        keys = dict.fromkeys(index.by_sha.get(sha256, ()))
        if path:
            for sha in index.texts_at.get(path, ()):
                keys.update(index.by_sha.get(sha, {}))
            keys.update(index.by_path.get(path, {}))
        return sorted(self._parse(index.annotations[k] for k in keys), key=_document_order)

    @_synchronised
    def all_annotations(self) -> list[Annotation]:
        """Every annotation, grouped by document (title, path) and in document order within each."""
        anns = self._parse(self._current().annotations.values())
        return sorted(anns, key=lambda a: (a.document.title, a.document.path, a.document.sha256, *_document_order(a)))

    def orphans(self) -> list[Annotation]:
        """Annotations the last re-anchoring could not place, for the user to re-attach or delete."""
        return [a for a in self.all_annotations() if a.status == "orphaned"]

    @_synchronised
    def tags(self, prefix: str = "") -> list[str]:
        """Tags already used, most used first, for completion; ``prefix`` matches ignoring case."""
        folded = prefix.casefold()
        return [tag for tag, _ in self._current().tag_counts() if tag.casefold().startswith(folded)]

    @_synchronised
    def documents(self) -> list[DocumentRef]:
        """Every document with annotations, a reading position or bookmarks, sorted by title."""
        index = self._current()
        refs: dict[str, DocumentRef] = {}
        for table in (index.positions, index.bookmarks, index.annotations):
            for record in table.values():
                try:
                    ref = DocumentRef.from_dict(record["document"])
                except (KeyError, TypeError, ValueError, AttributeError):
                    continue
                refs.setdefault(ref.sha256, ref)
        return sorted(refs.values(), key=lambda r: (r.title, r.path, r.sha256))

    def _parse(self, records: Iterable[Mapping[str, Any]]) -> list[Annotation]:
        out = []
        broken = 0
        for record in records:
            try:
                out.append(Annotation.from_dict(record))
            except (ValueError, KeyError, TypeError, AttributeError):
                broken += 1  # left in the file untouched: never drop what we do not understand
        self._report_damaged(broken)
        return out

    def _report_damaged(self, count: int) -> None:
        message = f"{count} stored annotation(s) are damaged and were skipped (still kept in the file)"
        if count and message not in self.warnings:
            self.warnings.append(message)

    # -- documents: which text the reader found at which path ----------------------------------

    @_synchronised
    def document_opened(self, document: DocumentRef) -> None:
        """Remember that the reader found ``document``'s text at its path (nothing without one).

        Export reads a document's text only from such paths. Writes only when that path held
        another text before (or none): opening the same file again costs no write.
        """
        if not document.path:
            return
        with self._writing() as index:
            latest = index.latest_at.get(document.path)
            if latest is not None and latest[1] == document.sha256:
                return
            key = index.document_key.get((document.sha256, document.path)) or str(_next_key(index.documents))
            record = {
                "sha256": document.sha256,
                "path": document.path,
                "title": document.title,
                "opened": _stamp_after(latest[0] if latest else ""),
            }
            self._commit(DOCUMENTS, {key: record})

    @_synchronised
    def paths_of(self, sha256: str, *, current_only: bool = False) -> list[str]:
        """The paths where the reader found this text, most recent first: first those where it
        is the last text found there, then (unless ``current_only``) the others."""
        index = self._current()
        seen = [path for _, path in sorted(index.seen_at.get(sha256, ()), reverse=True)]
        current = [path for path in seen if index.latest_at[path][1] == sha256]
        return current if current_only else current + [path for path in seen if path not in current]

    # -- reading positions ----------------------------------------------------------------------

    @_synchronised
    def set_position(self, document: DocumentRef | str, offset: int) -> None:
        """Remember where the reader is in a document (call on leaving it, not per keypress)."""
        ref = document if isinstance(document, DocumentRef) else DocumentRef(document)
        if offset < 0:
            raise ValueError("offset must not be negative")
        with self._writing() as index:
            key = index.position_by_sha.get(ref.sha256)
            if key is not None and index.positions[key].get("offset") == offset:
                return
            record = {"document": ref.to_dict(), "offset": offset, "updated": now_iso()}
            self._commit(POSITIONS, {key if key is not None else str(_next_key(index.positions)): record})

    @_synchronised
    def position(self, sha256: str, path: str | None = None) -> int | None:
        """The remembered offset in a document; with ``path``, falls back to the latest position
        in another version of that file (the caller clamps it to the text)."""
        index = self._current()
        key = index.position_by_sha.get(sha256)
        if key is not None:
            offset = index.positions[key].get("offset")
            return offset if isinstance(offset, int) and offset >= 0 else None
        if path:
            same = [
                r
                for r in index.positions.values()
                if isinstance(r.get("document"), dict) and r["document"].get("path") == path
            ]
            if same:
                offset = max(same, key=lambda r: str(r.get("updated", ""))).get("offset")
                return offset if isinstance(offset, int) and offset >= 0 else None
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

    @_synchronised
    def restore_bookmark(self, bookmark: Bookmark) -> None:
        """Store this bookmark as given, adding or replacing by id (also undoes a removal)."""
        with self._writing() as index:
            key = index.bookmark_by_id.get(bookmark.id)
            self._commit(BOOKMARKS, {key if key is not None else str(_next_key(index.bookmarks)): bookmark.to_dict()})

    @_synchronised
    def remove_bookmark(self, bookmark_id: str) -> Bookmark:
        """Remove a bookmark and return it (for undo)."""
        with self._writing() as index:
            key = index.bookmark_by_id.get(bookmark_id)
            if key is None:
                raise KeyError(bookmark_id)
            removed = Bookmark.from_dict(index.bookmarks[key])
            self._commit(BOOKMARKS, {key: None})
        return removed

    @_synchronised
    def bookmarks(self, sha256: str) -> list[Bookmark]:
        """A document's bookmarks in document order."""
        out = []
        for record in self._current().bookmarks.values():
            if _sha_of(record) == sha256:
                with _quiet(ValueError, KeyError, TypeError):
                    out.append(Bookmark.from_dict(record))
        return sorted(out, key=lambda b: (b.offset, b.created))


def _buried(index: _Index, annotation: Annotation) -> bool:
    """Whether the annotation was deleted after this version of it was made."""
    deleted = index.deleted_at(annotation.id)
    return deleted is not None and annotation.updated <= deleted


def _unburied(index: _Index, ids: Iterable[str]) -> dict[str, dict[str, None]]:
    """The change that removes these annotations' tombstones (they are stored again)."""
    keys = {index.tombstone_by_id[i]: None for i in ids if i in index.tombstone_by_id}
    return {DELETED: keys} if keys else {}


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


def _keyed(index: _Index, records: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records by annotation id -> records by table key: the stored key, or a new one."""
    out = {}
    fresh = index.next_key
    for ann_id, record in records.items():
        key = index.by_id.get(ann_id)
        if key is None:
            key, fresh = str(fresh), fresh + 1
        out[key] = record
    return out


# --- schema migrations ------------------------------------------------------------------------


def _migrate_v0(data: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], int]:
    """Schema 0 (no ``meta`` table) kept annotations flat: ``sha256``/``path``/``title``,
    ``start``/``end``, ``exact``/``prefix``/``suffix``, ``color``, tags as one comma-separated
    string and times as epoch seconds. Schema 1 nests them as ``document``, ``position`` and ``quote``."""
    skipped = 0
    annotations = {}
    for key, old in data.get(ANNOTATIONS, {}).items():
        try:
            annotations[key] = _annotation_from_v0(old)
        except (KeyError, TypeError, ValueError):
            annotations[key] = old
            skipped += 1
    out = dict(data)
    out[ANNOTATIONS] = annotations
    for table in (POSITIONS, BOOKMARKS):
        records = {}
        for key, old in data.get(table, {}).items():
            if "sha256" in old and "document" not in old:
                new = {k: v for k, v in old.items() if k not in ("sha256", "path", "title")}
                new["document"] = {"sha256": old["sha256"], "path": old.get("path", ""), "title": old.get("title", "")}
                if table == BOOKMARKS:
                    new.setdefault("id", new_id())
                    new["created"] = _iso_from_epoch(old.get("created"))
                else:
                    new["updated"] = _iso_from_epoch(old.get("updated"))
                old = new
            records[key] = old
        out[table] = records
    out[META] = {_META_KEY: {"schema": 1}}
    return out, skipped


def _annotation_from_v0(old: Mapping[str, Any]) -> dict[str, Any]:
    tags = old.get("tags", "")
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    record = {
        "id": old.get("id") or new_id(),
        "document": {"sha256": old["sha256"], "path": old.get("path", ""), "title": old.get("title", "")},
        "kind": old.get("kind", "highlight"),
        "position": {"start": old["start"], "end": old["end"]},
        "quote": {"exact": old["exact"], "prefix": old.get("prefix", ""), "suffix": old.get("suffix", "")},
        "note": old.get("note", ""),
        "tags": tags,
        "label": old.get("label", ""),
        "colour": old.get("color", ""),
        "created": _iso_from_epoch(old.get("created")),
        "updated": _iso_from_epoch(old.get("updated", old.get("created"))),
        "status": "ok",
    }
    Annotation.from_dict(record)  # refuse to write a record the model cannot read
    return record


def _iso_from_epoch(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value, timezone.utc)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value if isinstance(value, str) else ""


MIGRATIONS: dict[int, Callable[[dict[str, dict[str, Any]]], tuple[dict[str, dict[str, Any]], int]]] = {0: _migrate_v0}


# --- helpers ----------------------------------------------------------------------------------


def _schema_of(data: Mapping[str, Any]) -> int | None:
    """The file's schema: from ``meta``, 0 for a Sorot file from before it, None if not Sorot's."""
    meta = data.get(META)
    if meta:
        schema = next(iter(meta.values()), {}).get("schema")
        return schema if isinstance(schema, int) and not isinstance(schema, bool) else None
    if any(name in data for name in (ANNOTATIONS, POSITIONS, BOOKMARKS)):
        return 0
    return None


def _next_key(table: Mapping[str, Any]) -> int:
    """The next free TinyDB document id (ids are decimal strings in the file)."""
    return max((int(k) for k in table if k.isdigit()), default=0) + 1


def _sha_of(record: Mapping[str, Any]) -> str | None:
    doc = record.get("document")
    return doc.get("sha256") if isinstance(doc, Mapping) else None


def _document_order(annotation: Annotation) -> tuple[int, int, str, str]:
    return (annotation.start, annotation.end, annotation.created, annotation.id)


def _free_name(path: Path, suffix: str) -> Path:
    candidate = path.with_name(path.name + suffix)
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{suffix}-{n}")
        n += 1
    return candidate


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files left by a writer that died mid-write (only a lock holder makes them)."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with _quiet():
            tmp.unlink()


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_closing: queue.SimpleQueue[BinaryIO] | None = None
_closing_guard = threading.Lock()


def _close_later(handle: BinaryIO) -> None:
    """Close a handle on a replaced file off the caller's path: the last close of a replaced
    multi-megabyte file frees its blocks, which takes milliseconds that a save need not wait for."""
    global _closing
    with _closing_guard:
        if _closing is None:
            _closing = queue.SimpleQueue()
            threading.Thread(target=_close_each, args=(_closing,), name="sorot-store-close", daemon=True).start()
        _closing.put(handle)


def _close_each(handles: queue.SimpleQueue[BinaryIO]) -> None:
    while True:
        with _quiet():
            handles.get().close()


def _forget_closer() -> None:
    global _closing
    _closing = None  # a forked child has no closer thread: it starts its own


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_closer)


@contextmanager
def _quiet(*errors: type[BaseException]) -> Iterator[None]:
    caught = errors or (OSError,)
    try:
        yield
    except caught:
        pass
