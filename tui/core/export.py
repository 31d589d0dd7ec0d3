"""Annotations out to the formats other tools read, and back in from W3C JSON-LD and JSONL.

Every exporter takes :class:`ExportItem` bundles, one per document: its :class:`DocumentRef`,
its annotations as they anchor in the document's current text (see :func:`document_item`), the
text when it is available and, for the training formats and brat, the model's entities. The
formats (:data:`FORMATS`):

* ``w3c``: a W3C Web Annotation ``AnnotationCollection`` (JSON-LD, the model Hypothesis uses);
  Sorot's own fields ride along under the ``sorot:`` prefix, so nothing is lost on re-import;
* ``jsonl``: one stored annotation a line, every field;
* ``csv``: one row per annotation, for spreadsheets;
* ``md``: a Markdown report per document, annotations in reading order;
* ``spacy`` / ``prodigy``: training data, each document with the model's entities as the reader
  corrected them (:func:`tui.core.corrections.corrected_entities`);
* ``brat``: a directory of standoff ``.txt``/``.ann`` pairs plus ``annotation.conf``.

:func:`import_annotations` reads ``w3c`` and ``jsonl`` back, validating everything before it
returns anything. Notes, tags, quotes and titles are untrusted: they are written as data (escaped
for Markdown, neutralised as spreadsheet formulas) and never interpreted, and no control character
reaches a terminal that shows an export: the JSON formats escape them (``\u001b``), CSV and
Markdown show them as the reader's own symbols (``␛``; tabs and line breaks stay).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import urllib.parse
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tui.core.annotations import ENTITY_KINDS, Anchored, Annotation, DocumentRef, Kind, reanchor
from tui.core.corrections import corrected_entities
from tui.core.document import ArticleError, inert_lines, read_input
from tui.core.entities import Entity
from tui.core.nlp import LABEL_ALIASES

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SOROT_NS = "https://sorot.invalid/ns#"
"""The namespace of Sorot's own JSON-LD terms (``.invalid``: a name that never resolves)."""
CONTEXT: list[Any] = [W3C_CONTEXT, {"sorot": SOROT_NS}]

# For annotations made by other W3C tools, which carry no ``sorot:kind``.
_KIND_OF_MOTIVATION = {
    "highlighting": "highlight",
    "commenting": "note",
    "tagging": "highlight",
    "classifying": "entity-add",
    "editing": "note",
    "describing": "note",
    "replying": "note",
    "questioning": "note",
    "assessing": "note",
}
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
)
BRAT_CONF = "annotation.conf"
_MAX_LISTED_ERRORS = 5


class ExportError(Exception):
    """An export cannot be written as asked; the message is one line, fit to show the user."""


class AnnotationImportError(ValueError):
    """An import file is not valid; ``errors`` holds its first problems (``total`` counts them all),
    each naming its line or item."""

    def __init__(self, errors: Sequence[str], total: int | None = None) -> None:
        self.errors = list(errors)
        self.total = len(self.errors) if total is None else total
        shown = "; ".join(self.errors[:_MAX_LISTED_ERRORS])
        more = self.total - min(len(self.errors), _MAX_LISTED_ERRORS)
        super().__init__(shown + (f" (and {more:,} more problem{'s' * (more > 1)})" if more > 0 else ""))


@dataclass(frozen=True, slots=True)
class Format:
    """One export format: what it writes (a text stream, a binary file or a directory) and needs."""

    name: str
    description: str
    suffix: str
    output: str = "text"  # text | binary | directory
    needs_text: bool = False
    needs_entities: bool = False


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("w3c", "W3C Web Annotation JSON-LD (Hypothesis' model); re-importable", ".jsonld"),
        Format("jsonl", "one annotation per line, every stored field; re-importable", ".jsonl"),
        Format("csv", "a spreadsheet table, one row per annotation", ".csv"),
        Format("md", "a Markdown report per document", ".md"),
        Format("spacy", "spaCy DocBin of entity corrections (training data)", ".spacy", "binary", True, True),
        Format("prodigy", "Prodigy JSONL of entity corrections (training data)", ".jsonl", "text", True, True),
        Format("brat", "brat standoff .txt/.ann pairs, in a directory", "", "directory", True, True),
    )
}


def default_name(fmt: str, stem: str = "sorot-annotations") -> str:
    """A file (or, for brat, directory) name for an export in ``fmt``."""
    spec = FORMATS[fmt]
    if fmt == "prodigy":
        return f"{stem}.prodigy.jsonl"
    return stem + (spec.suffix or "-brat")


