"""brat standoff (``brat``): a directory of ``<name>.txt``/``<name>.ann`` pairs and an ``annotation.conf``.

Per document, the ``.txt`` is its text exactly and the ``.ann`` holds text-bound annotations: the
model's entities as the reader corrected them, then the reader's highlights and notes, a passage
across lines cut into brat's discontinuous fragments; notes and tags become ``AnnotatorNotes``,
each on one line. File names come from the document's file name or title, never its path, and are
made unique in the directory; ``annotation.conf`` lists every entity type used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from tui.core.annotations import DocumentRef, Kind
from tui.core.formats.base import DirectoryFormat, ExportError, ExportItem, Labels

BRAT_CONF = "annotation.conf"
_BRAT_ONE_LINE = re.compile(r"[\r\n\t\v\f\x1c-\x1e\x85\u2028\u2029]+")


def write_brat(items: Sequence[ExportItem], directory: Path, labels: Labels = None) -> list[Path]:
    """``<name>.txt`` (the text) and ``<name>.ann`` (entities as corrected, the reader's highlights
    and notes, notes and tags as ``AnnotatorNotes``) per document, and an ``annotation.conf``."""
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} is a file: brat writes a directory")
    directory.mkdir(parents=True, exist_ok=True)
    used: set[str] = {BRAT_CONF.rsplit(".", 1)[0]}
    types: dict[str, None] = {}
    written = []
    for item in items:
        assert item.text is not None
        name = _unique_name(_file_stem(item.document), used)
        txt, ann = directory / f"{name}.txt", directory / f"{name}.ann"
        txt.write_bytes(item.text.encode("utf-8"))
        ann.write_bytes(brat_standoff(item, labels, types).encode("utf-8", "replace"))
        written += [txt, ann]
    conf = "[entities]\n" + "".join(f"{t}\n" for t in types) + "\n[relations]\n\n[events]\n\n[attributes]\n"
    (directory / BRAT_CONF).write_text(conf, encoding="utf-8")
    return written


def brat_standoff(item: ExportItem, labels: Labels = None, types: dict[str, None] | None = None) -> str:
    """The ``.ann`` file of one document; the entity types it uses are added to ``types``."""
    assert item.text is not None
    text = item.text
    types = {} if types is None else types
    lines: list[str] = []
    by_span: dict[tuple[int, int], str] = {}
    notes: list[tuple[str, str]] = []

    def textbound(kind: str, start: int, end: int) -> str | None:
        fragments = _fragments(text, start, end)
        if not fragments:
            return None
        tid = f"T{len(lines) + 1}"
        by_span.setdefault((start, end), tid)
        types.setdefault(kind, None)
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        covered = " ".join(text[s:e] for s, e in fragments)
        lines.append(f"{tid}\t{kind} {offsets}\t{_BRAT_ONE_LINE.sub(' ', covered)}")
        return tid

    for ent in item.corrected(labels):
        textbound(_brat_type(ent.label), ent.start, ent.end)
    for ann in item.annotations:
        if ann.status == "orphaned" or ann.kind == Kind.ENTITY_REJECT:
            continue
        kind = Kind.of(ann.kind)
        if not kind.corrects_entities:
            tid = textbound(kind.display_name, ann.start, ann.end)
        else:
            tid = by_span.get((ann.start, ann.end))  # the corrected entity carries the note
        remark = _BRAT_ONE_LINE.sub(" ", ann.note + (f" [tags: {', '.join(ann.tags)}]" if ann.tags else "")).strip()
        if tid is not None and remark:
            notes.append((tid, remark))
    lines += [f"#{i}\tAnnotatorNotes {tid}\t{remark}" for i, (tid, remark) in enumerate(notes, 1)]
    return "".join(line + "\n" for line in lines)


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut at line breaks (brat's discontinuous form), each piece without edge spaces."""
    out = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + match.start(), start + match.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _brat_type(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", label) or "ENTITY"


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
