"""From one file to buckets and back: converting a single-file database, dumping and restoring.

A single-file database (schema 0 or 1: every table in one TinyDB file, as Sorot kept them up
to schema 1 and as ``sorot db dump`` writes them) is read one record at a time when it is in
Sorot's one-record-per-line layout, so a database of any size converts in bounded memory; each
record is spilled to a temporary file of its future bucket, and each bucket is then written
whole. The buckets are built in a new folder beside the database, which takes the data
folder's name only when complete: a crash leaves the old file as it was.

:func:`dump` writes every table of a database as one such file, one bucket at a time.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tui.core.store.errors import CorruptDatabaseError, StoreError, shown_table
from tui.core.store.fileformat import _KeptValue, parse_database, serialise_database
from tui.core.store.index import is_annotation
from tui.core.store.schema import (
    ANNOTATIONS,
    BOOKMARKS,
    DELETED,
    DOCUMENTS,
    ENTRIES,
    FEEDS,
    IDS,
    LINKS,
    META,
    META_KEY,
    MIGRATIONS,
    NAMED,
    POSITIONS,
    SCHEMA,
    SINGLE_FILE_SCHEMA,
    TAGS,
    doc_id,
    schema_of,
)
from tui.core.store.shelf import MAX_DEPTH, SCRATCH, SHELVES, SPLIT_AT, TAGS_FILE, bucket_name, free_name, route_on
from tui.core.store.storage import fsync_directory
from tui.core.store.subscriptions import is_entry, normalise_url

if TYPE_CHECKING:
    from tui.core.store.api import Store

_WHOLE_FILE_MAX = 64 << 20
"""A single-file database not in Sorot's line layout (written by plain TinyDB, or by hand) is
parsed whole: up to this size; a larger one is refused with one line (``sorot db restore``
of a dump, which is in the line layout, has no limit)."""
_LINE_MAX = 16 << 20
"""The longest line (one record) read from a database in the line layout: a record a thousand
times the size of the longest annotation; a longer one is damage, never read into memory."""
_SPILL_DIGITS = 2  # records are spilled to 256 files per shelf, then each is built into buckets
_SPILL_BUFFER = 16 << 20  # bytes of spilled lines held before they are appended to their files
_encode = json.JSONEncoder(separators=(",", ":")).encode


DATA_NOTE = "the data folder is this file's path followed by .d"


def manifest_data() -> dict[str, dict[str, Any]]:
    """The manifest: the schema, and (for a person reading it) where the data is. It names no
    folder: a database moved or renamed with its folder stays right."""
    return {META: {META_KEY: {"schema": SCHEMA, "data": DATA_NOTE}}}


SOURCE_MARK = ".converted-from"
"""A file in a data folder built by a conversion: which single file (size, mtime) it was built
from. A folder found beside that same file, unchanged, is a conversion cut short between the
folder's rename and the manifest's; any other is someone's data, never put aside silently."""


def source_mark(path: Path) -> str:
    st = os.stat(path)
    return _encode({"size": st.st_size, "mtime_ns": st.st_mtime_ns})


def converted_from(root: Path, path: Path) -> bool:
    """Whether the data folder ``root`` was built from the single file ``path`` as it is now."""
    try:
        return (root / SOURCE_MARK).read_text(encoding="ascii") == source_mark(path)
    except (OSError, UnicodeDecodeError):
        return False


def stale_temporaries(manifest: Path) -> list[Path]:
    """Temporary files and folders left beside the manifest by a writer that died."""
    found = list(manifest.parent.glob(f".{manifest.name}.*.tmp"))
    for folder in manifest.parent.glob(f".{manifest.name}.d.new-*"):  # a conversion cut short
        shutil.rmtree(folder, ignore_errors=True)
    return found


# -- reading a single file, one record at a time ------------------------------------------------


def iter_file(path: Path) -> Iterator[tuple[str, str, Any]]:
    """Every record of a single-file database as ``(table, key, record)``, read a line at a
    time when the file is in the line layout, else parsed whole; raises
    :class:`CorruptDatabaseError` saying why it is not a database. A file that leaves the line
    layout part way (a record spread over lines by hand) raises :class:`NotInLines`: read it
    again with ``whole=True``."""
    with open(path, "rb") as handle:
        first = handle.readline(8)  # a first line of any length is never read whole
        if first.rstrip(b"\r\n") != b"{":
            handle.seek(0)
            yield from _whole(path, handle)
            return
        yield from _lines(handle)


