"""What every export format builds on: the :class:`Format` record and the :class:`ExportItem` bundles.

A format is one object: its name, what it writes (a text stream, a binary file or a directory:
:class:`TextFormat`, :class:`BinaryFormat`, :class:`DirectoryFormat`), what it needs of a
document (its text, the model's entities, entity corrections), its writer and, where annotations
can be read back from it, its :class:`~tui.core.formats.reading.Reader`.

Every writer takes :class:`ExportItem` bundles, one per document: its :class:`DocumentRef`, its
annotations as they anchor in the document's current text (see :func:`document_item`), the text
when it is available and, for the training formats and brat, the model's entities. Notes, tags,
quotes and titles are untrusted: each writer writes them as data and never interprets them.
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, ClassVar, cast

from tui.core.annotations import ENTITY_KINDS, Anchored, Annotation, DocumentRef, reanchor
from tui.core.corrections import corrected_entities
from tui.core.entities import Entity
from tui.core.formats.reading import DEFAULT_LIMITS, AnnotationImportError, ImportLimits, Reader, read_annotations

Labels = Collection[str] | None
"""The entity labels the training formats and brat keep (``None``: all of them)."""
Destination = IO[str] | IO[bytes] | str | os.PathLike[str]
"""Where a format writes: a text stream, a binary stream or path, a directory path."""
FormatOptions = Mapping[str, object]
"""Options of one format, by name, as the user gave them (``{"delimiter": ";"}`` for csv)."""
OptionCheck = Callable[[object], object]
"""One option of a format: turns the value given into what the writer takes (a keyword argument
of the same name), or raises :class:`ExportError` saying which values it takes."""
NO_OPTIONS: FormatOptions = MappingProxyType({})


class ExportError(Exception):
    """An export cannot be written as asked; the message is one line, fit to show the user."""


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

    def corrected(self, labels: Labels = None) -> list[Entity]:
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


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: documents and annotations, orphans among them, and what it skipped."""

    documents: int
    annotations: int
    orphans: int
    moved: int
    warnings: tuple[str, ...] = ()


def describe(document: DocumentRef) -> str:
    """How messages name a document: its path, else its title, else its hash."""
    return document.path or document.title or f"sha256:{document.sha256[:12]}"


# --- formats ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Format(ABC):
    """One export format: its name and description, the file extension it is given (``suffix``),
    what it needs of a document, and how it writes (:meth:`write`) and, with a ``reader``, reads.

    ``needs_text``: only documents whose text is available; ``needs_entities``: the model's
    entities too; ``needs_corrections``: only documents with entity corrections (training data).
    ``writes`` says what a format that is not text writes, for the messages that ask for a path.
    ``name_suffix`` ends a suggested file name, when it is not ``suffix``. ``file_bom``: a file
    (not standard output) starts with a byte order mark. ``aliases`` are other names for it.
    ``options`` are the options its writer takes, each by name with its check (:data:`OptionCheck`).
    """

    name: str
    description: str
    suffix: str
    _: KW_ONLY
    needs_text: bool = False
    needs_entities: bool = False
    needs_corrections: bool = False
    reader: Reader | None = None
    writes: str = "text"
    name_suffix: str | None = None
    file_bom: bool = False
    aliases: tuple[str, ...] = ()
    options: Mapping[str, OptionCheck] = field(default_factory=dict, hash=False)
    output: ClassVar[str] = "text"
    """``text`` (a stream), ``binary`` (a file or a binary stream) or ``directory`` (a path)."""

    @abstractmethod
    def write(
        self, items: Sequence[ExportItem], out: Destination, labels: Labels = None, options: FormatOptions = NO_OPTIONS
    ) -> None:
        """Write ``items`` (each one this format can take: :meth:`usable`) to ``out``, with
        ``options`` (checked by :meth:`check_options`)."""

    def check_options(self, options: FormatOptions) -> dict[str, object]:
        """``options`` as this format's writer takes them (keyword arguments); :class:`ExportError`
        names an option the format does not have, or a value the option does not take."""
        checked = {}
        for name, value in options.items():
            check = self.options.get(name)
            if check is None:
                takes = f" (it takes {', '.join(sorted(self.options))})" if self.options else ""
                raise ExportError(f"{self.name} has no {name} option{takes}")
            checked[name] = check(value)
        return checked

    def read(self, text: str, limits: ImportLimits = DEFAULT_LIMITS) -> list[Annotation]:
        """The annotations of ``text`` written in this format, every one checked before any is
        returned (:class:`AnnotationImportError` otherwise)."""
        if self.reader is None:
            raise AnnotationImportError([f"{self.name} cannot be read back"])
        return read_annotations(text, limits, (self.reader,))

    def default_name(self, stem: str = "sorot-annotations") -> str:
        """A file (or directory) name for an export in this format."""
        return stem + (self.name_suffix if self.name_suffix is not None else self.suffix)

    def usable(self, items: Iterable[ExportItem]) -> tuple[list[ExportItem], list[str]]:
        """The items this format can export, and a warning for each it must skip."""
        keep, warnings = [], []
        for item in items:
            name = describe(item.document)
            if self.needs_text and item.text is None:
                warnings.append(
                    f"{name}: skipped, its text is not at hand: no file where the reader read it holds it now "
                    "(open the article once in the reader, or export it with --doc FILE)"
                )
            elif self.needs_corrections and not item.has_corrections:
                warnings.append(f"{name}: skipped, it has no entity corrections")
            elif self.needs_entities and item.entities is None:
                warnings.append(f"{name}: skipped, the model's entities were not computed")
            else:
                keep.append(item)
        return keep, warnings

    def wants_entities(self, item: ExportItem) -> bool:
        """Whether exporting ``item`` needs the model's entities (so the caller runs the NLP only
        where it counts: training formats take only documents with entity corrections)."""
        if not self.needs_entities or item.text is None:
            return False
        return not self.needs_corrections or item.has_corrections