# --- what is exported ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One document's share of an export.

    ``annotations`` are in reading order, orphans last, each positioned in ``text`` when that is
    given (orphans keep their old selectors, with status ``orphaned``). ``entities`` are the
    model's, before the reader's corrections; ``None`` when they were not computed.
    """

    document: DocumentRef
    annotations: tuple[Annotation, ...]
    text: str | None = None
    entities: tuple[Entity, ...] | None = None
    moved: int = 0

    @property
    def orphans(self) -> list[Annotation]:
        return [a for a in self.annotations if a.status == "orphaned"]

    @property
    def has_corrections(self) -> bool:
        return any(a.kind in ENTITY_KINDS and a.status != "orphaned" for a in self.annotations)

    def corrected(self, labels: Collection[str] | None = None) -> list[Entity]:
        """The model's entities with the reader's corrections applied (only ``labels``, if given)."""
        found = corrected_entities(self.entities or (), self.annotations, self.text)
        return [e for e in found if labels is None or e.label in labels]

    def with_entities(self, entities: Iterable[Entity]) -> ExportItem:
        return replace(self, entities=tuple(entities))


def document_item(
    text: str,
    document: DocumentRef,
    annotations: Iterable[Annotation],
    entities: Iterable[Entity] | None = None,
) -> ExportItem:
    """Bundle a document whose text is at hand: ``annotations`` (of any version of it) are
    re-anchored in ``text`` and re-pointed at it; those not found are kept as orphans."""
    exported = []
    moved = 0
    for anchored in reanchor(annotations, text):
        moved += anchored.status == "moved"
        exported.append(_as_exported(anchored, text, document))
    return ExportItem(
        document, _reading_order(exported), text, tuple(entities) if entities is not None else None, moved
    )


def stored_item(document: DocumentRef, annotations: Iterable[Annotation]) -> ExportItem:
    """Bundle a document whose text is not available: its annotations as stored."""
    return ExportItem(document, _reading_order(annotations))


def _as_exported(anchored: Anchored, text: str, document: DocumentRef) -> Annotation:
    """The annotation as it anchors in ``text``.

    ``moved`` is kept once recorded, so that exporting what an import of this export stored
    gives the same output.
    """
    ann = anchored.annotation
    if anchored.orphaned:
        return replace(ann, status="orphaned")
    if ann.document.sha256 == document.sha256 and (anchored.start, anchored.end) == (ann.start, ann.end):
        return replace(ann, status="moved" if ann.status == "moved" else "ok")
    return anchored.rebased(text, document)


def _reading_order(annotations: Iterable[Annotation]) -> tuple[Annotation, ...]:
    return tuple(sorted(annotations, key=lambda a: (a.status == "orphaned", a.start, a.end, a.created, a.id)))


def wants_entities(fmt: str, item: ExportItem) -> bool:
    """Whether exporting ``item`` in ``fmt`` needs the model's entities (so the caller runs the
    NLP only where it counts: training formats take only documents with entity corrections)."""
    spec = FORMATS[fmt]
    if not spec.needs_entities or item.text is None:
        return False
    return fmt == "brat" or item.has_corrections


# --- dispatch -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: documents and annotations, orphans among them, and what it skipped."""

    documents: int
    annotations: int
    orphans: int
    moved: int
    warnings: tuple[str, ...] = ()


def usable_items(fmt: str, items: Iterable[ExportItem]) -> tuple[list[ExportItem], list[str]]:
    """The items ``fmt`` can export, and a warning for each it must skip."""
    spec = FORMATS[fmt]
    keep, warnings = [], []
    for item in items:
        name = describe(item.document)
        if spec.needs_text and item.text is None:
            warnings.append(f"{name}: skipped, its text is not available (moved or deleted?)")
        elif fmt in ("spacy", "prodigy") and not item.has_corrections:
            warnings.append(f"{name}: skipped, it has no entity corrections")
        elif spec.needs_entities and item.entities is None:
            warnings.append(f"{name}: skipped, the model's entities were not computed")
        else:
            keep.append(item)
    return keep, warnings


def export(
    fmt: str,
    items: Iterable[ExportItem],
    out: IO[str] | IO[bytes] | str | os.PathLike[str],
    *,
    labels: Collection[str] | None = None,
) -> ExportResult:
    """Write ``items`` in ``fmt`` to ``out``: a text stream for the text formats, a binary stream
    (or path) for ``spacy``, a directory path for ``brat``. ``labels`` limits the entities the
    training formats and brat write (e.g. to the NER's own PERSON, ORG, LOC)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    kept, warnings = usable_items(fmt, items)
    if labels is not None:
        labels = {LABEL_ALIASES.get(label, label) for label in labels}
    if fmt == "w3c":
        write_w3c(kept, out)  # type: ignore[arg-type]
    elif fmt == "jsonl":
        write_jsonl(kept, out)  # type: ignore[arg-type]
    elif fmt == "csv":
        write_csv(kept, out)  # type: ignore[arg-type]
    elif fmt == "md":
        write_markdown(kept, out)  # type: ignore[arg-type]
    elif fmt == "prodigy":
        write_prodigy(kept, out, labels)  # type: ignore[arg-type]
    elif fmt == "spacy":
        data = spacy_bytes(kept, labels)
        if isinstance(out, (str, os.PathLike)):
            Path(out).write_bytes(data)
        else:
            out.write(data)  # type: ignore[arg-type]
    else:
        if not isinstance(out, (str, os.PathLike)):
            raise ExportError("brat writes a directory: give its path")
        write_brat(kept, Path(out), labels)
    annotations = [a for item in kept for a in item.annotations]
    return ExportResult(
        documents=len(kept),
        annotations=len(annotations),
        orphans=sum(a.status == "orphaned" for a in annotations),
        moved=sum(item.moved for item in kept),
        warnings=tuple(warnings),
    )


def describe(document: DocumentRef) -> str:
    """How messages name a document: its path, else its title, else its hash."""
    return document.path or document.title or f"sha256:{document.sha256[:12]}"


# --- W3C Web Annotation -------------------------------------------------------------------------


def annotation_iri(ident: str) -> str:
    """``urn:uuid:`` for Sorot's ids (UUID hex); other ids are kept whole in a ``urn:sorot:`` IRI."""
    try:
        parsed = uuid.UUID(ident)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.hex == ident:
        return f"urn:uuid:{parsed}"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", ident):
        return ident  # already an IRI (an annotation made by another tool)
    return "urn:sorot:annotation:" + urllib.parse.quote(ident, safe="")


