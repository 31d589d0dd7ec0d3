"""What a file given to ``sorot import`` is when it is not an export Sorot reads back.

Only ``w3c`` (JSON-LD) and ``jsonl`` exports are imported. The files people give it instead are
told by their first bytes: Sorot's other exports (CSV by its header line, a Markdown report by
its first heading, brat's ``.ann`` and ``.conf`` files, a Prodigy task file, a spaCy ``DocBin``)
and databases (a dump, the database file itself, SQLite), so that the error names what the file
is rather than where its JSON broke. Nothing here reads more than the start of the file.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from pathlib import Path

from tui.core.formats.tabular import CSV_COLUMNS

IMPORTED = "Sorot imports w3c (JSON-LD) and jsonl exports only"
"""What the message about a file that is not such an export ends with."""
HEAD_BYTES = 4096
"""How much of a file's start tells what it is."""

# TinyDB's file: an object of tables, each an object of records by number (Sorot's tables).
_DATABASE = re.compile(rb'\s*\{\s*"(meta|annotations|positions|bookmarks|documents|deleted)"\s*:\s*\{')
_CSV_SEPARATORS = re.compile(r"[,;\t|]")
_BRAT_LINE = re.compile(r"(T\d+\t\S+ \d+ \d+|[REAMN]\d+\t\S|#\d+\tAnnotatorNotes\t|\*\t\S)")
_BRAT_SECTIONS = ("[entities]", "[relations]", "[events]", "[attributes]", "[labels]", "[drawing]", "[options]")
_MAX_PARSED = 1_000_000  # a longer first line is not decoded to tell what it is
_PRODIGY_KEYS = ("spans", "answer", "accept", "_input_hash", "_task_hash", "tokens")


def what_file_is(head: bytes, first_line: str = "") -> str | None:
    """What a file that failed to import is (``a CSV export``, ``a database dump``), from its
    first bytes ``head`` and its first line (whole, for a JSON line longer than ``head``);
    None when it is none of the files Sorot knows."""
    if head.startswith(b"SQLite format 3\x00"):
        return "an SQLite database"
    if _is_docbin(head):
        return "a spaCy DocBin (training data)"
    if _DATABASE.match(head) and b'"schema"' in head:
        # A database file names the folder its data lives in; a dump holds the data itself.
        return "an annotation database" if b'"data"' in head.split(b"}", 1)[0] else "a database dump"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    first = lines[0]
    cells = [cell.strip('"') for cell in _CSV_SEPARATORS.split(first)]
    if cells[:3] == list(CSV_COLUMNS[:3]):
        return "a CSV export"
    if first.startswith("# ") or first == "#":
        return "a Markdown report" if any(line.startswith("- Source: ") for line in lines) else "a Markdown file"
    if _BRAT_LINE.match(text.lstrip("\ufeff")):
        return "a brat annotation file (.ann)"
    if first in _BRAT_SECTIONS:
        return "a brat configuration file"
    if _is_prodigy_task(first_line or first):
        return "a Prodigy task file"
    return None


def what_directory_is(path: str | os.PathLike[str]) -> str | None:
    """What a directory given to import is: a brat export (its ``annotation.conf``), or None."""
    try:
        return "a brat export (a directory)" if (Path(path) / "annotation.conf").is_file() else None
    except OSError:
        return None


def _is_docbin(head: bytes) -> bool:
    """A spaCy ``DocBin``: zlib-compressed msgpack whose first keys are its version and attrs."""
    if len(head) < 2 or head[0] & 0x0F != 8 or (head[0] << 8 | head[1]) % 31:
        return False
    try:
        start = zlib.decompressobj().decompress(head, 64)
    except zlib.error:
        return False
    return b"attrs" in start and (b"version" in start or b"tokens" in start)


def _is_prodigy_task(line: str) -> bool:
    """A Prodigy task: a JSON object with a ``text`` and its spans or answer, and none of the
    fields of a Sorot or W3C annotation."""
    if not line.startswith("{"):
        return False
    if len(line) > _MAX_PARSED:
        return line.startswith('{"text":')  # as Sorot's own Prodigy export writes it
    try:
        task = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(task, dict)
        and isinstance(task.get("text"), str)
        and any(key in task for key in _PRODIGY_KEYS)
        and not any(key in task for key in ("document", "target", "@context"))
    )
