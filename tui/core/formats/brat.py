"""brat standoff (``brat``): a directory of ``<name>.txt``/``<name>.ann`` pairs and brat's two configuration files.

Per document, the ``.txt`` is its text exactly (UTF-8, no byte order mark added, line ends as they
are) and the ``.ann`` holds text-bound annotations: the model's entities as the reader corrected
them (type: the label), then the reader's highlights (``Highlight_<colour>``, or ``Highlight`` for
none or a colour Sorot does not know) and notes (``Note``). brat reads a ``.txt`` as UTF-8 with no
newline translation and counts offsets in code points, as Python indexes a string, so the offsets
are the text's own. A passage is cut into brat's discontinuous fragments wherever it crosses a
line end (any form: CR, LF, U+2028, NEL, VT, FF...), a tab or a control character, edge spaces
trimmed: brat splits ``.ann`` lines on every line end, and no ``.ann`` line carries a raw control
character (the fragments' text is the text's own, as brat checks).

Notes and tags become ``AnnotatorNotes``, one line each: a line end in a note (CRLF counts as one)
is written ``⏎`` (U+23CE), a tab a space, other control characters as the reader shows them
(``␛``); then `` [tags: "a", "b"]`` (each tag a JSON string, so a comma or quote inside one is
unambiguous) and, for a highlight in a colour Sorot does not know, `` [colour: "merah"]``. An
entity correction's note goes on the entity it made. Type names keep only ``A-Za-z0-9_-`` (any
other character becomes ``_``).

``annotation.conf`` lists every type used and, since notes, highlights and entities share, nest
in and cross each other's spans, allows any overlap (``<OVERLAP>``). ``visual.conf`` draws each
type in the reader's colours: entity labels in the stylesheet's palette (``tui/ui/app.tcss``),
highlights in their colour. File names come from the document's file name or title, never its
path, and are made unique in the directory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from tui.core.annotations import Annotation, DocumentRef, Kind
from tui.core.document import inert
from tui.core.entities import LABEL_COLOURS, LABELS, OTHER_COLOUR
from tui.core.formats.base import DirectoryFormat, ExportError, ExportItem, Labels

BRAT_CONF = "annotation.conf"
BRAT_VISUAL = "visual.conf"

ENTITY_COLOURS = {**LABEL_COLOURS, "OTHER": OTHER_COLOUR}
"""The reader's entity colours (:data:`tui.core.entities.LABEL_COLOURS`); a label outside
``LABELS`` is drawn as ``OTHER``, as in the reader."""
HIGHLIGHT_COLOURS = {"yellow": "#facc15", "green": "#4ade80", "blue": "#60a5fa", "pink": "#f472b6", "orange": "#fb923c"}
"""The reader's highlight colours: pink and orange as its stylesheet gives them, yellow, green and
blue (the theme's warning, success and primary there) from the same palette."""
_HIGHLIGHT = Kind.HIGHLIGHT.display_name
_NOTE = Kind.NOTE.display_name

# Where a fragment ends: every line end str.splitlines knows (as brat reads an .ann), a tab, any
# other C0 or C1 control, DEL, and the bidirectional controls.
_CUT = "\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029\t\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_FRAGMENT = re.compile(f"[^{_CUT}]+")
_LINE_END = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
NOTE_LINE_BREAK = "⏎"
NOTE_COLOUR = "white"
"""A note is drawn as a plain box: the reader marks a note's passage with no colour."""


def write_brat(items: Sequence[ExportItem], directory: Path, labels: Labels = None) -> list[Path]:
    """``<name>.txt`` (the text) and ``<name>.ann`` (entities as corrected, the reader's highlights
    and notes, notes and tags as ``AnnotatorNotes``) per document, an ``annotation.conf`` and a
    ``visual.conf``."""
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} is a file: brat writes a directory")
    directory.mkdir(parents=True, exist_ok=True)
    used: set[str] = {name.rsplit(".", 1)[0] for name in (BRAT_CONF, BRAT_VISUAL)}
    types: dict[str, str] = {}
    written = []
    for item in items:
        assert item.text is not None
        name = _unique_name(_file_stem(item.document), used)
        txt, ann = directory / f"{name}.txt", directory / f"{name}.ann"
        txt.write_bytes(item.text.encode("utf-8"))
        ann.write_bytes(brat_standoff(item, labels, types).encode("utf-8", "replace"))
        written += [txt, ann]
    (directory / BRAT_CONF).write_text(annotation_conf(types), encoding="utf-8")
    (directory / BRAT_VISUAL).write_text(visual_conf(types), encoding="utf-8")
    return written