def _id_from_iri(iri: str) -> str:
    if iri.startswith("urn:uuid:"):
        try:
            return uuid.UUID(iri[9:]).hex
        except ValueError:
            return iri
    if iri.startswith("urn:sorot:annotation:"):
        return urllib.parse.unquote(iri[21:])
    return iri


def source_iri(document: DocumentRef) -> str:
    """The target's ``source``: a ``file:`` IRI for an absolute path, else ``urn:sha256:``."""
    if document.path and os.path.isabs(document.path):
        try:
            return Path(document.path).as_uri()
        except ValueError:
            pass
    return f"urn:sha256:{document.sha256}"


def to_w3c(ann: Annotation) -> dict[str, Any]:
    """One annotation as a W3C Web Annotation (without ``@context``: the collection carries it)."""
    body: list[dict[str, str]] = []
    if ann.note:
        body.append({"type": "TextualBody", "value": ann.note, "format": "text/plain", "purpose": "commenting"})
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in ann.tags]
    if ann.label:
        body.append({"type": "TextualBody", "value": ann.label, "purpose": "classifying"})
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": ann.quote.exact}
    if ann.quote.prefix:
        quote["prefix"] = ann.quote.prefix
    if ann.quote.suffix:
        quote["suffix"] = ann.quote.suffix
    target: dict[str, Any] = {
        "source": source_iri(ann.document),
        "selector": [quote, {"type": "TextPositionSelector", "start": ann.start, "end": ann.end}],
        "sorot:sha256": ann.document.sha256,
    }
    if ann.document.path:
        target["sorot:path"] = ann.document.path
    if ann.document.title:
        target["sorot:title"] = ann.document.title
    out: dict[str, Any] = {"id": annotation_iri(ann.id), "type": "Annotation", "motivation": Kind(ann.kind).motivation}
    if ann.created:
        out["created"] = ann.created
    if ann.updated:
        out["modified"] = ann.updated
    if body:
        out["body"] = body
    out["target"] = target
    out["sorot:kind"] = ann.kind
    if ann.colour:
        out["sorot:colour"] = ann.colour
    out["sorot:status"] = ann.status
    return out


def w3c_collection(annotations: Sequence[Annotation]) -> dict[str, Any]:
    """An ``AnnotationCollection`` with every annotation on its one embedded page."""
    return {
        "@context": CONTEXT,
        "type": "AnnotationCollection",
        "label": "Sorot annotations",
        "total": len(annotations),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": [to_w3c(a) for a in annotations]},
    }


def write_w3c(items: Iterable[ExportItem], out: IO[str]) -> None:
    out.write(json_text(w3c_collection([a for item in items for a in item.annotations]), indent=2) + "\n")


# --- JSONL, CSV, Markdown -----------------------------------------------------------------------


def write_jsonl(items: Iterable[ExportItem], out: IO[str]) -> None:
    for item in items:
        for ann in item.annotations:
            out.write(json_text(ann.to_dict()) + "\n")


def write_csv(items: Iterable[ExportItem], out: IO[str]) -> None:
    """RFC 4180 CSV (``\\r\\n`` rows; quoted as needed); cells that a spreadsheet would run as a
    formula (starting ``= + - @``) get a leading ``'``, the spreadsheets' own mark for text."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        for a in item.annotations:
            cells = {
                "document": a.document.path or f"sha256:{a.document.sha256}",
                "title": a.document.title,
                "quote": a.quote.exact,
                "note": a.note,
                "tags": ", ".join(a.tags),
                "label": a.label,
                "kind": a.kind,
                "created": a.created,
                "updated": a.updated,
                "status": a.status,
                "id": a.id,
            }
            row = {k: _cell(v) for k, v in cells.items()}
            writer.writerow([a.start if c == "start" else a.end if c == "end" else row[c] for c in CSV_COLUMNS])


def _cell(value: str) -> str:
    # A cell may hold tabs and line breaks (LF or CSV's own CRLF); any other control character is
    # shown as its symbol, so a CSV read in a terminal sets no title and no clipboard.
    value = "\r\n".join(inert_lines(part) for part in value.split("\r\n"))
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_markdown(items: Iterable[ExportItem], out: IO[str]) -> None:
    """A report per document: title, source, then each annotation in reading order."""
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
            heading = Kind(ann.kind).display_name
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


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_MD_LIST_NUMBER = re.compile(r"^(\d+)([.)])")


def _md_line(text: str) -> str:
    """One line of untrusted text as literal Markdown: specials escaped, nothing starts a block,
    control characters shown as symbols."""
    text = _MD_SPECIAL.sub(r"\\\1", inert_lines(text.strip()))
    if text[:1] in ("+", "-", "="):
        return "\\" + text
    return _MD_LIST_NUMBER.sub(r"\1\\\2", text)


def _md_block(text: str, prefix: str = "") -> str:
    """Untrusted text as literal Markdown paragraphs, its line breaks kept (``\\`` hard breaks)."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip("\n")) if p.strip()]
    blocks = []
    for paragraph in paragraphs:
        lines = [_md_line(line) for line in paragraph.split("\n") if line.strip()]
        blocks.append("\\\n".join(prefix + line for line in lines))
    return f"\n{prefix.rstrip()}\n".join(blocks)


