"""Where annotations, reading positions and bookmarks live: one TinyDB JSON file, kept safe.

Annotations are the one thing Sorot holds that cannot be recomputed, so the file is handled
with care:

* every write goes to a temporary file in the same directory, is fsynced, and renamed over the
  database (then the directory is fsynced): a crash or ``kill -9`` leaves the old file or the
  new one, never half of one;
* a database path that is a symbolic link is followed once, at opening: the lock, the
  temporary files and any file put aside live beside the link's target, and saves replace the
  target, so the link stays a link (a link to nothing is refused);
* every read-modify-write holds a file lock (``NAME.lock``, via ``filelock``) and re-reads the
  file first, so two ``sorot`` processes on one database do not lose each other's writes. The
  lock's timeout counts time in which the database did not change: no save is refused while
  other processes keep saving (see :class:`_WriterLock`);
* a file that is not JSON, or not a Sorot database (nested too deeply, a record id that is not a
  number, a schema version that makes no sense...), is renamed aside untouched
  (``NAME.corrupt-YYYYMMDD-HHMMSS``), the reason goes to :attr:`Store.warnings` in one line that
  never quotes the file, and an empty database takes its place;
* a record that is not what its table holds (an annotation that is a list, a position given as
  text...) is skipped, counted in one warning, and kept in the file as it was;
* the file carries a schema version (table ``meta``); older files are migrated, after a copy of
  the old file is kept beside it;
* several processes write deltas: a version of an annotation replaces a stored one only when it
  is not older (``updated``), and a deletion leaves a tombstone (table ``deleted``) that older
  versions cannot get past, so one process never undoes another's edit or deletion;
* table ``documents`` records which text (sha256) the reader found at which path: the only
  paths export reads a document from (a path inside an annotation is metadata, maybe imported).

A database that cannot be written (a read-only file, directory or mount; a lock file that cannot
be created) raises :class:`NotWritableError` at once; it can still be opened ``read_only``.

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
import stat
import sys
import tempfile
import threading
import time
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

from tui.core.annotations import KINDS, STATUSES, Annotation, DocumentRef, new_id, now_iso
from tui.core.document import file_kind

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


class NotWritableError(StoreError):
    """Annotations cannot be saved in this database (read-only file, directory or mount, no lock
    file); it may still be opened ``read_only``."""


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

    def _encoded(self) -> str:
        return _encode(self)


class _KeptValue(_Record):
    """A record that is not a JSON object (a list, a string, a number...), as a damaged file may hold.

    To the store it is an empty record, which every table skips as damaged; to the file it is
    its value, written back as it was read. It equals another kept value of the same value.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _KeptValue) and self.value == other.value

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def _encoded(self) -> str:
        return _encode(self.value)


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and re-reads only when the file has changed.

    ``read`` returns the data parsed last time unless the file on disk is another one (device,
    inode, size or mtime differ); an open handle on the file last seen keeps its inode from being
    reused, so a replaced file is always noticed. Records must not be changed in place below
    the top level (TinyDB does not): a changed nested list would not reach the file. A ``path``
    that is a symbolic link is resolved once, here: :attr:`path` is the file really written.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, lock_timeout: float = 10.0) -> None:
        super().__init__()
        self.path = _follow_link(Path(path))
        self.read_only = read_only
        self.lock: _WriterLock | None = None if read_only else _WriterLock(self.path, lock_timeout)
        self.generation = 0  # bumped whenever the data read() returns is a new state
        self._data: dict[str, dict[str, Any]] | None = None
        self._sig: tuple[int, int, int, int] | None = None
        self._held: BinaryIO | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            # Without waiting, should the file have become a FIFO since it was opened (checked below).
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            if self._sig is not None or self._data:
                self.forget()
            return None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read ({exc.strerror or exc})") from None
        handle = open(fd, "rb")  # noqa: SIM115 - kept open as _held on success
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):  # become a FIFO or a device since it was opened
            handle.close()
            raise NotWritableError(_not_a_database(self.path, st.st_mode))
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
        if _no_write_bits(self.path):  # made read-only since it was opened: a save would replace it
            raise NotWritableError(f"{self.path} is read-only now (chmod a-w)")
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
            if not stat.S_ISREG(_mode(self.path, stat.S_IFREG)):  # become a device or a FIFO meanwhile
                raise NotWritableError(f"{self.path} is no longer a regular file")
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


