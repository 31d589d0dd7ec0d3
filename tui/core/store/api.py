"""The :class:`Store`: what the reader, its session and the CLI call to keep annotations,
reading positions and bookmarks, and where the database is by default (:func:`default_db_path`).

Opening a database creates it, migrates an older one (:mod:`.schema`) or puts an unusable one
aside. Every change is one atomic write (:mod:`.storage`) made under the file lock
(:mod:`.lock`) after re-reading the file, as a delta to the state found there: a version of an
annotation replaces a stored one only when it is not older, and a deletion leaves a tombstone
that older versions cannot get past. Reads come from the index (:mod:`.index`) while the file
is unchanged.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import platformdirs
from tinydb import TinyDB

from tui.core.annotations import Annotation, DocumentRef, new_id, now_iso
from tui.core.store.bookmark import Bookmark
from tui.core.store.errors import CorruptDatabaseError, NotWritableError, StoreError
from tui.core.store.fileformat import parse_database, serialise_database
from tui.core.store.index import Index, is_position
from tui.core.store.schema import (
    ANNOTATIONS,
    BOOKMARKS,
    DELETED,
    DOCUMENTS,
    META,
    META_KEY,
    MIGRATIONS,
    POSITIONS,
    SCHEMA,
    next_key,
    schema_of,
)
from tui.core.store.storage import (
    AtomicJSONStorage,
    CountingMemoryStorage,
    follow_link,
    not_a_database,
    remove_stale_temporaries,
    unwritable_reason,
)

_F = TypeVar("_F", bound=Callable[..., Any])

ENV_VAR = "SOROT_DB"
DB_NAME = "sorot.json"


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``$SOROT_DB`` when set, else ``sorot.json`` in the user's data directory."""
    env = os.environ if env is None else env
    if env.get(ENV_VAR, "").strip():
        return Path(env[ENV_VAR]).expanduser()
    return platformdirs.user_data_path("sorot", appauthor=False) / DB_NAME


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What :meth:`Store.merge` did: how many annotations were new, newer, or already there."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # deleted in this database after the version offered was made: not brought back
    older: int = 0  # changed here since the version offered was made: the version here kept
    repeated: int = 0  # offered more than once (the same id): only the newest taken


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

    def __init__(self, db: TinyDB, storage: AtomicJSONStorage | CountingMemoryStorage, path: Path | None) -> None:
        self._db = db
        self._storage = storage
        self.path = path
        self.read_only = isinstance(storage, AtomicJSONStorage) and storage.read_only
        self.warnings: list[str] = []
        self._thread_lock = threading.RLock()
        self._index: Index | None = None
        self._index_generation = -1
        self._reloads = 0  # times the data was read afresh (another process wrote, or first use)
        self._last_parsed: dict[str, tuple[Mapping[str, Any], Annotation]] = {}
        """The annotations :meth:`annotations_for` returned last, with the records they came from:
        asked again after another process saved (the whole file read afresh), the records that
        did not change are not parsed again (20,000 on one document took 0.7 s)."""

    @property
    def lock_path(self) -> Path | None:
        """The lock file beside the database (its link's target); None for a store in memory."""
        if isinstance(self._storage, AtomicJSONStorage):
            return Path(f"{self._storage.path}.lock")
        return None

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
        target = follow_link(db_path)
        if target.is_dir():
            raise StoreError(f"{db_path} is a directory, not an annotation database")
        if target.exists() and not target.is_file():  # a device or a FIFO is never read nor replaced
            raise StoreError(not_a_database(db_path, target.stat().st_mode))
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
        storage = CountingMemoryStorage()
        storage.write({META: {META_KEY: {"schema": SCHEMA}}})
        return cls(TinyDB(storage=lambda: storage), storage, None)

    def in_memory(self) -> Store:
        """A memory store holding what this one holds now, with its warnings: what the app
        shows of a database it cannot write (changes then last for the session only)."""
        with self._thread_lock:
            data = self._storage.read() or {}
            storage = CountingMemoryStorage()
            storage.write({META: {META_KEY: {"schema": SCHEMA}}, **{name: dict(t) for name, t in data.items()}})
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
                remove_stale_temporaries(storage.path)
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
                storage.write({META: {META_KEY: {"schema": SCHEMA}}})
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
            schema = schema_of(data)
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
    def _writing(self) -> Iterator[Index]:
        """Hold the lock and give the index of the file as it is now, for one :meth:`_commit`."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only: changes are not saved")
        with self._locked():
            yield self._current()

    def _current(self) -> Index:
        with self._thread_lock:
            data = self._storage.read()  # cheap when unchanged; picks up other processes' writes
            if self._index is None or self._index_generation != self._storage.generation:
                self._index = Index(data)
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
        tables.setdefault(META, {META_KEY: {"schema": SCHEMA}})  # even if the file was deleted meanwhile
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
            tomb = index.tombstone_by_id.get(annotation_id) or str(next_key(index.tombstones))
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
            key = index.document_key.get((document.sha256, document.path)) or str(next_key(index.documents))
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
            self._commit(POSITIONS, {key if key is not None else str(next_key(index.positions)): record})

    @_synchronised
    def position(self, sha256: str, path: str | None = None) -> int | None:
        """The remembered offset in a document; with ``path``, falls back to the latest position
        in another version of that file (the caller clamps it to the text)."""
        index = self._current()
        key = index.position_by_sha.get(sha256)
        if key is not None:
            offset: int = index.positions[key]["offset"]  # indexed positions are sound: an int
            return offset
        if path:
            same = [r for r in index.positions.values() if is_position(r) and r["document"].get("path") == path]
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

    @_synchronised
    def restore_bookmark(self, bookmark: Bookmark) -> None:
        """Store this bookmark as given, adding or replacing by id (also undoes a removal)."""
        with self._writing() as index:
            key = index.bookmark_by_id.get(bookmark.id)
            self._commit(BOOKMARKS, {key if key is not None else str(next_key(index.bookmarks)): bookmark.to_dict()})

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


def _buried(index: Index, annotation: Annotation) -> bool:
    """Whether the annotation was deleted after this version of it was made."""
    deleted = index.deleted_at(annotation.id)
    return deleted is not None and annotation.updated <= deleted


def _unburied(index: Index, ids: Iterable[str]) -> dict[str, dict[str, None]]:
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


def _keyed(index: Index, records: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records by annotation id -> records by table key: the stored key, or a new one."""
    out = {}
    fresh = index.next_key
    for ann_id, record in records.items():
        key = index.by_id.get(ann_id)
        if key is None:
            key, fresh = str(fresh), fresh + 1
        out[key] = record
    return out


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