# --- training data: spaCy and Prodigy -------------------------------------------------------------


def training_doc(vocab: Vocab, text: str, entities: Sequence[Entity], tokenizer: Callable[[str], Doc]) -> Doc:
    """A spaCy ``Doc`` of ``text`` (exactly) with ``entities`` set and every other token ``O``.

    The text is tokenized between entity boundaries, so every entity falls on whole tokens
    however the tokenizer would have cut it ("Jakarta-based" gives "Jakarta" its own token).
    """
    from spacy.tokens import Doc

    spans = []
    for ent in entities:
        start, end = ent.start, ent.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end, ent.label))
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    words: list[str] = []
    spaces: list[bool] = []
    for a, b in zip(cuts, cuts[1:]):
        if a > 0 and text[a] == " " and words and not spaces[-1]:
            spaces[-1] = True  # the space after the previous piece's last word, as spaCy has it
            a += 1
        if a < b:
            for token in tokenizer(text[a:b]):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
    doc = Doc(vocab, words=words, spaces=spaces)
    ents = [doc.char_span(s, e, label=label) for s, e, label in spans]
    doc.set_ents([e for e in ents if e is not None], default="outside")
    return doc


def _tokenizer(vocab: Vocab) -> Callable[[str], Doc]:
    from tui.core.nlp.tokenizer import SorotTokenizer

    return SorotTokenizer.for_vocab(vocab)


def training_docs(items: Iterable[ExportItem], labels: Collection[str] | None = None) -> Iterator[Doc]:
    """One ``Doc`` per document, its entities as corrected; ``user_data["sorot"]`` names its source."""
    from spacy.vocab import Vocab

    vocab = Vocab()
    tokenizer = _tokenizer(vocab)
    for item in items:
        assert item.text is not None
        doc = training_doc(vocab, item.text, item.corrected(labels), tokenizer)
        doc.user_data["sorot"] = item.document.to_dict()
        yield doc


def spacy_bytes(items: Iterable[ExportItem], labels: Collection[str] | None = None) -> bytes:
    """A DocBin (``.spacy``) of the documents with their corrected entities, for ``spacy train``."""
    from spacy.tokens import DocBin

    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for doc in training_docs(items, labels):
        docbin.add(doc)
    return docbin.to_bytes()