def iter_whole(path: Path) -> Iterator[tuple[str, str, Any]]:
    with open(path, "rb") as handle:
        yield from _whole(path, handle)


class NotInLines(CorruptDatabaseError):
    """The file is not (or not throughout) in the one-record-per-line layout."""


def _lines(handle: IO[bytes]) -> Iterator[tuple[str, str, Any]]:
    table: str | None = None
    closed = False
    for number, raw in enumerate(iter(lambda: handle.readline(_LINE_MAX + 1), b""), start=2):
        if len(raw) > _LINE_MAX:
            too_long = f"holds a line over {_LINE_MAX >> 20} MB (line {number}), not a record of Sorot's"
            raise CorruptDatabaseError(too_long)
        line = raw.rstrip(b"\n")
        if closed:
            if line.strip():
                raise NotInLines(f"is not valid JSON (text after the end, line {number})")
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise NotInLines("is not a text file (not UTF-8)") from None
        if table is None:
            if text == "}":
                closed = True
                continue
            name, _, rest = text.rpartition(":")
            if rest not in ("{", "{},", "{}"):
                raise NotInLines(f"is not valid JSON (line {number})")
            table = _loads(name, number)
            if not isinstance(table, str):
                raise NotInLines(f"is not valid JSON (line {number})")
            if rest != "{":
                table = None
            continue
        if text in ("}", "},"):
            table = None
            continue
        body = text[:-1] if text.endswith(",") else text
        key, colon = _key(body, number)
        record = _loads(body[colon + 1 :], number)
        yield table, key, record
    if not closed:
        raise NotInLines("is not valid JSON (cut off)")


def _key(body: str, number: int) -> tuple[str, int]:
    decoder = json.JSONDecoder()
    try:
        key, end = decoder.raw_decode(body)
    except ValueError:
        raise NotInLines(f"is not valid JSON (line {number})") from None
    if not isinstance(key, str) or body[end : end + 1] != ":":
        raise NotInLines(f"is not valid JSON (line {number})")
    return key, end


def _loads(text: str, number: int) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise NotInLines("is nested too deeply to read") from None
    except ValueError as exc:
        raise NotInLines(f"is not valid JSON ({exc}, line {number})") from None


def _whole(path: Path, handle: IO[bytes]) -> Iterator[tuple[str, str, Any]]:
    size = os.fstat(handle.fileno()).st_size
    if size > _WHOLE_FILE_MAX:
        raise StoreError(
            f"{path} is a database of {size / 2**20:,.0f} MB not in Sorot's one-record-per-line layout: "
            f"too large to read at once (up to {_WHOLE_FILE_MAX >> 20} MB)"
        )
    data = parse_database(handle.read())
    for table, records in data.items():
        for key, record in records.items():
            yield table, key, _plain(record)


def schema_of_file(path: Path) -> int:
    """The schema of a single-file database, read from its ``meta`` table a line at a time."""
    try:
        return _schema_of(iter_file(path))
    except NotInLines:
        return _schema_of(iter_whole(path))


def _schema_of(records: Iterator[tuple[str, str, Any]]) -> int:
    tables: dict[str, dict[str, Any]] = {}
    for table, key, record in records:
        if doc_id(key) is None:
            raise CorruptDatabaseError(
                f"is not a TinyDB database (a record id in {shown_table(table)} is not a number)"
            )
        if table == META:  # Sorot wrote it first: no need to read on
            return schema_of({META: {key: record}})
        tables.setdefault(table, {})
    return schema_of(tables)


# -- building buckets ---------------------------------------------------------------------------


def _records_of(path: Path, schema: int, warnings: list[str], whole: bool) -> Iterator[tuple[str, str, Any]]:
    if schema >= SINGLE_FILE_SCHEMA:
        yield from iter_whole(path) if whole else iter_file(path)
        return
    with open(path, "rb") as handle:  # schema 0 was before any database grew large: in memory
        data = {table: dict(records) for table, records in _group(_whole(path, handle)).items()}
    while schema < SINGLE_FILE_SCHEMA:
        data, skipped = MIGRATIONS[schema](data)
        if skipped:
            warnings.append(f"{skipped} record(s) could not be upgraded from schema {schema}; kept as is")
        schema += 1
    for table, records in data.items():
        for key, record in records.items():
            yield table, key, record


