"""Tables and reports for people: ``csv`` (one row per annotation, for spreadsheets) and ``md`` (a
Markdown report per document, annotations in reading order).

Notes, tags, quotes and titles are untrusted. In CSV a cell that a spreadsheet would run as a
formula gets a leading ``'`` (:mod:`defusedcsv`), and the tags are a JSON array, since a tag may
hold any character; in Markdown every special character is escaped, so the text renders as the
characters it is. In both, no control character reaches a terminal that shows the export: each is
shown as the reader's own symbol (``␛``; tabs and line breaks stay).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import IO, Any

from defusedcsv import csv as defused  # type: ignore[import-untyped]

from tui.core.annotations import Kind
from tui.core.document import inert_lines
from tui.core.formats.base import ExportError, ExportItem, Labels, TextFormat, describe, json_text

CSV_COLUMNS = (
    "document",
    "title",
    "quote",
    "note",
    "tags",
    "label",
    "kind",
    "start",
    "end",
    "created",
    "updated",
    "status",
    "id",
    # Added after the first release: at the end, so a sheet that reads columns by position still works.
    "colour",
    "prefix",
    "suffix",
    "sha256",
)

DELIMITERS = {",": ",", ";": ";", "\t": "\t", "tab": "\t"}
"""The cell separators ``csv`` takes (``delimiter`` option; ``tab`` names the tab): a comma, or the
semicolon that spreadsheets in locales with a decimal comma (Indonesian among them) expect."""


def csv_delimiter(value: object) -> str:
    """The ``delimiter`` option of ``csv``: ``,`` ``;`` or a tab; :class:`ExportError` otherwise."""
    if isinstance(value, str) and value in DELIMITERS:
        return DELIMITERS[value]
    raise ExportError(f"--delimiter {value!r}: give , or ; or tab")


def write_csv(items: Sequence[ExportItem], out: IO[str], labels: Labels = None, *, delimiter: str = ",") -> None:
    """RFC 4180 CSV (``\\r\\n`` rows; quoted as needed; ``delimiter`` between cells): one row per
    annotation (``labels``: no entities here).

    ``tags`` is a JSON array (``["Trump, Donald", "korupsi"]``): a tag may hold any character, so
    no separator could be told from one inside a tag. ``prefix`` and ``suffix`` are the quote's
    context, ``sha256`` the text's hash. A cell that a spreadsheet would run as a formula gets a
    leading ``'``, the spreadsheets' own mark for text (see :func:`_cell`).
    """
    writer = defused.writer(out, delimiter=csv_delimiter(delimiter), lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        for a in item.annotations:
            cells: dict[str, str | int] = {
                "document": a.document.path or f"sha256:{a.document.sha256}",
                "title": a.document.title,
                "quote": a.quote.exact,
                "note": a.note,
                "tags": json_text(list(a.tags)),
                "label": a.label,
                "kind": a.kind,
                "start": a.start,
                "end": a.end,
                "created": a.created,
                "updated": a.updated,
                "status": a.status,
                "id": a.id,
                "colour": a.colour,
                "prefix": a.quote.prefix,
                "suffix": a.quote.suffix,
                "sha256": a.document.sha256,
            }
            writer.writerow([_cell(v) if isinstance(v, str) else v for v in (cells[c] for c in CSV_COLUMNS)])


def _cell(value: str) -> str:
    """A text cell before :mod:`defusedcsv` writes it. defusedcsv marks a cell starting ``= + - @ |
    %`` as text with a leading ``'`` (and escapes its ``|``, which DDE reads), but leaves a number
    such as ``-5`` as it is; a cell starting with a tab or a CR, OWASP's other formula starts, is
    marked here. A cell may hold tabs and line breaks (LF or CSV's own CRLF); any other control
    character is shown as its symbol, so a CSV read in a terminal sets no title and no clipboard."""
    value = "\r\n".join(inert_lines(part) for part in value.split("\r\n"))
    return "'" + value if value[:1] in ("\t", "\r") else value


def write_markdown(items: Sequence[ExportItem], out: IO[str], labels: Labels = None) -> None:
    """A report per document: title, source, then each annotation in reading order (``labels``: no
    entities here)."""
    for n, item in enumerate(items):
        if n:
            out.write("\n---\n\n")
        doc = item.document
        anns = item.annotations
        out.write(f"# {_md_line(doc.title or describe(doc))}\n\n")
        out.write(f"- Source: {_md_line(doc.path) if doc.path else 'sha256 ' + doc.sha256}\n")
        orphans = len(item.orphans)
        summary = f"{len(anns)} annotation{'s' * (len(anns) != 1)}"
        out.write(f"- {summary}" + (f", {orphans} orphaned" if orphans else "") + "\n")
        for i, ann in enumerate(anns, 1):
            heading = Kind.of(ann.kind).display_name
            if ann.label:
                heading += f": {_md_line(ann.label)}"
            where = "(orphaned)" if ann.status == "orphaned" else f"· characters {ann.start}–{ann.end}"
            out.write(f"\n## {i}. {heading} {where}\n\n")
            if ann.status == "orphaned":
                out.write("*Not found in the current text; quoted as it was.*\n\n")
            out.write(_md_block(ann.quote.exact, "> ") + "\n")
            if ann.note.strip():
                out.write("\n" + _md_block(ann.note) + "\n")
            if ann.tags:
                out.write("\nTags: " + ", ".join(f"*{_md_line(t)}*" for t in ann.tags) + "\n")


# Escaped by hand, not by mdformat's renderer: its text escaping is for CommonMark, so a GitHub table
# ("a | b" over "--- | ---"), ~~strikethrough~~ and linked addresses come through it, and it folds tabs
# and runs of spaces. tests/core/test_markdown_report.py parses the output with markdown-it-py instead.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_MD_LIST_NUMBER = re.compile(r"^(\d+)([.)])")


# Every form of line end CommonMark or a terminal knows: CRLF, CR and LF, and the Unicode ones.
_LINE_END = re.compile("\r\n|[\r\n\v\f\x85\u2028\u2029]")
# What GitHub's link detection links: an address after a scheme or www. (markdown-it's, which also
# links bare domains and e-mail addresses, is asked of linkify-it, its own detector: see _links).
_BARE_URL = re.compile(r"(?i)\b(?:(?:https?|ftp)://|www\.)[^\s<>`]+")


def _md_line(text: str) -> str:
    """One line of untrusted text as literal Markdown: specials escaped, nothing starts a block (a
    line break is a space), control characters shown as symbols, and whatever a renderer's link
    detection would link written as code (shown, never a link)."""
    text = inert_lines(_LINE_END.sub(" ", text).strip())
    pieces, last = [], 0
    for start, end in _links(text):
        pieces.append(_MD_SPECIAL.sub(r"\\\1", text[last:start]))
        pieces.append(_code_span(text[start:end]))
        last = end
    pieces.append(_MD_SPECIAL.sub(r"\\\1", text[last:]))
    text = "".join(pieces)
    if text[:1] in ("+", "-", "="):
        return "\\" + text
    return _MD_LIST_NUMBER.sub(r"\1\\\2", text)


def _links(text: str) -> list[tuple[int, int]]:
    """Where in ``text`` a Markdown renderer with link detection would make a link: GitHub's rule
    (``_BARE_URL``) and markdown-it's (linkify-it finds ``contoh.co.id``, ``nama@contoh.id``,
    ``mailto:`` too), overlapping spans merged."""
    found = sorted([m.span() for m in _BARE_URL.finditer(text)] + [(m.index, m.last_index) for m in _linkify(text)])
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@cache
def _linkifier() -> Any:
    from linkify_it import LinkifyIt  # type: ignore[import-untyped]  # loaded on the first Markdown export

    return LinkifyIt()


def _linkify(text: str) -> list[Any]:
    return (_linkifier().match(text) or []) if any(c in text for c in ".:@") else []


def _code_span(text: str) -> str:
    """``text`` as a CommonMark code span, which no renderer makes a link: fenced by one backtick
    more than its longest run of them, padded when it starts or ends with one."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_block(text: str, prefix: str = "") -> str:
    """Untrusted text as literal Markdown paragraphs, its line breaks kept (``\\`` hard breaks);
    every form of line end is one ("Judul palsu\\r===" forges no heading)."""
    text = _LINE_END.sub("\n", text)
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip("\n")) if p.strip()]
    blocks = []
    for paragraph in paragraphs:
        lines = [_md_line(line) for line in paragraph.split("\n") if line.strip()]
        blocks.append("\\\n".join(prefix + line for line in lines))
    return f"\n{prefix.rstrip()}\n".join(blocks)


CSV = TextFormat(
    "csv",
    "a spreadsheet table, one row per annotation",
    ".csv",
    write_csv,
    file_bom=True,  # a spreadsheet opening a UTF-8 CSV file needs the byte order mark to read it as UTF-8
    options={"delimiter": csv_delimiter},
)
MARKDOWN = TextFormat("md", "a Markdown report per document", ".md", write_markdown)