# --- the lock ---------------------------------------------------------------------------------

_POLL = 0.05  # seconds between two tries at a lock another process holds (filelock's default)


class _WriterLock:
    """The database's file lock (``NAME.lock``, a :class:`filelock.FileLock`), with an honest timeout.

    filelock tries a lock every 50 ms, and a process saving back to back takes it again within
    microseconds of letting it go: a waiting process can miss every gap for as long as the other
    goes on, and a timeout counted from the first try then refuses a save although nobody held
    the lock that long. Here the timeout counts time without progress: whenever the database
    file changes (a save replaces it), the clock starts again. A save is refused only after
    ``timeout`` seconds in which the lock stayed taken and nobody saved anything: a process
    stuck, or stopped, while holding it. (A waiter is not promised its turn before a process
    that keeps saving pauses: the benchmark ``store_contention.py`` prints the longest wait.)

    A lock file that cannot be created or opened raises :class:`NotWritableError` at once, not
    after the timeout. Reentrant within a thread; other threads wait for the hold to end.
    """

    def __init__(self, database: Path, timeout: float) -> None:
        self.database = database
        self.path = f"{database}.lock"
        self.timeout = timeout
        self._lock = FileLock(self.path)  # asked for single tries only: the waiting is done here
        self._mutex = threading.RLock()
        self._depth = 0

    def __enter__(self) -> _WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self, *, wait: bool = True) -> bool:
        """Take the lock (waiting as the class says); with ``wait=False``, only if it is free now."""
        self._mutex.acquire()
        if self._depth:
            self._depth += 1
            return True
        try:
            taken = self._take(wait)
        except BaseException:
            self._mutex.release()
            raise
        if not taken:
            self._mutex.release()
            return False
        self._depth = 1
        return True

    def release(self) -> None:
        try:
            if self._depth == 1:
                self._lock.release()
        finally:
            self._depth -= 1
            self._mutex.release()

    def _take(self, wait: bool) -> bool:
        deadline = time.monotonic() + self.timeout
        progress = _file_state(self.database)
        while True:
            try:
                self._lock.acquire(blocking=False)
                return True
            except Timeout:
                pass
            except OSError as exc:
                raise NotWritableError(_lock_file_error(self.path, exc)) from None
            if not wait:
                return False
            if not os.path.lexists(self.path) and (problem := lock_file_problem(self.path)) is not None:
                raise NotWritableError(problem)  # it was removed, and cannot be made again
            now = time.monotonic()
            state = _file_state(self.database)
            if state != progress:
                progress, deadline = state, now + self.timeout
            elif now >= deadline:
                raise StoreError(
                    f"{self.database} is busy: another process has held its lock for {self.timeout:g} s "
                    "without saving anything"
                )
            time.sleep(min(_POLL, deadline - now))


def lock_file_problem(lock_path: str) -> str | None:
    """Why the lock file at ``lock_path`` cannot be created or opened for locking (None: it can,
    and now exists). A lock file is never followed if it is a symbolic link."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as exc:
        return _lock_file_error(lock_path, exc)
    os.close(fd)
    return None


def _lock_file_error(lock_path: str, exc: OSError) -> str:
    verb = "open" if os.path.lexists(lock_path) else "create"
    return f"cannot {verb} the lock file {lock_path}: {exc.strerror or exc}"


def _not_a_database(path: str | os.PathLike[str], mode: int) -> str:
    return f"{path} is not a regular file ({file_kind(mode)}), not an annotation database"


def _mode(path: Path, missing: int) -> int:
    """``path``'s mode (not following a link), or ``missing`` if there is no such file."""
    try:
        return os.lstat(path).st_mode
    except FileNotFoundError:
        return missing