def write_prodigy(items: Iterable[ExportItem], out: IO[str], labels: Collection[str] | None = None) -> None:
    """Prodigy tasks, one document a line: ``text``, ``tokens``, ``spans`` and ``answer``
    ``accept`` (the reader reviewed the entities), as ``ner.manual`` and ``db-in`` read them."""
    items = list(items)
    for item, doc in zip(items, training_docs(items, labels)):
        tokens = [
            {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
            for t in doc
        ]
        spans = [
            {
                "start": e.start_char,
                "end": e.end_char,
                "token_start": e.start,
                "token_end": e.end - 1,
                "label": e.label_,
                "text": e.text,
            }
            for e in doc.ents
        ]
        task = {
            "text": item.text,
            "tokens": tokens,
            "spans": spans,
            "answer": "accept",
            "meta": {"source": describe(item.document), "title": item.document.title, "sha256": item.document.sha256},
        }
        out.write(json_text(task) + "\n")


# --- brat standoff --------------------------------------------------------------------------------

_BRAT_ONE_LINE = re.compile(r"[\r\n\t\v\f\x1c-\x1e\x85\u2028\u2029]+")


def write_brat(items: Iterable[ExportItem], directory: Path, labels: Collection[str] | None = None) -> list[Path]:
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


def brat_standoff(item: ExportItem, labels: Collection[str] | None = None, types: dict[str, None] | None = None) -> str:
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
        if ann.status == "orphaned" or ann.kind == "entity-reject":
            continue
        if ann.kind in ("highlight", "note"):
            tid = textbound(Kind(ann.kind).display_name, ann.start, ann.end)
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


# --- import ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """What one import accepts: each limit refuses the file with a one-line reason naming it.

    ``annotations``: how many annotations one file may hold; ``text_chars``: the longest note,
    quote (and its context), title, path or other text of an annotation, and of its tags
    together; ``depth``: how deeply the JSON may nest (Sorot's own exports nest 7 deep);
    ``int_digits``: the longest number. ``None`` lifts the first two (:meth:`lifted`), for a
    backup bigger than the defaults. The last two guard the parser and keep a limit always: no
    export comes near them, and Python's parser cannot go past :data:`MAX_DEPTH` and
    :data:`MAX_INT_DIGITS`.
    """

    annotations: int | None = 100_000
    text_chars: int | None = 100_000
    depth: int = 64
    int_digits: int = 100

    def __post_init__(self) -> None:
        for name in ("annotations", "text_chars", "depth", "int_digits"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"the {name} limit must be at least 1")
        if self.depth > MAX_DEPTH or self.int_digits > MAX_INT_DIGITS:
            raise ValueError(f"depth is at most {MAX_DEPTH} and int_digits at most {MAX_INT_DIGITS}")

    def lifted(self) -> ImportLimits:
        """No limit on the number of annotations or the length of their texts (a full backup)."""
        return replace(self, annotations=None, text_chars=None)


MAX_DEPTH = 500
"""The deepest nesting an import can allow: deeper would run into Python's recursion limit."""
MAX_INT_DIGITS = 4300
"""The longest number an import can allow: Python's own limit on converting digits to an int."""
DEFAULT_LIMITS = ImportLimits()
MAX_IMPORT_BYTES = 256 * 1024 * 1024
"""The largest file an import reads by default (256 MB: about 200,000 annotations as W3C JSON-LD,
450,000 as JSON Lines); ``sorot import --max-size`` changes it, ``--no-limits`` lifts it."""
_KEPT_ERRORS = 100  # problems kept for the message; the rest are counted
_LIFT = "--no-limits lifts it"


def import_annotations(
    source: str | os.PathLike[str], limits: ImportLimits = DEFAULT_LIMITS, max_bytes: int = MAX_IMPORT_BYTES
) -> list[Annotation]:
    """Read annotations from ``w3c`` JSON-LD or ``jsonl``: a path (``os.PathLike``) or the text itself.

    The form is detected: a W3C annotation, a list of them, an ``AnnotationCollection`` or
    ``AnnotationPage`` with embedded items, or JSON Lines (each line a Sorot record or a W3C
    annotation). Everything is checked before anything is returned; problems raise
    :class:`AnnotationImportError` naming each bad ``line N`` or ``item N``. ``limits`` bound
    what the file may hold (see :class:`ImportLimits`); a file over ``max_bytes`` is not read.
    """
    if isinstance(source, os.PathLike):
        path = Path(source)
        try:
            data = read_input(path, max_bytes)
        except ArticleError as exc:
            raise AnnotationImportError([str(exc)]) from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnnotationImportError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
        del data  # the text is all that is needed from here: do not hold the file twice
        return parse_annotations(text, limits)
    return parse_annotations(source, limits)


def parse_annotations(text: str, limits: ImportLimits = DEFAULT_LIMITS) -> list[Annotation]:
    """:func:`import_annotations` on text.

    Annotations are decoded and checked one at a time, so the memory an import takes follows
    what the limits let through: a file holding more annotations than ``limits.annotations`` is
    refused when the first one too many is reached, before the rest of it is read.
    """
    text = text.lstrip("\ufeff")
    if not text or text.isspace():
        raise AnnotationImportError(["no annotations: the input is empty"])
    found = _Found(limits)
    reader = _DocumentReader(text, limits, found)
    try:
        end = reader.read_first()
    except json.JSONDecodeError as exc:
        raise AnnotationImportError([f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]) from None
    if _WS.match(text, end).end() < len(text):
        return _parse_jsonl(text, limits)  # more after the first value: JSON Lines, each line on its own
    return found.result()


def _parse_jsonl(text: str, limits: ImportLimits) -> list[Annotation]:
    """One annotation a line, each decoded and checked on its own; a bad line does not stop the
    others from being checked, so every problem is named at once."""
    found = _Found(limits)
    most = limits.annotations
    if most is not None and text.count("\n") >= most and sum(1 for _ in islice(_lines(text), most + 1)) > most:
        raise _too_many(most)  # counting lines is cheap: a file far over the limit is not parsed at all
    decoder = _decoder(limits)
    for n, line in _lines(text):
        found.arrived()
        try:
            value = decoder.decode(line)
            _check_depth(value, line, 0, len(line), 0, limits)
        except json.JSONDecodeError as exc:
            found.problem(f"line {n}: not valid JSON ({exc.msg} at column {exc.colno})")
        except RecursionError:
            found.problem(f"line {n}: {_too_deep(limits)}")
        except _Unreadable as exc:
            found.problem(f"line {n}: {exc}")
        else:
            found.take(f"line {n}", value, len(line))
    return found.result()


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of ``text`` that are not blank, with their numbers (one line copied at a time)."""
    start, n = 0, 0
    while start < len(text):
        stop = text.find("\n", start)
        stop = len(text) if stop == -1 else stop
        line = text[start:stop]
        start, n = stop + 1, n + 1
        if line and not line.isspace():
            yield n, line


def _too_many(limit: int) -> AnnotationImportError:
    return AnnotationImportError(
        [f"more than {limit:,} annotations (the limit of one import: --max-annotations N raises it, {_LIFT})"]
    )


class _Found:
    """The annotations read so far, counted against the limit, and the problems met."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.annotations: list[Annotation] = []
        self.errors: list[str] = []
        self.problems = 0
        self.count = 0

    def arrived(self) -> int:
        """One more annotation is about to be read: its number, or the whole import is refused."""
        self.count += 1
        limit = self.limits.annotations
        if limit is not None and self.count > limit:
            raise _too_many(limit)
        return self.count

    def take(self, label: str, value: Any, source_chars: int) -> None:
        """Check and keep the annotation ``value``, decoded from ``source_chars`` characters of JSON."""
        try:
            annotation = annotation_from_json(value)
            if self.limits.text_chars is not None and source_chars > self.limits.text_chars:
                # (A JSON string is never shorter than its text: a shorter item needs no check.)
                _check_texts(annotation, self.limits.text_chars)
        except ValueError as exc:
            self.problem(f"{label}: {exc}")
        else:
            self.annotations.append(annotation)

    def problem(self, message: str) -> None:
        self.problems += 1
        if len(self.errors) < _KEPT_ERRORS:
            self.errors.append(message)

    def failure(self) -> AnnotationImportError:
        return AnnotationImportError(self.errors, self.problems)

    def result(self) -> list[Annotation]:
        if self.problems:
            raise self.failure()
        return self.annotations


_WS = re.compile(r"[ \t\n\r]*")
_STREAMED = object()  # stands for an ``items`` array whose annotations went one by one to :class:`_Found`


class _DocumentReader:
    """Reads one JSON document of annotations without building it whole.

    The containers (a list of annotations; a collection, its pages and their ``items``) are walked
    here, and each annotation in them is decoded on its own by the C decoder and handed to
    :class:`_Found` at once: the count limit stops the reading at the first annotation too many,
    and no tree of the whole file is ever built. Any other value is decoded whole.
    """

    def __init__(self, text: str, limits: ImportLimits, found: _Found) -> None:
        self.text = text
        self.limits = limits
        self.found = found
        self.scan = _decoder(limits).scan_once

    def read_first(self) -> int:
        """Read the first JSON value of the text; where it ends."""
        text = self.text
        i = _WS.match(text, 0).end()
        if text.startswith("[", i):
            return self._items(i, 1)
        if not text.startswith("{", i):
            value, end = self._field(i, 0)
            if _WS.match(text, end).end() == len(text):
                raise AnnotationImportError([f"expected annotations, found a JSON {type(value).__name__}"])
            return end
        data, end = self._object(i, 1)
        if _WS.match(text, end).end() < len(text):
            return end  # JSON Lines: the caller starts again line by line
        if not self._is_container(data):
            self._annotation(i, data)
            return end
        types = _types(data)
        first = data.get("first")
        if "AnnotationCollection" in types and first is not None and not isinstance(first, dict):
            raise AnnotationImportError(["the collection's pages are not embedded (first is a link): cannot import"])
        return end

    def _is_container(self, data: Mapping[str, Any]) -> bool:
        types = _types(data)
        return (
            "AnnotationCollection" in types
            or "AnnotationPage" in types
            or data.get("items") is _STREAMED
            or isinstance(data.get("first"), dict)
        )

    def _object(self, i: int, depth: int, page: int = 0) -> tuple[dict[str, Any], int]:
        """The object at ``i`` with its ``items`` read one by one and its ``first``/``next`` pages walked."""
        text = self.text
        if depth > self.limits.depth:
            raise AnnotationImportError([f"line {self._line(i)}: {_too_deep(self.limits)}"])
        data: dict[str, Any] = {}
        i = _WS.match(text, i + 1).end()
        if text.startswith("}", i):
            return data, i + 1
        while True:
            if not text.startswith('"', i):
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, i)
            key, i = self._field(i, depth)
            i = _WS.match(text, i).end()
            if not text.startswith(":", i):
                raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
            i = _WS.match(text, i + 1).end()
            if key == "items" and text.startswith("[", i):
                i = self._items(i, depth + 1)
                data[key] = _STREAMED
            elif key in ("first", "next") and text.startswith("{", i):
                data[key], i = self._object(i, depth + 1, page + 1)
            else:
                data[key], i = self._field(i, depth)
            i = _WS.match(text, i).end()
            if text.startswith(",", i):
                i = _WS.match(text, i + 1).end()
            elif text.startswith("}", i):
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
        if "items" in data and data["items"] is not _STREAMED:
            raise AnnotationImportError([f"page {max(page, 1)}: items must be a list"])
        if isinstance(data.get("next"), str):
            raise AnnotationImportError(["the collection's next page is a link, not embedded: cannot import"])
        return data, i + 1

    def _items(self, i: int, depth: int) -> int:
        """The array of annotations at ``i``, each decoded and checked as it comes; where it ends."""
        text = self.text
        if depth > self.limits.depth:
            raise AnnotationImportError([f"line {self._line(i)}: {_too_deep(self.limits)}"])
        i = _WS.match(text, i + 1).end()
        if text.startswith("]", i):
            return i + 1
        while True:
            n = self.found.arrived()
            try:
                value, end = self._value(i, depth)
            except _Unreadable as exc:
                # Where this item ends is unknown, so the reading stops here.
                self.found.problem(f"item {n} (line {self._line(i)}): {exc}")
                raise self.found.failure() from None
            self.found.take(f"item {n}", value, end - i)
            i = _WS.match(text, end).end()
            if text.startswith(",", i):
                i = _WS.match(text, i + 1).end()
            elif text.startswith("]", i):
                return i + 1
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)

    def _annotation(self, i: int, data: dict[str, Any]) -> None:
        """A document that is one annotation."""
        self.found.arrived()
        self.found.take("item 1", data, len(self.text) - i)

    def _value(self, i: int, depth: int) -> tuple[Any, int]:
        """Any JSON value at ``i``, decoded whole, inside ``depth`` levels of containers."""
        try:
            value, end = self.scan(self.text, i)
        except StopIteration as exc:
            raise json.JSONDecodeError("Expecting value", self.text, exc.value) from None
        except RecursionError:
            raise _Unreadable(_too_deep(self.limits)) from None
        _check_depth(value, self.text, i, end, depth, self.limits)
        return value, end

    def _field(self, i: int, depth: int) -> tuple[Any, int]:
        """A value outside the annotations (a key, a type, a total): a problem in it ends the import."""
        try:
            return self._value(i, depth)
        except _Unreadable as exc:
            raise AnnotationImportError([f"line {self._line(i)}: {exc}"]) from None

    def _line(self, i: int) -> int:
        return self.text.count("\n", 0, i) + 1


