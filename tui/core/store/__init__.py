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
  other processes keep saving (see :class:`~tui.core.store.lock.WriterLock`);
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

What TinyDB is used for, and what is bypassed on purpose
--------------------------------------------------------

TinyDB gives the store two things: the **file format** and the **Storage interface**.

* The file is a valid TinyDB database (tables ``annotations``, ``positions``, ``bookmarks``,
  ``documents``, ``deleted``, ``meta``; records keyed by TinyDB document ids), so TinyDB, or
  any JSON reader, opens it. It is written one record per line, and each record keeps the line
  it was read from or written as, so saving one annotation into a database of 10,000
  serialises one record, not 10,000 (:mod:`.fileformat`).
* :class:`AtomicJSONStorage` is a ``tinydb.storages.Storage`` (``read``, ``write``, ``close``)
  and works under TinyDB itself (a test runs TinyDB's table API over it); the store's memory
  variant is TinyDB's ``MemoryStorage``. A :class:`~tinydb.TinyDB` object is made over each
  storage and closes it.

Bypassed on purpose: TinyDB's table and query layer. There is no ``db.table(...)``, ``insert``,
``search`` or ``Query`` anywhere in the store, so do not look for them. The store reads the
storage's whole state (``{table: {id: record}}``), answers lookups from its own index
(:mod:`.index`: one step per lookup where a TinyDB query scans the table), and writes one new
state per change, with changes to several tables in one atomic write (a deletion and its
tombstone), which TinyDB's tables, one write per table, cannot do. TinyDB's tables also keep
their next id and their query results cached, which another process's save makes stale. Nor is
TinyDB's ``JSONStorage`` used: it rewrites the file in place (a crash mid-write leaves half of
it), serialises every record on every save, parses the whole file on every read, and takes no
lock.

The modules, from the bottom up:

* :mod:`.errors`: :class:`StoreError` and its kinds;
* :mod:`.fileformat`: the file's bytes, one record per line, each record keeping its line;
* :mod:`.lock`: the file lock and its timeout that counts time without progress;
* :mod:`.closer`: the background thread that closes replaced files;
* :mod:`.storage`: the TinyDB ``Storage``: atomic writes, re-reads only of a changed file, the
  checks of what a database path is and whether it takes saves;
* :mod:`.schema`: the tables, the schema version, the migrations from older versions;
* :mod:`.bookmark`: :class:`Bookmark`;
* :mod:`.index`: the lookups over the data read last, and which records are damaged;
* :mod:`.api`: :class:`Store`, :class:`MergeResult`, :func:`default_db_path`.

Import what you need from this package; the modules are its implementation.
"""

from __future__ import annotations

from tui.core.store.api import (
    DB_NAME,
    ENV_VAR,
    MergeResult,
    Restored,
    Store,
    data_folder,
    default_db_path,
    restore_database,
)
from tui.core.store.bookmark import Bookmark
from tui.core.store.errors import CorruptDatabaseError, NotWritableError, StoreError
from tui.core.store.fileformat import parse_database, serialise_database
from tui.core.store.lock import lock_file_problem
from tui.core.store.schema import (
    ANNOTATIONS,
    BOOKMARKS,
    DELETED,
    DOCUMENTS,
    META,
    MIGRATIONS,
    POSITIONS,
    SCHEMA,
    SINGLE_FILE_SCHEMA,
)
from tui.core.store.storage import AtomicJSONStorage, fsync_directory, unwritable_reason

__all__ = [
    "ANNOTATIONS",
    "BOOKMARKS",
    "DB_NAME",
    "DELETED",
    "DOCUMENTS",
    "ENV_VAR",
    "META",
    "MIGRATIONS",
    "POSITIONS",
    "SCHEMA",
    "SINGLE_FILE_SCHEMA",
    "AtomicJSONStorage",
    "Bookmark",
    "CorruptDatabaseError",
    "MergeResult",
    "Restored",
    "NotWritableError",
    "Store",
    "StoreError",
    "data_folder",
    "default_db_path",
    "fsync_directory",
    "restore_database",
    "lock_file_problem",
    "parse_database",
    "serialise_database",
    "unwritable_reason",
]