def _file_state(path: Path) -> tuple[int, int, int] | None:
    """What changes whenever a process saves the database (a save replaces the file)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


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
        stale = [k for k, r in table.items() if not isinstance(r, _Record) or r._line is None or r._key != k]
        for key in stale:
            record = table[key]
            if not isinstance(record, _Record):
                record = _Record(record) if isinstance(record, dict) else _KeptValue(record)
                table[key] = record  # type: ignore[index]  # an existing key: the dict is not resized
            record._key = str(key)
            record._line = f"{_encode(str(key))}:{record._encoded()}".encode("ascii")
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
    """Parse a database file; raises :class:`CorruptDatabaseError` saying why it is not one.

    The reason is one line and never quotes the file. A record that is not a JSON object is
    kept as a :class:`_KeptValue`: it is the store's to skip, not a reason to refuse the file.
    """
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
    except (ValueError, IndexError, StopIteration, RecursionError):
        data = None
    finally:
        if gc_was_enabled:
            gc.enable()
    if data is not None:
        return data  # the line parser takes only tables of records
    try:  # written by something else (or by hand): the plain parser decides
        data = json.loads(text)
    except RecursionError:
        raise CorruptDatabaseError("is nested too deeply to read") from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            raise CorruptDatabaseError(
                f"holds a number too long to read (over {sys.get_int_max_str_digits()} digits)"
            ) from None
        raise CorruptDatabaseError(f"is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptDatabaseError(f"is JSON but not a database (a {type(data).__name__} at the top)")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptDatabaseError(f"is JSON but not a TinyDB database ({_shown(name)} is not a table of records)")
        for key, record in table.items():
            if not isinstance(record, dict):
                table[key] = _KeptValue(record)
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
                if r_end != len(line) - more:
                    return None
                record = _Record(record) if type(record) is dict else _KeptValue(record)
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
        """Parse :meth:`to_dict` output; raises ``ValueError`` (or ``KeyError``, ``TypeError``,
        ``AttributeError`` for a record of the wrong shape)."""
        offset, ident = data.get("offset"), data.get("id")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ValueError("bookmark: bad offset")
        if not isinstance(ident, str) or not ident:
            raise ValueError("bookmark: no id")
        label, created = data.get("label"), data.get("created")
        if not all(value is None or isinstance(value, str) for value in (label, created)):
            raise ValueError("bookmark: label and time must be text")
        return cls(ident, DocumentRef.from_dict(data["document"]), offset, label or "", created or "")


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What :meth:`Store.merge` did: how many annotations were new, newer, or already there."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # deleted in this database after the version offered was made: not brought back
    older: int = 0  # changed here since the version offered was made: the version here kept
    repeated: int = 0  # offered more than once (the same id): only the newest taken


class _Index:
    """Lookups over the current data: rebuilt when another process wrote, patched after our writes.

    Only sound records are indexed; a damaged one (see :func:`_is_annotation`) is counted,
    skipped by every read, and never written over: it stays in the file as it is.
    """

    def __init__(self, data: Mapping[str, Mapping[str, Any]] | None) -> None:
        data = data or {}
        self.annotations: Mapping[str, Any] = data.get(ANNOTATIONS, {})
        self.by_id: dict[str, str] = {}
        self.by_sha: dict[str, dict[str, None]] = {}  # dicts as ordered sets: O(1) removal
        self.by_path: dict[str, dict[str, None]] = {}  # the path each annotation names (metadata)
        self.damaged: dict[str, None] = {}  # keys of annotation records that are not annotations
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
            self.position_by_sha = {}
            self.damaged_positions = 0
            for key, record in table.items():
                if _is_position(record):
                    self.position_by_sha[record["document"]["sha256"]] = key
                else:
                    self.damaged_positions += 1
        elif name == BOOKMARKS:
            self.bookmarks = table
            self.bookmark_by_id = {}
            self.damaged_bookmarks = 0
            for key, record in table.items():
                try:
                    self.bookmark_by_id[Bookmark.from_dict(record).id] = key
                except (ValueError, KeyError, TypeError, AttributeError):
                    self.damaged_bookmarks += 1
        elif name == DOCUMENTS:
            self.documents = table
            self.document_key: dict[tuple[str, str], str] = {}
            self.latest_at: dict[str, tuple[str, str]] = {}  # path -> (opened, sha256) of the text there now
            self.seen_at: dict[str, list[tuple[str, str]]] = {}  # sha256 -> [(opened, path)]
            self.texts_at: dict[str, list[str]] = {}  # path -> the sha256 of each text found there
            for key, r in table.items():
                if not isinstance(r, dict):
                    continue  # damaged: left in the file, not used
                sha, path, opened = r.get("sha256"), r.get("path"), str(r.get("opened", ""))
                if not (isinstance(sha, str) and isinstance(path, str) and sha and path):
                    continue
                self.document_key[(sha, path)] = key
                self.latest_at[path] = max(self.latest_at.get(path, ("", "")), (opened, sha))
                self.seen_at.setdefault(sha, []).append((opened, path))
                self.texts_at.setdefault(path, []).append(sha)
        elif name == DELETED:
            self.tombstones = table
            self.tombstone_by_id = {
                r["id"]: k for k, r in table.items() if isinstance(r, dict) and isinstance(r.get("id"), str)
            }

    def deleted_at(self, annotation_id: str) -> str | None:
        """When the annotation was deleted, if it is deleted (its tombstone's time)."""
        key = self.tombstone_by_id.get(annotation_id)
        return None if key is None else str(self.tombstones[key].get("deleted", ""))

    def damage_report(self) -> str | None:
        """One line saying how many records of each table are damaged, or None."""
        counts = [
            (len(self.damaged), "stored annotation"),
            (self.damaged_bookmarks, "bookmark"),
            (self.damaged_positions, "reading position"),
        ]
        named = [f"{n:,} {what}{'s' * (n != 1)}" for n, what in counts if n]
        if not named:
            return None
        one = sum(n for n, _ in counts) == 1
        listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
        return (
            f"{listed} {'is' if one else 'are'} damaged and {'was' if one else 'were'} skipped "
            "(kept in the file untouched)"
        )

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
                number = _doc_id(key)
                if self._next_key is not None and number is not None:
                    self._next_key = max(self._next_key, number + 1)
        self._tags = None

    def _add(self, key: str, record: Any) -> None:
        if not _is_annotation(record):
            self.damaged[key] = None
            return
        document = record["document"]
        self.by_id[record["id"]] = key
        for lookup, value in ((self.by_sha, document["sha256"]), (self.by_path, document.get("path") or "")):
            keys = lookup.get(value)
            if keys is None:
                lookup[value] = {key: None}
            else:
                keys[key] = None

    def _remove(self, key: str, record: Any) -> None:
        if key in self.damaged:
            del self.damaged[key]
            return
        document = record["document"]
        if self.by_id.get(record["id"]) == key:
            del self.by_id[record["id"]]
        self.by_sha.get(document["sha256"], {}).pop(key, None)
        self.by_path.get(document.get("path") or "", {}).pop(key, None)

    def tag_counts(self) -> list[tuple[str, int]]:
        if self._tags is None:
            counts: Counter[str] = Counter()
            spelling: dict[str, str] = {}
            for key, record in self.annotations.items():
                if key in self.damaged:
                    continue
                for tag in record.get("tags", ()):
                    if tag:
                        folded = tag.casefold()
                        spelling.setdefault(folded, tag)
                        counts[folded] += 1
            self._tags = [(spelling[f], n) for f, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        return self._tags


_KINDS, _STATUSES = frozenset(KINDS), frozenset(STATUSES)


def _is_annotation(record: Any) -> bool:
    """Whether :meth:`Annotation.from_dict` takes ``record``, decided five times faster (a test
    holds the two together): every record of the file is checked whenever the index is built."""
    if not isinstance(record, dict):
        return False
    get = record.get
    ident, document, position, quote = get("id"), get("document"), get("position"), get("quote")
    if not (type(ident) is str and ident and isinstance(document, dict)):
        return False
    if not (isinstance(position, dict) and isinstance(quote, dict)):
        return False
    kind, status = get("kind"), get("status")
    if type(kind) is not str or kind not in _KINDS:
        return False
    if status is not None and (type(status) is not str or (status and status not in _STATUSES)):
        return False
    start, end, exact, sha = position.get("start"), position.get("end"), quote.get("exact"), document.get("sha256")
    if not (type(start) is int and type(end) is int and 0 <= start <= end):
        return False
    if not (type(exact) is str and exact and type(sha) is str and sha):
        return False
    if "tags" in record:
        tags = record["tags"]
        if type(tags) is not list or not all(type(tag) is str for tag in tags):
            return False
    for text in (
        get("note"),
        get("label"),
        get("colour"),
        get("created"),
        get("updated"),
        document.get("path"),
        document.get("title"),
        quote.get("prefix"),
        quote.get("suffix"),
    ):
        if text is not None and type(text) is not str:
            return False
    return True


def _is_position(record: Any) -> bool:
    document = record.get("document") if isinstance(record, dict) else None
    if not isinstance(document, dict):
        return False
    sha, offset = document.get("sha256"), record.get("offset")
    return type(sha) is str and bool(sha) and type(offset) is int and offset >= 0


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
        self._last_parsed: dict[str, tuple[Mapping[str, Any], Annotation]] = {}
        """The annotations :meth:`annotations_for` returned last, with the records they came from:
        asked again after another process saved (the whole file read afresh), the records that
        did not change are not parsed again (20,000 on one document took 0.7 s)."""

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

        ``path`` defaults to :func:`default_db_path`; a symbolic link is followed to its target.
        Raises :class:`NotWritableError` at once when annotations cannot be saved there
        (``read_only=True`` opens it for reading only, without a lock), and :class:`StoreError`
        when it was written by a newer Sorot, or (read-only) is not a usable database.
        ``lock_timeout`` is how long a save waits for a lock held by a process that saves nothing.
        """
        db_path = Path(path).expanduser() if path is not None else default_db_path(env)
        target = _follow_link(db_path)
        if target.is_dir():
            raise StoreError(f"{db_path} is a directory, not an annotation database")
        if target.exists() and not target.is_file():  # a device or a FIFO is never read nor replaced
            raise StoreError(_not_a_database(db_path, target.stat().st_mode))
        if not read_only:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise NotWritableError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
            problem = unwritable_reason(target)
            if problem is not None:
                raise NotWritableError(problem)
        storage = AtomicJSONStorage(target, read_only=read_only, lock_timeout=lock_timeout)
        store = cls(TinyDB(storage=lambda: storage), storage, db_path)
        try:
            store._prepare()
            damage = store._current().damage_report()
            if damage:
                store.warnings.append(damage)
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

    def in_memory(self) -> Store:
        """A memory store holding what this one holds now, with its warnings: what the app
        shows of a database it cannot write (changes then last for the session only)."""
        with self._thread_lock:
            data = self._storage.read() or {}
            storage = _CountingMemoryStorage()
            storage.write({META: {_META_KEY: {"schema": SCHEMA}}, **{name: dict(t) for name, t in data.items()}})
            copy = Store(TinyDB(storage=lambda: storage), storage, None)
            copy.warnings = list(self.warnings)
            return copy

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        """Make the file ready: create it, migrate it, or put an unusable one aside.

        A file that is ready needs no lock (a save replaces it whole, so a read sees one save or
        the next): opening does not wait for another process's save. Anything to change is
        decided again under the lock, on the file as it is then.
        """
        storage = self._storage
        assert isinstance(storage, AtomicJSONStorage)
        if storage.lock is not None and storage.lock.acquire(wait=False):
            try:  # temporaries are only ever a lock holder's: with the lock free, they are a dead writer's
                _remove_stale_temporaries(storage.path)
            finally:
                storage.lock.release()
        state, detail = self._examine()
        if state == "ready":
            return
        if storage.read_only:
            if state == "unusable":
                raise StoreError(f"{storage.path} {detail}")
            if state == "old":
                self._migrate(detail)
            return
        with self._locked():
            state, detail = self._examine()
            if state == "unusable":
                self._put_aside(detail)
                state = "missing"
            if state == "missing":
                storage.write({META: {_META_KEY: {"schema": SCHEMA}}})
            elif state == "old":
                self._migrate(detail)

    def _examine(self) -> tuple[str, Any]:
        """What the file is now: ``ready``, ``missing`` (or empty), ``old`` (its schema) or
        ``unusable`` (the reason). A file from a newer Sorot raises :class:`StoreError`."""
        storage = self._storage
        try:
            data = storage.read()
        except CorruptDatabaseError as exc:
            return "unusable", str(exc)
        if not data:
            return "missing", None
        try:
            schema = _schema_of(data)
        except CorruptDatabaseError as exc:
            return "unusable", str(exc)
        if schema > SCHEMA:
            raise StoreError(
                f"{self.path} was written by a newer Sorot (schema {schema}, this one reads up to "
                f"{SCHEMA}); it was left untouched"
            )
        return ("old", schema) if schema < SCHEMA else ("ready", None)

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

    def _migrate(self, schema: int) -> None:
        """Upgrade the file from ``schema``, in memory first; a copy of the old file is kept
        beside it before the new one is written (read-only: in memory only)."""
        storage = self._storage
        assert isinstance(storage, AtomicJSONStorage)
        # A deep copy (the cached state stays as read), in which records that are not objects stay kept values.
        migrated = parse_database(serialise_database(storage.read() or {}))
        old = schema
        while schema < SCHEMA:
            migrated, skipped = MIGRATIONS[schema](migrated)
            if skipped:
                self.warnings.append(f"{skipped} record(s) could not be upgraded from schema {schema}; kept as is")
            schema += 1
        if storage.read_only:
            storage.replace_data(migrated)
            return
        backup = _free_name(storage.path, f".schema{old}-backup")
        try:
            shutil.copy2(storage.path, backup)
        except OSError as exc:
            raise StoreError(f"cannot keep a copy of {storage.path} before upgrading it: {exc}") from None
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
            with lock:
                yield

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
        """How many annotations the store holds (damaged records, skipped, not counted)."""
        index = self._current()
        return len(index.annotations) - len(index.damaged)

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
    def edit(
        self, annotation_id: str, *, add_tags: Iterable[str] = (), remove_tags: Iterable[str] = (), **changes: Any
    ) -> tuple[Annotation, Annotation]:
        """Change some fields of the annotation as it is stored now, whoever wrote it last:
        changes made by other processes to the other fields are kept, and ``add_tags`` /
        ``remove_tags`` (ignoring case) change the tags stored now, so two readers each adding a
        tag keep both. Returns the version before and the one after. Raises ``KeyError`` if it
        is not stored (deleted, maybe by another process: the message says so)."""
        with self._writing() as index:
            key = index.by_id.get(annotation_id)
            if key is None:
                deleted = index.deleted_at(annotation_id) is not None
                raise KeyError(f"annotation {annotation_id} was deleted" if deleted else annotation_id)
            previous = Annotation.from_dict(index.annotations[key])
            add_tags, remove_tags = tuple(add_tags), {tag.casefold() for tag in remove_tags}
            if add_tags or remove_tags:
                kept = [tag for tag in changes.get("tags", previous.tags) if tag.casefold() not in remove_tags]
                changes["tags"] = [*kept, *add_tags]  # normalised by edited(): a tag already there stays once
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
        only by a different version updated no earlier, one deleted here is brought back only by a version
        updated after the deletion, and importing the same file twice changes nothing."""
        incoming: dict[str, Annotation] = {}
        repeated = 0
        for ann in annotations:
            if ann.id in incoming:
                repeated += 1
            if ann.id not in incoming or ann.updated >= incoming[ann.id].updated:  # a tie: the later line
                incoming[ann.id] = ann
        added = updated = unchanged = deleted = older = 0
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
                elif index.annotations[key] == record:
                    unchanged += 1
                    continue
                elif ann.updated >= str(index.annotations[key].get("updated")):  # not older: it replaces
                    updated += 1
                else:
                    older += 1
                    continue
                records[ann.id] = record
            if records:
                self._commit_tables({ANNOTATIONS: _keyed(index, records), **_unburied(index, records)})
        return MergeResult(added, updated, unchanged, deleted, older, repeated)

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
        return sorted(self._parse_again(index.annotations[k] for k in keys), key=_document_order)

    @_synchronised
    def damaged_for(self, sha256: str, path: str | None = None) -> int:
        """How many damaged records (skipped, kept in the file) name this document, as
        :meth:`annotations_for` with the same arguments would have listed them."""
        index = self._current()
        return sum(
            1
            for key in index.damaged
            if _sha_of(record := index.annotations[key]) == sha256 or (path and _path_of(record) == path)
        )

    @_synchronised
    def all_annotations(self) -> list[Annotation]:
        """Every annotation, grouped by document (title, path) and in document order within each."""
        index = self._current()
        anns = self._parse(r for k, r in index.annotations.items() if k not in index.damaged)
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
        sound = [
            *(index.positions[k] for k in index.position_by_sha.values()),
            *(index.bookmarks[k] for k in index.bookmark_by_id.values()),
            *(r for k, r in index.annotations.items() if k not in index.damaged),
        ]
        for record in sound:
            try:
                ref = DocumentRef.from_dict(record["document"])
            except ValueError:  # a position's document may lack a path or title of the right type
                continue
            refs.setdefault(ref.sha256, ref)
        return sorted(refs.values(), key=lambda r: (r.title, r.path, r.sha256))

    @staticmethod
    def _parse(records: Iterable[Mapping[str, Any]]) -> list[Annotation]:
        """Annotations from records the index found sound (the damaged are counted there, once)."""
        return [Annotation.from_dict(record) for record in records]

    def _parse_again(self, records: Iterable[Mapping[str, Any]]) -> list[Annotation]:
        """:meth:`_parse`, taking the annotation parsed last time for a record equal to its record
        then (annotations are immutable), and remembering these for next time."""
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
            return index.positions[key]["offset"]
        if path:
            same = [r for r in index.positions.values() if _is_position(r) and r["document"].get("path") == path]
            if same:
                return max(same, key=lambda r: str(r.get("updated", "")))["offset"]
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
        index = self._current()
        marks = (Bookmark.from_dict(index.bookmarks[key]) for key in index.bookmark_by_id.values())
        return sorted((b for b in marks if b.document.sha256 == sha256), key=lambda b: (b.offset, b.created))


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
            if "sha256" in old and "document" not in old:  # (a record that is not an object has no keys)
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
    """An epoch time as ISO 8601; a time that is no time (out of range, NaN, not a number) is ""."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            moment = datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return ""
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value if isinstance(value, str) else ""


MIGRATIONS: dict[int, Callable[[dict[str, dict[str, Any]]], tuple[dict[str, dict[str, Any]], int]]] = {0: _migrate_v0}


# --- helpers ----------------------------------------------------------------------------------


_NEWEST_SCHEMA_THERE_COULD_BE = 1000  # a higher version is nonsense, not a newer Sorot's
_MAX_ID_DIGITS = 18  # TinyDB counts its ids up from 1: a longer one is not an id


def _schema_of(data: Mapping[str, Mapping[str, Any]]) -> int:
    """The file's schema (0 for a Sorot file from before ``meta``). Raises
    :class:`CorruptDatabaseError` for a file TinyDB could not read, or that is not Sorot's."""
    for name, table in data.items():
        if not _ids_are_numbers(table):
            raise CorruptDatabaseError(f"is not a TinyDB database (a record id in {_shown(name)} is not a number)")
    meta = data.get(META)
    if meta:
        record = meta.get(_META_KEY, next(iter(meta.values())))
        if "schema" not in record:
            raise CorruptDatabaseError("is a TinyDB file of something else, not Sorot's")
        schema = record["schema"]
        if type(schema) is not int or not 0 <= schema <= _NEWEST_SCHEMA_THERE_COULD_BE:
            raise CorruptDatabaseError("has a schema version that makes no sense")
        return schema
    if any(name in data for name in (ANNOTATIONS, POSITIONS, BOOKMARKS)):
        return 0
    raise CorruptDatabaseError("is a TinyDB file of something else, not Sorot's")


def _ids_are_numbers(table: Mapping[str, Any]) -> bool:
    """Whether every key is a TinyDB document id as TinyDB writes them (ASCII digits)."""
    if not table:
        return True
    joined = "".join(table)  # one check over all keys: 100,000 of them take a millisecond
    lengths = [len(key) for key in table]
    return joined.isascii() and joined.isdigit() and min(lengths) > 0 and max(lengths) <= _MAX_ID_DIGITS


def _doc_id(key: str) -> int | None:
    """The TinyDB document id a table key stands for, or None if it is not one."""
    return int(key) if key.isascii() and key.isdigit() and len(key) <= _MAX_ID_DIGITS else None


def _next_key(table: Mapping[str, Any]) -> int:
    """The next free TinyDB document id (ids are decimal strings in the file)."""
    return max((n for n in map(_doc_id, table) if n is not None), default=0) + 1


def _shown(name: str) -> str:
    """A table name as a message may quote it: escaped, and short."""
    return repr(name if len(name) <= 40 else name[:40] + "…")


def _follow_link(path: Path) -> Path:
    """The file a database path stands for: itself, or the target of a symbolic link, resolved
    once. A link to nothing is an error rather than a new database: its target is most likely
    on a drive not mounted, or a synced folder moved, and a new file there would split the notes."""
    if not os.path.islink(path):
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        try:
            target = os.readlink(path)
        except OSError:
            target = "a file"
        raise StoreError(f"{path} is a symbolic link to {target}, which does not exist") from None
    except OSError as exc:
        raise StoreError(f"{path} is a symbolic link that cannot be followed ({exc.strerror or exc})") from None


def _no_write_bits(path: Path) -> bool:
    """Whether no one may write ``path`` by its mode (``chmod a-w``), which root, whom the
    permissions do not stop, is held to as well: the owner said "do not change this"."""
    try:
        return not os.stat(path).st_mode & 0o222
    except OSError:
        return False


def unwritable_reason(path: Path) -> str | None:
    """Why annotations cannot be saved in the database at ``path`` (a link's target), or None.

    The one place the store decides: the directory must take new files (the temporary file of
    each save, the lock), the file must be writable for its owner's sake even though a save
    replaces it (``chmod a-w`` says "do not change this"), and the lock file must be creatable.
    """
    directory = path.parent
    if not os.access(directory, os.W_OK | os.X_OK) or _no_write_bits(directory):
        return f"cannot save annotations in {directory}: the directory is not writable"
    if os.path.exists(path) and (not os.access(path, os.W_OK) or _no_write_bits(path)):
        return f"{path} is read-only: annotations cannot be saved"
    return lock_file_problem(f"{path}.lock")


def _sha_of(record: Any) -> str | None:
    doc = record.get("document") if isinstance(record, Mapping) else None
    return doc.get("sha256") if isinstance(doc, Mapping) else None


def _path_of(record: Any) -> str | None:
    doc = record.get("document") if isinstance(record, Mapping) else None
    return doc.get("path") if isinstance(doc, Mapping) else None


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