class _Unreadable(ValueError):
    """A value refused before it is used: a number too long, or nesting too deep."""


def _decoder(limits: ImportLimits) -> json.JSONDecoder:
    """A JSON decoder that refuses numbers longer than the limit before converting them (Python's own
    limit would stop a 5,000-digit one with a message about ``sys.set_int_max_str_digits``)."""
    most = limits.int_digits

    def parse_int(digits: str) -> int:
        length = len(digits) - digits.startswith("-")
        if length > most:
            raise _Unreadable(
                f"a number {length:,} digits long (more than {most:,} digits: --max-int-digits N raises it)"
            )
        return int(digits)

    return json.JSONDecoder(parse_int=parse_int)


def _too_deep(limits: ImportLimits) -> str:
    levels = f"{limits.depth} level{'s' * (limits.depth != 1)}"
    if limits.depth >= MAX_DEPTH:
        return f"nested more than {levels} deep (the most an import can read)"
    return f"nested more than {levels} deep (--max-depth N raises it, up to {MAX_DEPTH})"


def _check_depth(value: Any, text: str, start: int, end: int, depth: int, limits: ImportLimits) -> None:
    """Refuse ``value`` (``text[start:end]``, inside ``depth`` containers) if it nests past the limit."""
    room = limits.depth - depth
    if end - start <= room or text.count("[", start, end) + text.count("{", start, end) <= room:
        return  # fewer brackets than levels left: cannot be too deep (counting is fast; walking is not)
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > room:
            raise _Unreadable(_too_deep(limits))
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))


