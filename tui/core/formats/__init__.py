"""Annotations out to the formats other tools read, and back in from those that can be read back.

Each format is one :class:`Format` object, defined in the module of its family, carrying its
writer and, where it has one, its reader; :data:`FORMATS` lists them by name, in the order the
CLI and the export dialog offer them:

* ``w3c`` (:mod:`.w3c`; also ``jsonld``): a W3C Web Annotation ``AnnotationCollection`` (JSON-LD,
  the model Hypothesis uses); Sorot's own fields ride along under the ``sorot:`` prefix, so
  nothing is lost on re-import;
* ``jsonl`` (:mod:`.jsonl`): one stored annotation a line, every field;
* ``csv`` and ``md`` (:mod:`.tabular`): one row per annotation, for spreadsheets; a Markdown
  report per document, annotations in reading order;
* ``spacy`` and ``prodigy`` (:mod:`.training`): training data, each document with the model's
  entities as the reader corrected them;
* ``brat`` (:mod:`.brat`): a directory of standoff ``.txt``/``.ann`` pairs, ``annotation.conf`` and
  ``visual.conf``.

:mod:`.displacy` writes one article's entities (not saved annotations) for spaCy's displaCy: the
data of ``sorot extract --format displacy`` and the page of ``--format html``.

:func:`export` writes :class:`ExportItem` bundles (:func:`document_item`, :func:`stored_item`) in
one of them. :func:`import_annotations` reads every format that has a reader (``w3c`` and
``jsonl``), the form detected, validating everything before it returns anything
(:mod:`.reading`). Notes, tags, quotes and titles are untrusted: they are written as data (escaped
for Markdown, neutralised as spreadsheet formulas) and never interpreted, and no control character
reaches a terminal that shows an export: the JSON formats escape them (``\u001b``), CSV and
Markdown show them as the reader's own symbols (``␛``; tabs and line breaks stay).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tui.core.annotations import Annotation
from tui.core.document import ArticleError, read_input
from tui.core.formats.base import (
    NO_OPTIONS,
    BinaryFormat,
    Destination,
    DirectoryFormat,
    ExportError,
    ExportItem,
    ExportResult,
    Format,
    FormatOptions,
    Labels,
    OptionCheck,
    TextFormat,
    describe,
    document_item,
    json_text,
    stored_item,
)
from tui.core.formats.brat import BRAT
from tui.core.formats.displacy import write_displacy_json, write_displacy_page
from tui.core.formats.jsonl import JSONL
from tui.core.formats.reading import (
    DEFAULT_LIMITS,
    MAX_DEPTH,
    MAX_IMPORT_BYTES,
    MAX_INT_DIGITS,
    AnnotationImportError,
    ImportLimits,
    Reader,
    read_annotations,
)
from tui.core.formats.reading import annotation_from_json as _annotation_from
from tui.core.formats.tabular import CSV, MARKDOWN
from tui.core.formats.training import PRODIGY, SPACY, SPLITS
from tui.core.formats.w3c import W3C
from tui.core.nlp import LABEL_ALIASES

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "MAX_DEPTH",
    "MAX_IMPORT_BYTES",
    "MAX_INT_DIGITS",
    "NO_OPTIONS",
    "READERS",
    "SPLITS",
    "AnnotationImportError",
    "BinaryFormat",
    "Destination",
    "DirectoryFormat",
    "ExportError",
    "ExportItem",
    "ExportResult",
    "Format",
    "FormatOptions",
    "ImportLimits",
    "Labels",
    "OptionCheck",
    "Reader",
    "TextFormat",
    "annotation_from_json",
    "canonical_name",
    "check_options",
    "describe",
    "document_item",
    "export",
    "format_named",
    "import_annotations",
    "json_text",
    "parse_annotations",
    "render",
    "stored_item",
    "write_displacy_json",
    "write_displacy_page",
]

FORMATS: dict[str, Format] = {f.name: f for f in (W3C, JSONL, CSV, MARKDOWN, SPACY, PRODIGY, BRAT)}
"""Every export format by name, in the order they are offered."""
READERS: tuple[Reader, ...] = tuple(f.reader for f in FORMATS.values() if f.reader is not None)
"""The readers of the formats that can be read back: an import tries them in this order."""
_BY_ALIAS = {alias: f for f in FORMATS.values() for alias in f.aliases}


def format_named(name: str) -> Format:
    """The format called ``name`` (or one of its aliases); :class:`ExportError` if there is none."""
    found = FORMATS.get(name) or _BY_ALIAS.get(name)
    if found is None:
        raise ExportError(f"unknown format {name!r} (choose one of {', '.join(FORMATS)})")
    return found


def canonical_name(name: str) -> str:
    """``name``, or the format it is an alias of (an unknown name is given back as it is)."""
    found = _BY_ALIAS.get(name)
    return found.name if found is not None else name


def check_options(fmt: str | Format, options: FormatOptions = NO_OPTIONS) -> Format:
    """The format ``fmt`` names, if it takes every one of ``options`` with its value; else
    :class:`ExportError`, naming the formats that take an option this one does not (``--split
    applies to prodigy only, not to spacy``) or the values an option takes."""
    spec = format_named(fmt) if isinstance(fmt, str) else fmt
    for name in options:
        if name not in spec.options:
            takers = [f.name for f in FORMATS.values() if name in f.options]
            where = f"applies to {', '.join(takers)} only" if takers else "is not an option of any format"
            raise ExportError(f"--{name} {where}, not to {spec.name}")
    spec.check_options(options)
    return spec


def export(
    fmt: str | Format,
    items: Iterable[ExportItem],
    out: Destination,
    *,
    labels: Labels = None,
    options: FormatOptions = NO_OPTIONS,
) -> ExportResult:
    """Write ``items`` in ``fmt`` to ``out``: a text stream for the text formats, a binary stream
    (or path) for ``spacy``, a directory path for ``brat``. ``labels`` limits the entities the
    training formats and brat write (e.g. to the NER's own PERSON, ORG, LOC); ``options`` are the
    format's own (:attr:`Format.options`: ``delimiter`` for csv, ``split`` for prodigy,
    ``reviewed`` for spacy and prodigy), and one it does not have, or a value it does not take, is
    an :class:`ExportError` (:func:`check_options`) before anything is written."""
    spec = check_options(fmt, options)
    kept, warnings = spec.usable(items)
    if labels is not None:
        labels = {LABEL_ALIASES.get(label, label) for label in labels}
    spec.write(kept, out, labels, options)
    annotations = [a for item in kept for a in item.annotations]
    return ExportResult(
        documents=len(kept),
        annotations=len(annotations),
        orphans=sum(a.status == "orphaned" for a in annotations),
        moved=sum(item.moved for item in kept),
        warnings=tuple(warnings),
    )


def render(
    fmt: str | Format, items: Iterable[ExportItem], *, labels: Labels = None, options: FormatOptions = NO_OPTIONS
) -> tuple[str, ExportResult]:
    """A text format's whole output as a string (for the UI's preview and for atomic writes)."""
    spec = format_named(fmt) if isinstance(fmt, str) else fmt
    if spec.output != "text":
        raise ExportError(f"{spec.name} is not a text format")
    buffer = io.StringIO(newline="")
    result = export(spec, items, buffer, labels=labels, options=options)
    return buffer.getvalue(), result


def annotation_from_json(item: Any) -> Annotation:
    """One annotation from a decoded JSON object of any format that can be read back (a Sorot
    record, a W3C annotation); ``ValueError`` says why not."""
    return _annotation_from(item, READERS)


def parse_annotations(text: str, limits: ImportLimits = DEFAULT_LIMITS) -> list[Annotation]:
    """:func:`import_annotations` on text.

    Annotations are decoded and checked one at a time, so the memory an import takes follows
    what the limits let through: a file holding more annotations than ``limits.annotations`` is
    refused when the first one too many is reached, before the rest of it is read.
    """
    return read_annotations(text, limits, READERS)


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