def _group(records: Iterator[tuple[str, str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for table, key, record in records:
        out.setdefault(table, {})[key] = record
    return out


def placements(table: str, key: str, record: Any) -> Iterator[tuple[str, str, str, Any]]:
    """Where a record of a single-file database goes: ``(shelf, routing key, table, record)``,
    one or more (an annotation also says where it is in ``ids``, and names its path)."""
    if table == META:
        return
    document = record.get("document") if isinstance(record, dict) else None
    sha = document.get("sha256") if isinstance(document, dict) else None
    path = document.get("path") if isinstance(document, dict) else None
    if table in (ANNOTATIONS, POSITIONS, BOOKMARKS):
        yield "docs", sha if isinstance(sha, str) else "", table, record
        if isinstance(sha, str) and sha:
            if table == ANNOTATIONS and isinstance(record.get("id"), str):
                yield IDS, record["id"], IDS, {"id": record["id"], "sha256": sha}
            if isinstance(path, str) and path:
                yield "paths", path, NAMED, {"path": path, "sha256": sha}
    elif table == DOCUMENTS:
        sha, path = (record.get("sha256"), record.get("path")) if isinstance(record, dict) else (None, None)
        yield "docs", sha if isinstance(sha, str) else "", table, record
        if isinstance(path, str) and path:
            yield "paths", path, table, record
    elif table == DELETED:
        sha = record.get("sha256") if isinstance(record, dict) else None
        ident = record.get("id") if isinstance(record, dict) else None
        if isinstance(sha, str) and sha:
            yield "docs", sha, table, record
            if isinstance(ident, str):  # where to find the tombstone by the annotation's id
                yield IDS, ident, IDS, {"id": ident, "sha256": sha}
        elif isinstance(ident, str):  # deleted before the database was sharded: which text is not known
            yield IDS, ident, IDS, {"id": ident, "deleted": str(record.get("deleted", ""))}
        else:
            yield "docs", "", table, record
    elif table == FEEDS:
        url = record.get("url") if isinstance(record, dict) else None
        yield FEEDS, url if isinstance(url, str) else "", table, record
    elif table == ENTRIES:
        if is_entry(record):
            yield ENTRIES, f"{record['feed']}\0{record['key']}", table, record
            link = normalise_url(record["link"]) if isinstance(record.get("link"), str) else ""
            if link:  # which entry a URL is, found beside the annotations that name it
                yield "paths", link, LINKS, {"link": link, "feed": record["feed"], "key": record["key"]}
        else:
            yield ENTRIES, "", table, record
    else:
        yield "other", f"{table}\0{key}", table, {"key": key, "record": record}


def build_from_file(
    path: Path,
    root: Path,
    schema: int,
    *,
    before_install: Callable[[], None] | None = None,
    counted: Counter[str] | None = None,
) -> list[str]:
    """Build the buckets of the single-file database at ``path`` (of ``schema``) as the data
    folder ``root``; returns the warnings. The buckets are built in a folder
    beside ``root`` that takes its name only when complete (``before_install`` runs just
    before). Raises :class:`CorruptDatabaseError` (the reason, without the file's name) or
    :class:`StoreError`."""
    try:
        work = Path(
            tempfile.mkdtemp(prefix=f".{root.name}.new-" if root else "sorot-", dir=root.parent if root else None)
        )
    except OSError as exc:
        raise StoreError(f"cannot convert {path}: {exc.strerror or exc}") from None
    try:
        spill = work / "spill"
        spill.mkdir()
        mark = source_mark(path)
        warnings: list[str] = []
        tables: Counter[str] = Counter()
        try:
            counts, tags, spelling = _spill(_records_of(path, schema, warnings, whole=False), spill, tables)
        except NotInLines:  # laid out otherwise after all: read whole (within its limit)
            shutil.rmtree(spill)
            spill.mkdir()
            warnings, tables = [], Counter()
            counts, tags, spelling = _spill(_records_of(path, schema, warnings, whole=True), spill, tables)
        if counted is not None:
            counted.update(tables)
        built = work / "built"
        built.mkdir(mode=0o700)
        for shelf in (*SHELVES, SCRATCH):
            (built / shelf).mkdir(mode=0o700)
        for shelf in SHELVES:
            depth = _depth(counts[shelf])
            groups: dict[str, list[Path]] = {}  # the spill files of each bucket (several, when shallow)
            for name in sorted(os.listdir(spill)):
                if name.startswith(shelf + "-"):
                    groups.setdefault(name[len(shelf) + 1 :][:depth], []).append(spill / name)
            for files in groups.values():
                _build_spilled(files, shelf, depth, built)
            for n in range(16**depth):  # every bucket of that depth exists, empty or not: found by a stat
                empty = built / shelf / bucket_name(f"{n:0{depth}x}" if depth else "")
                if not empty.exists():
                    _write_private(empty, serialise_database({}))
        _write_tags(built / TAGS_FILE, tags, spelling)
        _write_private(built / SOURCE_MARK, mark.encode("ascii"))
        shutil.rmtree(spill)
        _sync_tree(built)
        if before_install is not None:
            before_install()
        if os.path.lexists(root):  # a conversion cut short (checked by the caller): the same data
            os.rename(root, free_name(root, ".stale-" + datetime.now().strftime("%Y%m%d-%H%M%S")))
        os.rename(built, root)
        fsync_directory(root.parent)
        return warnings
    except OSError as exc:
        raise StoreError(f"cannot convert {path}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _depth(count: int) -> int:
    """How many hex digits name a shelf's buckets for ``count`` records: about half full."""
    depth = 0
    while count > SPLIT_AT // 2 * 16**depth and depth < MAX_DEPTH:
        depth += 1
    return depth


def _spill(
    records: Iterator[tuple[str, str, Any]], spill: Path, tables: Counter[str]
) -> tuple[Counter[str], Counter[str], dict[str, str]]:
    counts: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    buffers: dict[str, list[str]] = {}
    held = 0
    for table, key, record in records:
        if doc_id(key) is None:
            raise CorruptDatabaseError(
                f"is not a TinyDB database (a record id in {shown_table(table)} is not a number)"
            )
        if table != META:
            tables[table] += 1
        if table == ANNOTATIONS and is_annotation(record) and isinstance(record.get("tags"), list):
            for tag in dict.fromkeys(t for t in record["tags"] if isinstance(t, str) and t):
                tags[tag.casefold()] += 1
                spelling.setdefault(tag.casefold(), tag)
        for shelf, routing, name, placed in placements(table, key, record):
            routed = route_on(shelf, routing)
            counts[shelf] += 1
            line = f"{routed}\t{_encode(name)}\t{_encode(placed)}\n"
            buffers.setdefault(f"{shelf}-{routed[:_SPILL_DIGITS]}", []).append(line)
            held += len(line)
        if held > _SPILL_BUFFER:
            _flush(buffers, spill)
            held = 0
    _flush(buffers, spill)
    return counts, tags, spelling


def _flush(buffers: dict[str, list[str]], spill: Path) -> None:
    for name, lines in buffers.items():
        with open(spill / name, "a", encoding="ascii") as handle:
            handle.writelines(lines)
    buffers.clear()


def _build_spilled(spilled: list[Path], shelf: str, depth: int, built: Path) -> None:
    """Write the buckets whose records these spill files hold (each bucket written once)."""
    buckets: dict[str, dict[str, dict[str, Any]]] = {}
    for path in spilled:
        with open(path, encoding="ascii") as handle:
            for line in handle:
                routed, name, placed = line.rstrip("\n").split("\t", 2)
                tables = buckets.setdefault(routed[:depth], {})
                table = json.loads(name)
                record = json.loads(placed)
                records = tables.setdefault(table, {})
                if shelf == "other":
                    records[record["key"]] = record["record"]
                elif table == IDS:
                    records.setdefault(record["id"], {}).update(record)
                elif table == NAMED:
                    records[f"{record['sha256']}\0{record['path']}"] = record
                elif table == LINKS:
                    records[f"{record['link']}\0{record['feed']}\0{record['key']}"] = record
                else:
                    records[str(len(records) + 1)] = record
    for prefix, tables in buckets.items():
        for name in (IDS, NAMED, LINKS):
            if name in tables:
                tables[name] = {str(n): r for n, r in enumerate(tables[name].values(), start=1)}
        _write_private(built / shelf / bucket_name(prefix), serialise_database(tables))


def _write_tags(target: Path, tags: Counter[str], spelling: dict[str, str]) -> None:
    records = {
        str(n): {"tag": spelling[folded], "count": count}
        for n, (folded, count) in enumerate(sorted(tags.items()), start=1)
        if count > 0
    }
    _write_private(target, serialise_database({TAGS: records} if records else {}))


def _write_private(target: Path, data: bytes) -> None:
    """A new file only its owner reads (notes are private), whatever the umask."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "wb") as handle:
        handle.write(data)


def _sync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_directory(Path(folder))


# -- dumping ------------------------------------------------------------------------------------

_DUMPED = (ANNOTATIONS, POSITIONS, BOOKMARKS, DOCUMENTS, DELETED)


def dump(store: Store, out: IO[bytes]) -> dict[str, int]:
    """Every table of ``store`` as one single-file database (schema 1) written to ``out``."""
    counts: Counter[str] = Counter()
    try:  # in the database's tmp/ (its disk, swept at opening), else the system's temporary folder
        scratch = tempfile.TemporaryDirectory(prefix=".dump-", suffix=".tmp", dir=_near(store))
    except OSError:
        scratch = tempfile.TemporaryDirectory(prefix="sorot-dump-")
    with scratch as work:
        parts: dict[str, IO[bytes]] = {}

        def put(table: str, record: Any) -> None:
            part = parts.get(table)
            if part is None:
                part = parts[table] = open(Path(work) / f"{len(parts)}.part", "w+b")  # noqa: SIM115 - closed below
            counts[table] += 1
            prefix = b"" if counts[table] == 1 else b",\n"
            part.write(prefix + f'"{counts[table]}":'.encode() + _strict_json(_plain(record)).encode("ascii"))

        try:
            for table in _DUMPED:  # in this order, whatever the buckets hold
                parts[table] = open(Path(work) / f"{table}.part", "w+b")  # noqa: SIM115 - closed below
            for _, index in store._scan("docs"):
                for table in (ANNOTATIONS, POSITIONS, BOOKMARKS, DELETED):
                    for record in index.tables.get(table, {}).values():
                        put(table, record)
            for _, index in store._scan("paths"):
                for record in index.tables.get(DOCUMENTS, {}).values():
                    put(DOCUMENTS, record)
            for shelf in (FEEDS, ENTRIES):  # subscriptions and read state (the link lookups are rebuilt)
                for _, index in store._scan(shelf):
                    for record in index.tables.get(shelf, {}).values():
                        put(shelf, record)
            for _, index in store._scan(IDS):
                for record in index.tables.get(IDS, {}).values():
                    if isinstance(record, dict) and "deleted" in record and not record.get("sha256"):
                        put(DELETED, {"id": record["id"], "deleted": record["deleted"]})
            for _, index in store._scan("other"):
                for table, records in sorted(index.tables.items()):
                    for record in records.values():
                        put(table, record)
            out.write(b'{\n"meta":{\n"1":' + _encode({"schema": SINGLE_FILE_SCHEMA}).encode() + b"\n}")
            for table, part in parts.items():
                out.write(b",\n" + _encode(table).encode("ascii") + b":{")
                if counts[table]:
                    out.write(b"\n")
                    part.seek(0)
                    shutil.copyfileobj(part, out)
                    out.write(b"\n}")
                else:
                    out.write(b"}")
            out.write(b"\n}\n")
        finally:
            for part in parts.values():
                part.close()
    return dict(counts)


_MARKS = {math.inf: "\x00sorot:1e999\x00", -math.inf: "\x00sorot:-1e999\x00"}


def _strict_json(value: Any) -> str:
    """JSON that every reader takes: a number too large for a float (read as infinity, as from
    ``1e999``) is written ``1e999`` again, not ``Infinity``; a NaN, which JSON has no number for,
    is ``null``."""
    text = _encode(value)
    if "Infinity" not in text and "NaN" not in text:
        return text
    text = _encode(_marked(value))
    return text.replace('"\\u0000sorot:1e999\\u0000"', "1e999").replace('"\\u0000sorot:-1e999\\u0000"', "-1e999")


def _marked(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else _MARKS[value]
    if isinstance(value, dict):
        return {key: _marked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_marked(item) for item in value]
    return value


def _plain(record: Any) -> Any:
    """A record as JSON has it (a damaged one kept as a value is that value)."""
    return record.value if isinstance(record, _KeptValue) else record


def _near(store: Store) -> str | None:
    folder = store.data_path
    return str(folder / SCRATCH) if folder is not None else None