def _check_texts(ann: Annotation, limit: int | None) -> None:
    """Refuse an annotation whose note, quote or other text is longer than ``limit`` characters."""
    if limit is None:
        return
    lengths = (
        ("its note", len(ann.note)),
        ("its quote", len(ann.quote.exact)),
        ("the text before its quote", len(ann.quote.prefix)),
        ("the text after its quote", len(ann.quote.suffix)),
        ("its tags together", sum(len(tag) or 1 for tag in ann.tags)),
        ("its label", len(ann.label)),
        ("its colour", len(ann.colour)),
        ("its id", len(ann.id)),
        ("its document's path", len(ann.document.path)),
        ("its document's title", len(ann.document.title)),
        ("its document's sha256", len(ann.document.sha256)),
        ("its created time", len(ann.created)),
        ("its updated time", len(ann.updated)),
    )
    for what, length in lengths:
        if length > limit:
            raise ValueError(
                f"{what} is {length:,} characters long (more than {limit:,}: --max-text-chars N raises it, {_LIFT})"
            )


def _types(data: Mapping[str, Any]) -> list[str]:
    value = data.get("type", data.get("@type", []))
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if value else []


def annotation_from_json(item: Any) -> Annotation:
    """One annotation from a Sorot record (``jsonl``) or a W3C annotation; ``ValueError`` says why not.
    Its times are given as Sorot writes them (:func:`_utc_time`): the newest version of an
    annotation wins an import, and that is told by comparing them."""
    if not isinstance(item, dict):
        raise ValueError(f"expected an annotation object, found a JSON {type(item).__name__}")
    if "target" in item or "Annotation" in _types(item):
        ann = from_w3c(item)
    elif {"document", "position", "quote", "kind"} & item.keys():
        ann = Annotation.from_dict(item)
    else:
        raise ValueError("neither a W3C annotation (no target) nor a Sorot annotation (no document)")
    created, updated = _utc_time(ann.created, "created"), _utc_time(ann.updated, "updated")
    return ann if (created, updated) == (ann.created, ann.updated) else replace(ann, created=created, updated=updated)


