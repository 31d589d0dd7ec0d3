"""Where annotations, reading positions and bookmarks live: a TinyDB database kept safe at any size.

The path the user names (``--db PATH``, ``$SOROT_DB``, ``sorot.json``) is the database's
**manifest**, a small TinyDB file holding its schema; the data is in the folder beside it,
``PATH.d``, in TinyDB files called buckets (:mod:`.shelf`): ``docs/`` (a document's
annotations, tombstones, reading position, bookmarks and the paths its text was found at, in
the bucket of its sha256), ``ids/`` (which document's bucket holds each annotation id),
``paths/`` (which texts were found at each path, which documents name it, which feed entry
links there), ``feeds/`` and ``entries/`` (feed subscriptions and their entries with read
state, :mod:`.subscriptions`), ``other/`` (tables
Sorot does not know) and ``tags.json`` (tag counts, for completion). A bucket past 2,000
records splits in sixteen, so a change reads and writes a few small files whatever the size
of the database. Annotations are the one thing Sorot holds that cannot be recomputed, so every
file is handled with care:

* every write of a bucket or the manifest goes to a temporary file on the same file system, is
  fsynced, and renamed over it (then the folder is fsynced): a crash or ``kill -9`` leaves the
  old file or the new one, never half of one; a change that touches several buckets writes them
  in an order that no crash between two of them turns into a loss (:mod:`.api`);
* a database path that is a symbolic link is followed once, at opening: the lock, the data
  folder, the temporary files and any file put aside live beside the link's target (a link to
  nothing is refused); a bucket that is a link, a directory or a FIFO is damage, never followed;
* every change holds the database's file lock (``NAME.lock``, via ``filelock``) and re-reads
  the buckets it touches, so two ``sorot`` processes on one database do not lose each other's
  writes. The lock's timeout counts time in which the database did not change (see
  :class:`~tui.core.store.lock.WriterLock`);
* a manifest that is not a Sorot database is renamed aside untouched
  (``NAME.corrupt-YYYYMMDD-HHMMSS``, its folder with it) and a new database started; a bucket
  that cannot be read is skipped with one warning and renamed aside by the first change that
  needs it: the rest of the database is untouched. Messages never quote a file;
* a record that is not what its table holds (an annotation that is a list, a position given as
  text...) is skipped, counted in one warning, and kept in its bucket as it was;
* a single-file database (schema 0 or 1, as Sorot kept one before) is converted on first open,
  streamed, after a byte-for-byte backup (:mod:`.convert`); :meth:`Store.dump` and
  :func:`restore_database` are a complete backup in that single-file form;
* several processes write deltas: a version of an annotation replaces a stored one only when it
  is not older (``updated``), and a deletion leaves a tombstone that older versions cannot get
  past, so one process never undoes another's edit or deletion.

A database that cannot be written (a read-only file, directory or mount; a lock file that cannot
be created) raises :class:`NotWritableError` at once; it can still be opened ``read_only``.

What TinyDB is used for, and what is bypassed on purpose
--------------------------------------------------------

TinyDB gives the store two things: the **file format** and the **Storage interface**. Every
bucket, the manifest and a dump are valid TinyDB databases (records keyed by TinyDB document
ids), so TinyDB, or any JSON reader, opens them; they are written one record per line, and each
record keeps its line, so saving one annotation serialises one record (:mod:`.fileformat`).
:class:`AtomicJSONStorage` is a ``tinydb.storages.Storage`` and works under TinyDB itself.
Bypassed on purpose: TinyDB's table and query layer (no ``db.table(...)``, ``insert`` or
``Query`` in the store): each bucket's lookups come from its own index (:mod:`.index`), and one
write of a bucket changes several of its tables at once (a deletion and its tombstone), which
TinyDB's tables, one write per table, cannot do.

The modules, from the bottom up: :mod:`.errors`, :mod:`.fileformat`, :mod:`.lock`,
:mod:`.closer`, :mod:`.storage` (the atomic ``Storage``), :mod:`.schema` (tables, versions,
the migration from schema 0), :mod:`.bookmark`, :mod:`.index` (one bucket's lookups),
:mod:`.shelf` (where buckets are, how records are routed, how a bucket splits), :mod:`.bucket`
(one bucket: its file, index and changes), :mod:`.convert` (single file to buckets and back),
:mod:`.api` (:class:`Store`, :func:`restore_database`, :func:`default_db_path`).

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
from tui.core.store.subscriptions import Entry, Feed, normalise_url

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
    "Entry",
    "Feed",
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
    "normalise_url",
    "parse_database",
    "serialise_database",
    "unwritable_reason",
]