TextWriter = Callable[[Sequence[ExportItem], IO[str], Labels], None]
BinaryWriter = Callable[[Sequence[ExportItem], Labels], bytes]
DirectoryWriter = Callable[[Sequence[ExportItem], Path, Labels], object]
# A writer takes its format's options (Format.options) as keyword arguments with defaults, after these.


@dataclass(frozen=True, slots=True)
class TextFormat(Format):
    """A format written to a text stream."""

    writer: TextWriter

    def write(
        self, items: Sequence[ExportItem], out: Destination, labels: Labels = None, options: FormatOptions = NO_OPTIONS
    ) -> None:
        checked = self.check_options(options)
        if isinstance(out, (str, os.PathLike)):
            raise ExportError(f"{self.name} writes a text stream: give one, not a path")
        self.writer(items, cast(IO[str], out), labels, **checked)  # a text stream is told from a binary one only by use


@dataclass(frozen=True, slots=True)
class BinaryFormat(Format):
    """A format written whole as bytes, to a file or a binary stream."""

    writer: BinaryWriter
    output: ClassVar[str] = "binary"

    def write(
        self, items: Sequence[ExportItem], out: Destination, labels: Labels = None, options: FormatOptions = NO_OPTIONS
    ) -> None:
        data = self.writer(items, labels, **self.check_options(options))
        if isinstance(out, (str, os.PathLike)):
            Path(out).write_bytes(data)
        else:
            cast(IO[bytes], out).write(data)


@dataclass(frozen=True, slots=True)
class DirectoryFormat(Format):
    """A format written as files in a directory."""

    writer: DirectoryWriter
    output: ClassVar[str] = "directory"

    def write(
        self, items: Sequence[ExportItem], out: Destination, labels: Labels = None, options: FormatOptions = NO_OPTIONS
    ) -> None:
        checked = self.check_options(options)
        if not isinstance(out, (str, os.PathLike)):
            raise ExportError(f"{self.name} writes a directory: give its path")
        self.writer(items, Path(out), labels, **checked)


# --- helpers --------------------------------------------------------------------------------------


# JSON escapes the C0 controls but not DEL, the C1 controls (U+009B is a terminal's CSI), the
# line and paragraph separators (U+2028/9: a line end to some terminals and to JavaScript) or the
# bidirectional overrides; they can only stand inside strings, where their escapes read back the same.
_JSON_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in (0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
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