def _utc_time(value: str, name: str) -> str:
    """An imported time (ISO 8601, any offset; none is UTC) as Sorot writes times: UTC, to the
    millisecond, ``2025-01-31T08:15:02.123Z``, so that they compare as text in time order
    ("...:23Z" was later than "...:23.394Z", and "zzz" later than any time). Empty stays empty."""
    if not value:
        return value
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise ValueError(f"{name} {shown!r} is not a date and time (ISO 8601)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_w3c(item: Mapping[str, Any]) -> Annotation:
    """Parse a W3C Web Annotation (as :func:`to_w3c` writes, or from another tool that points at
    a Sorot document by ``sorot:sha256`` or a ``urn:sha256:`` source)."""
    types = _types(item)
    if types and "Annotation" not in types:
        raise ValueError(f"type is {', '.join(types)}, not Annotation")
    ident = item.get("id", item.get("@id"))
    if ident is None:
        # No id: derive one from the content, so that importing the file again adds nothing.
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=True)
        ident = uuid.uuid5(uuid.NAMESPACE_URL, "sorot:" + hashlib.sha256(canonical.encode()).hexdigest()).hex
    elif not isinstance(ident, str) or not ident:
        raise ValueError("id must be a non-empty string")
    else:
        ident = _id_from_iri(ident)
    target = item.get("target")
    if isinstance(target, list):
        if len(target) != 1:
            raise ValueError(f"has {len(target)} targets; Sorot annotations have one")
        target = target[0]
    if not isinstance(target, dict):
        raise ValueError("target must be an object with a source and selectors")
    source = target.get("source", "")
    if isinstance(source, dict):
        source = source.get("id", "")
    if not isinstance(source, str):
        raise ValueError("target source must be an IRI")
    sha = _sorot(target, "sha256")
    if not sha and source.startswith("urn:sha256:"):
        sha = source[len("urn:sha256:") :]
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise ValueError(f"target {source or '(no source)'} names no Sorot document (sorot:sha256 or urn:sha256:)")
    path = _sorot(target, "path")
    if path is None and source.startswith("file:"):
        path = urllib.parse.unquote(urllib.parse.urlparse(source).path)
    quote, position = _selectors(target.get("selector"))
    note, tags, label = _bodies(item)
    kind = _sorot(item, "kind") or _kind_from(item.get("motivation"), label)
    record = {
        "id": ident,
        "document": {"sha256": sha, "path": path or "", "title": _sorot(target, "title") or ""},
        "kind": kind,
        "position": position,
        "quote": quote,
        "note": note,
        "tags": tags,
        "label": label,
        "colour": _sorot(item, "colour") or "",
        "created": item.get("created") or "",
        "updated": item.get("modified") or "",
        "status": _sorot(item, "status") or "ok",
    }
    return Annotation.from_dict(record)


def _sorot(data: Mapping[str, Any], term: str) -> Any:
    """A Sorot term, compact (``sorot:kind``) or expanded (the full IRI)."""
    value = data.get(f"sorot:{term}", data.get(SOROT_NS + term))
    if value is not None and not isinstance(value, str):
        raise ValueError(f"sorot:{term} must be a string")
    return value


def _selectors(value: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    selectors = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    quote = next((s for s in selectors if isinstance(s, dict) and "TextQuoteSelector" in _types(s)), None)
    position = next((s for s in selectors if isinstance(s, dict) and "TextPositionSelector" in _types(s)), None)
    if quote is None or position is None:
        raise ValueError("target needs a TextQuoteSelector and a TextPositionSelector")
    for key in ("exact", "prefix", "suffix"):
        if not isinstance(quote.get(key, ""), str):
            raise ValueError(f"TextQuoteSelector {key} must be a string")
    return (
        {"exact": quote.get("exact", ""), "prefix": quote.get("prefix", ""), "suffix": quote.get("suffix", "")},
        {"start": position.get("start"), "end": position.get("end")},
    )


def _bodies(item: Mapping[str, Any]) -> tuple[str, list[str], str]:
    """Note (commenting), tags (tagging) and label (classifying) from the bodies."""
    raw = item.get("body", [])
    bodies = raw if isinstance(raw, list) else [raw]
    if isinstance(item.get("bodyValue"), str):
        bodies.append({"value": item["bodyValue"], "purpose": "commenting"})
    notes, tags, labels = [], [], []
    for n, body in enumerate(bodies, 1):
        if isinstance(body, str):
            continue  # a linked resource (a tag IRI, a web page): nothing Sorot can keep
        if not isinstance(body, dict):
            raise ValueError(f"body {n} must be an object")
        value = body.get("value")
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"body {n}: value must be a string")
        purpose = body.get("purpose", "commenting")
        if purpose == "tagging":
            tags.append(value)
        elif purpose == "classifying":
            labels.append(value)
        else:
            notes.append(value)
    if len(labels) > 1:
        raise ValueError("more than one classifying body")
    return "\n\n".join(notes), tags, labels[0] if labels else ""


def _kind_from(motivation: Any, label: str) -> str:
    """The kind of an annotation from another tool, by its (first known) motivation."""
    motivations = motivation if isinstance(motivation, list) else [motivation]
    for m in motivations:
        m = m.removeprefix("oa:") if isinstance(m, str) else ""
        if m == "editing" and label:
            return "entity-relabel"
        if m in _KIND_OF_MOTIVATION:
            return _KIND_OF_MOTIVATION[m]
    return "note"


# --- helpers --------------------------------------------------------------------------------------


# JSON escapes the C0 controls but not DEL, the C1 controls (U+009B is a terminal's CSI) or the
# bidirectional overrides; they can only stand inside strings, where their escapes read back the same.
_JSON_ESCAPES = {
    code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def json_text(data: Any, indent: int | None = None) -> str:
    """JSON with readable non-ASCII but every control character escaped (the output may be read in
    a terminal); all ASCII when the text holds lone surrogates UTF-8 cannot carry."""
    text = json.dumps(data, ensure_ascii=False, indent=indent).translate(_JSON_ESCAPES)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, indent=indent)
    return text


def render(fmt: str, items: Iterable[ExportItem], *, labels: Collection[str] | None = None) -> tuple[str, ExportResult]:
    """A text format's whole output as a string (for the UI's preview and for atomic writes)."""
    if fmt in FORMATS and FORMATS[fmt].output != "text":
        raise ExportError(f"{fmt} is not a text format")
    buffer = io.StringIO(newline="")
    result = export(fmt, items, buffer, labels=labels)
    return buffer.getvalue(), result
