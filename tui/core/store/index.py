"""The store's lookups over the data read last: annotations by id, by text and by path,
positions, bookmarks, the texts found at each path, tombstones and tag counts.

TinyDB's queries scan a whole table; this index answers each lookup in one step. It is built
whenever the storage reads a new state (another process saved) and patched after the store's
own writes, so a save into 10,000 annotations does not rebuild it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from tui.core.annotations import KINDS, STATUSES
from tui.core.store.bookmark import Bookmark
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
    TAGS,
    doc_id,
    next_key,
)
from tui.core.store.subscriptions import is_entry, is_feed


class Index:
    """Lookups over the current data: rebuilt when another process wrote, patched after our writes.

    Only sound records are indexed; a damaged one (see :func:`is_annotation`) is counted,
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
        self.tables = data
        for name in (POSITIONS, BOOKMARKS, DOCUMENTS, DELETED, IDS, NAMED, TAGS, FEEDS, ENTRIES, LINKS):
            self.set_table(name, data.get(name, {}))

    @property
    def size(self) -> int:
        """How many records the bucket holds, in all its tables."""
        return sum(len(table) for table in self.tables.values())

    @property
    def next_key(self) -> int:
        """The next free key of the annotations table."""
        if self._next_key is None:
            self._next_key = next_key(self.annotations)
        return self._next_key

    def set_table(self, name: str, table: Mapping[str, Any]) -> None:
        """Take the new state of a small table (positions, bookmarks, documents, tombstones): those
        are cheap to redo."""
        if name == POSITIONS:
            self.positions = table
            self.position_by_sha = {}
            self.damaged_positions = 0
            for key, record in table.items():
                if is_position(record):
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
        elif name == IDS:  # annotation id -> where it is: {"id", "sha256"} (and "was", "deleted")
            self.ids = table
            self.id_key = {r["id"]: k for k, r in table.items() if isinstance(r, dict) and isinstance(r.get("id"), str)}
        elif name == NAMED:  # path -> the documents whose records name it: {"path", "sha256"}
            self.named = table
            self.named_key: dict[tuple[str, str], str] = {}
            self.named_at: dict[str, list[str]] = {}
            for k, r in table.items():
                if isinstance(r, dict) and isinstance(r.get("path"), str) and isinstance(r.get("sha256"), str):
                    self.named_key[(r["sha256"], r["path"])] = k
                    self.named_at.setdefault(r["path"], []).append(r["sha256"])
        elif name == TAGS:  # tag (folded) -> {"tag": its first spelling, "count": n}
            self.tag_records = table
            self.tag_key = {
                r["tag"].casefold(): k
                for k, r in table.items()
                if isinstance(r, dict) and isinstance(r.get("tag"), str) and type(r.get("count")) is int
            }
        elif name == FEEDS:  # feed URL (normalised) -> its subscription
            self.feeds = table
            self.feed_key = {r["url"]: k for k, r in table.items() if is_feed(r)}
        elif name == ENTRIES:  # (feed URL, entry key) -> the entry
            self.entries = table
            self.entry_key = {(r["feed"], r["key"]): k for k, r in table.items() if is_entry(r)}
        elif name == LINKS:  # an entry's normalised link -> {"link", "feed", "key"}
            self.links = table
            self.link_key: dict[tuple[str, str, str], str] = {}
            self.links_at: dict[str, list[tuple[str, str]]] = {}
            for k, r in table.items():
                if isinstance(r, dict) and all(isinstance(r.get(f), str) for f in ("link", "feed", "key")):
                    self.link_key[(r["link"], r["feed"], r["key"])] = k
                    self.links_at.setdefault(r["link"], []).append((r["feed"], r["key"]))
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
        return damage_line(len(self.damaged), self.damaged_bookmarks, self.damaged_positions)

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
                number = doc_id(key)
                if self._next_key is not None and number is not None:
                    self._next_key = max(self._next_key, number + 1)
        self._tags = None

    def _add(self, key: str, record: Any) -> None:
        if not is_annotation(record):
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


def damage_line(annotations: int, bookmarks: int, positions: int) -> str | None:
    """One line saying how many records of each table are damaged, or None if none is."""
    counts = [(annotations, "stored annotation"), (bookmarks, "bookmark"), (positions, "reading position")]
    named = [f"{n:,} {what}{'s' * (n != 1)}" for n, what in counts if n]
    if not named:
        return None
    one = sum(n for n, _ in counts) == 1
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return (
        f"{listed} {'is' if one else 'are'} damaged and {'was' if one else 'were'} skipped (kept in the file untouched)"
    )


_KINDS, _STATUSES = frozenset(KINDS), frozenset(STATUSES)


def is_annotation(record: Any) -> bool:
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


def is_position(record: Any) -> bool:
    document = record.get("document") if isinstance(record, dict) else None
    if not isinstance(document, dict):
        return False
    sha, offset = document.get("sha256"), record.get("offset")
    return type(sha) is str and bool(sha) and type(offset) is int and offset >= 0