def brat_standoff(item: ExportItem, labels: Labels = None, types: dict[str, str] | None = None) -> str:
    """The ``.ann`` file of one document; the types it uses are added to ``types`` (type: colour)."""
    assert item.text is not None
    text = item.text
    types = {} if types is None else types
    lines: list[str] = []
    by_span: dict[tuple[int, int], str] = {}
    notes: list[tuple[str, str]] = []

    def textbound(kind: str, colour: str, start: int, end: int) -> str | None:
        fragments = _fragments(text, start, end)
        if not fragments:
            return None
        tid = f"T{len(lines) + 1}"
        by_span.setdefault((start, end), tid)
        types.setdefault(kind, colour)
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        covered = " ".join(text[s:e] for s, e in fragments)  # brat joins fragments with a space
        lines.append(f"{tid}\t{kind} {offsets}\t{covered}")
        return tid

    for ent in item.corrected(labels):
        colour = ENTITY_COLOURS[ent.label if ent.label in LABELS else "OTHER"]
        textbound(_brat_type(ent.label), colour, ent.start, ent.end)
    for ann in item.annotations:
        if ann.status == "orphaned" or ann.kind == Kind.ENTITY_REJECT:
            continue
        if ann.kind == Kind.HIGHLIGHT:
            known = ann.colour in HIGHLIGHT_COLOURS
            kind = f"{_HIGHLIGHT}_{ann.colour}" if known else _HIGHLIGHT
            tid = textbound(kind, HIGHLIGHT_COLOURS[ann.colour if known else "yellow"], ann.start, ann.end)
        elif ann.kind == Kind.NOTE:
            tid = textbound(_NOTE, NOTE_COLOUR, ann.start, ann.end)
        else:
            tid = by_span.get((ann.start, ann.end))  # the corrected entity carries the note
        remark = _remark(ann)
        if tid is not None and remark:
            notes.append((tid, remark))
    lines += [f"#{i}\tAnnotatorNotes {tid}\t{remark}" for i, (tid, remark) in enumerate(notes, 1)]
    return "".join(line + "\n" for line in lines)


def annotation_conf(types: dict[str, str]) -> str:
    """Every type as an entity; any two may share, contain or cross each other's spans."""
    return (
        "[entities]\n" + "".join(f"{t}\n" for t in types) + "\n[relations]\n"
        "# A note, a highlight and an entity may mark the same, nested or crossing passages.\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n"
    )


def visual_conf(types: dict[str, str]) -> str:
    """Each type's label (``Highlight (yellow)`` for a highlight colour) and colour."""
    labels = [f"{t} | {_label(t)}\n" for t in types]
    drawing = [f"{t}\tbgColor:{colour}\n" for t, colour in types.items()]
    return (
        "[labels]\n" + "".join(labels) + "\n[drawing]\n"
        "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\n"
        "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n" + "".join(drawing)
    )


def _label(kind: str) -> str:
    colour = kind.removeprefix(f"{_HIGHLIGHT}_")
    return f"{_HIGHLIGHT} ({colour})" if colour in HIGHLIGHT_COLOURS and colour != kind else kind


def one_line(note: str) -> str:
    """A note as one line of an ``.ann``: each line end (CRLF as one) ``⏎``, a tab a space, other
    control characters the reader's symbols."""
    return inert(_LINE_END.sub(NOTE_LINE_BREAK, note))


def _remark(ann: Annotation) -> str:
    parts = [one_line(ann.note.strip())] if ann.note.strip() else []
    if ann.tags:
        parts.append(f"[tags: {one_line(json.dumps(list(ann.tags), ensure_ascii=False)[1:-1])}]")
    if ann.kind == Kind.HIGHLIGHT and ann.colour and ann.colour not in HIGHLIGHT_COLOURS:
        parts.append(f"[colour: {one_line(json.dumps(ann.colour, ensure_ascii=False))}]")
    return " ".join(parts)


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut at line ends, tabs and control characters (brat's discontinuous form), each
    piece without edge spaces."""
    out = []
    for match in _FRAGMENT.finditer(text, start, end):
        s, e = match.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _brat_type(label: str) -> str:
    """A label as a brat type name: letters, digits, ``_`` and ``-`` (not all hyphens: a line of
    hyphens is a separator in brat's configuration)."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", label)
    return name if name.strip("-") else "ENTITY"


def _file_stem(document: DocumentRef) -> str:
    """A safe file name for a document: from its file name or title, never a path."""
    base = Path(document.path.replace("\\", "/")).stem if document.path else document.title
    safe = re.sub(r"[^\w.-]+", "_", base).strip("._")[:80]
    return safe or document.sha256[:12]


def _unique_name(stem: str, used: set[str]) -> str:
    name, n = stem, 2
    while name.casefold() in used:
        name, n = f"{stem}-{n}", n + 1
    used.add(name.casefold())
    return name


BRAT = DirectoryFormat(
    "brat",
    "brat standoff .txt/.ann pairs, in a directory",
    "",
    write_brat,
    needs_text=True,
    needs_entities=True,
    writes="a directory of .txt/.ann pairs",
    name_suffix="-brat",
)
