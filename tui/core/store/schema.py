"""The database's tables, its schema version, and the upgrades from older versions.

The records live in six tables: ``annotations``, ``positions`` (where the reader was in each
document), ``bookmarks``, ``documents`` (which text, by sha256, the reader found at which path),
``deleted`` (the tombstones of deleted annotations) and ``meta``, whose one record holds the
schema version; schema 2 spreads them over buckets (:mod:`.shelf`) with three lookup tables of
its own (``ids``, ``named``, ``tags``), and keeps only ``meta`` in the manifest. A single-file
database (schema 0 or 1, and a dump) holds all six in one file. Records are keyed by TinyDB
document ids, decimal strings counted up from 1 (:func:`doc_id`, :func:`next_key`).

:func:`schema_of` reads a file's version, or says why the file is not a Sorot database at all.
A schema-0 file is upgraded to schema 1 by ``MIGRATIONS[0]`` (taking the file's tables and
giving the new tables and how many records it could not upgrade, which stay as they were),
then converted to buckets (:mod:`.convert`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from tui.core.annotations import Annotation, new_id
from tui.core.store.errors import CorruptDatabaseError, shown_table

SCHEMA = 2
"""2: the database is sharded (a manifest and its data folder, :mod:`.shelf`); its records are
those of schema 1. A file of schema 0 or 1 is one file holding every table, as ``sorot db dump``
writes them still (:data:`SINGLE_FILE_SCHEMA`)."""
SINGLE_FILE_SCHEMA = 1
ANNOTATIONS, POSITIONS, BOOKMARKS, META = "annotations", "positions", "bookmarks", "meta"
DOCUMENTS, DELETED = "documents", "deleted"
IDS, NAMED, TAGS = "ids", "named", "tags"  # the sharded database's lookups (see :mod:`.shelf`)
FEEDS, ENTRIES = "feeds", "entries"  # subscriptions and their entries (:mod:`.subscriptions`)
LINKS = "links"  # an entry's link -> its feed and key, in ``paths/`` (a lookup, rebuilt by a restore)
META_KEY = "1"

_NEWEST_SCHEMA_THERE_COULD_BE = 1000  # a higher version is nonsense, not a newer Sorot's
_MAX_ID_DIGITS = 18  # TinyDB counts its ids up from 1: a longer one is not an id


def schema_of(data: Mapping[str, Mapping[str, Any]]) -> int:
    """The file's schema (0 for a Sorot file from before ``meta``). Raises
    :class:`CorruptDatabaseError` for a file TinyDB could not read, or that is not Sorot's."""
    check_ids(data)
    meta = data.get(META)
    if meta:
        record = meta.get(META_KEY, next(iter(meta.values())))
        if "schema" not in record:
            raise CorruptDatabaseError("is a TinyDB file of something else, not Sorot's")
        schema = record["schema"]
        if type(schema) is not int or not 0 <= schema <= _NEWEST_SCHEMA_THERE_COULD_BE:
            raise CorruptDatabaseError("has a schema version that makes no sense")
        return schema
    if any(name in data for name in (ANNOTATIONS, POSITIONS, BOOKMARKS)):
        return 0
    raise CorruptDatabaseError("is a TinyDB file of something else, not Sorot's")


def check_ids(data: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise :class:`CorruptDatabaseError` unless every table's keys are TinyDB ids."""
    for name, table in data.items():
        if not _ids_are_numbers(table):
            raise CorruptDatabaseError(f"is not a TinyDB database (a record id in {shown_table(name)} is not a number)")


def _ids_are_numbers(table: Mapping[str, Any]) -> bool:
    """Whether every key is a TinyDB document id as TinyDB writes them (ASCII digits)."""
    if not table:
        return True
    joined = "".join(table)  # one check over all keys: 100,000 of them take a millisecond
    lengths = [len(key) for key in table]
    return joined.isascii() and joined.isdigit() and min(lengths) > 0 and max(lengths) <= _MAX_ID_DIGITS


def doc_id(key: str) -> int | None:
    """The TinyDB document id a table key stands for, or None if it is not one."""
    return int(key) if key.isascii() and key.isdigit() and len(key) <= _MAX_ID_DIGITS else None


def next_key(table: Mapping[str, Any]) -> int:
    """The next free TinyDB document id (ids are decimal strings in the file)."""
    return max((n for n in map(doc_id, table) if n is not None), default=0) + 1


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
    out[META] = {META_KEY: {"schema": 1}}
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
