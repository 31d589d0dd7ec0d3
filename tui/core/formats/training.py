"""Training data: ``spacy`` (a DocBin for ``spacy train``) and ``prodigy`` (JSON Lines tasks).

Each document with entity corrections becomes one example: its text exactly, with the model's
entities as the reader corrected them (:func:`tui.core.corrections.corrected_entities`). The text
is tokenized by Sorot's own tokenizer between entity (and rejection, and sentence) boundaries,
so every span falls on whole tokens. ``labels`` keeps only the entity labels asked for (e.g. the
NER's own PERSON, ORG, LOC). spaCy is imported only when one of these is written: exporting any
other format never loads it.

What counts as reviewed: a span the reader added or relabelled is known to be its label, a span
the reader rejected is known to be no entity. Nothing else was looked at for certain, so the
DocBin marks every other token *missing* (spaCy's missing annotation, ``ENT_IOB`` 0: no loss is
computed on it), the model's untouched entities included (training on them would teach the model
its own guesses). ``reviewed=True`` (``--reviewed``) says the reader checked the whole document:
the model's remaining entities are then confirmed and every other token is ``O``.

Prodigy gets the same distinction. By default each reviewed span is one binary task, as
Prodigy's ``ner.teach`` records them: an ``accept`` task per entity the reader added or
relabelled, a ``reject`` task per entity rejected, each with that one span (Prodigy trains on
binary tasks as incomplete annotations: nothing is said of the other tokens). With
``reviewed=True`` each document (or sentence, ``split="sentences"``) is one ``accept`` task in the
``ner.manual`` form, every corrected entity a span: a complete annotation of its text, followed
by the reject tasks. Each task carries ``_input_hash`` and ``_task_hash`` (:func:`set_hashes`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from tui.core.annotations import ENTITY_KINDS, Kind
from tui.core.entities import Entity
from tui.core.formats.base import BinaryFormat, ExportError, ExportItem, Labels, TextFormat, json_text
from tui.core.nlp import LABEL_ALIASES
from tui.core.web.urls import is_web_address

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

INPUT_HASH_KEYS = ("text", "image", "html", "input")
"""The keys of a task Prodigy's ``set_hashes`` hashes into ``_input_hash`` (its documented default)."""
TASK_HASH_KEYS = ("spans", "label", "options", "arcs")
"""The keys it hashes, after the input hash, into ``_task_hash`` (its documented default)."""
SPLITS = ("sentences",)
"""How ``prodigy`` may cut documents into tasks (``--split``); without it, one task a document."""
HIGHLIGHTS = "sorot_highlights"
"""The ``doc.spans`` group of the reader's highlights (label: the colour, span id: the annotation's id)."""
NOTES = "sorot_notes"
"""The ``doc.spans`` group of the reader's notes (label ``note``; the note's text in ``span._.sorot_note``)."""
NOTE_ATTR = "sorot_note"
TAGS_ATTR = "sorot_tags"


# --- the document, as training data ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Review:
    """What the reader said about one document's entities: the corrected entities that are the
    reader's own (``confirmed``), the model's that the reader left as they were (``untouched``),
    the spans known to be no entity (``rejected``), and the rejections to give Prodigy
    (``rejections``: span and the label rejected)."""

    confirmed: tuple[Entity, ...]
    untouched: tuple[Entity, ...]
    rejected: tuple[tuple[int, int], ...]
    rejections: tuple[Entity, ...]


def review(item: ExportItem, labels: Labels = None) -> Review:
    """Split ``item``'s corrected entities into what the reader reviewed and what the model found alone."""
    assert item.text is not None
    text = item.text
    corrected = item.corrected()
    marks = [a for a in item.annotations if a.kind in ENTITY_KINDS and a.status != "orphaned" and a.end <= len(text)]
    touched = {(a.start, a.end) for a in marks if a.kind != Kind.ENTITY_REJECT}
    model = {(e.start, e.end): e for e in item.entities or ()}
    keep = [e for e in corrected if labels is None or e.label in labels]
    confirmed = tuple(e for e in keep if (e.start, e.end) in touched)
    untouched = tuple(e for e in keep if (e.start, e.end) not in touched)
    rejected = tuple(_trimmed(text, a.start, a.end) for a in marks if a.kind == Kind.ENTITY_REJECT)
    rejections = []
    for ann in marks:
        if ann.kind != Kind.ENTITY_REJECT:
            continue
        found = model.get((ann.start, ann.end))
        label = LABEL_ALIASES.get(ann.label, ann.label) or (found.label if found is not None else "")
        start, end = _trimmed(text, ann.start, ann.end)
        if label and end > start and (labels is None or label in labels):
            rejections.append(Entity(start, end, label, text[start:end]))
    return Review(confirmed, untouched, tuple(r for r in rejected if r[1] > r[0]), tuple(dict.fromkeys(rejections)))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``..``end`` without the space at either end (no token starts or ends in space)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def tokenized(vocab: Vocab, text: str, cuts: Iterable[int], tokenizer: Callable[[str], Doc]) -> Doc:
    """A spaCy ``Doc`` of ``text`` (exactly), tokenized between the offsets ``cuts``.

    Each piece is tokenized on its own, so every offset in ``cuts`` falls between two tokens
    however the tokenizer would have cut there ("Jakarta-based" gives "Jakarta" its own token).
    """
    from spacy.tokens import Doc

    bounds = sorted({0, len(text), *(c for c in cuts if 0 < c < len(text))})
    words: list[str] = []
    spaces: list[bool] = []
    for a, b in zip(bounds, bounds[1:]):
        if a > 0 and text[a] == " " and words and not spaces[-1]:
            spaces[-1] = True  # the space after the previous piece's last word, as spaCy has it
            a += 1
        if a < b:
            for token in tokenizer(text[a:b]):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
    return Doc(vocab, words=words, spaces=spaces)


def training_doc(
    vocab: Vocab,
    text: str,
    said: Review,
    tokenizer: Callable[[str], Doc],
    *,
    reviewed: bool = False,
    cuts: Iterable[int] = (),
) -> Doc:
    """A spaCy ``Doc`` of ``text`` with the reader's entities set, the rejected spans ``O`` and
    every other token missing; with ``reviewed``, the model's remaining entities set too and
    every other token ``O``.

    The entity tags come from spaCy's own ``offsets_to_biluo_tags`` (``-`` for missing) and are
    set through ``Example.from_dict``, which is how spaCy reads partial annotation.
    """
    from spacy.training import Example, offsets_to_biluo_tags

    entities = [*said.confirmed, *(said.untouched if reviewed else ())]
    spans = [(*_trimmed(text, e.start, e.end), e.label) for e in entities]
    spans = [s for s in spans if s[1] > s[0]]
    edges = [o for s, e, _ in spans for o in (s, e)] + [o for span in said.rejected for o in span]
    doc = tokenized(vocab, text, [*edges, *cuts], tokenizer)
    tags = offsets_to_biluo_tags(doc, spans, missing="O" if reviewed else "-")
    if not reviewed and said.rejected:
        guessed = [_trimmed(text, x.start, x.end) for x in said.untouched]
        for token in doc:
            at = (token.idx, token.idx + len(token))
            if tags[token.i] == "-" and _inside(at, said.rejected) and not _overlaps(at, guessed):
                tags[token.i] = "O"  # known to be no entity (unless the model still has one there)
    return Example.from_dict(doc, {"entities": tags}).reference


def _inside(span: tuple[int, int], regions: Iterable[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in regions)


def _overlaps(span: tuple[int, int], regions: Iterable[tuple[int, int]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in regions)


def _tokenizer(vocab: Vocab) -> Callable[[str], Doc]:
    from tui.core.nlp.tokenizer import SorotTokenizer

    return SorotTokenizer.for_vocab(vocab)


def source_name(item: ExportItem) -> str:
    """How the training data names a document: a web article's address, a file's name (never
    the absolute path, which says whose machine it came from), else its title or hash."""
    path = item.document.path
    if path and is_web_address(path):
        return path
    return PurePath(path).name if path else item.document.title or f"sha256:{item.document.sha256[:12]}"


def _register_extensions() -> None:
    from spacy.tokens import Span

    for name in (NOTE_ATTR, TAGS_ATTR):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


def _add_reader_spans(doc: Doc, item: ExportItem) -> None:
    """Highlights and notes as ``doc.spans`` groups; a note's text and tags (of any annotation)
    as span attributes, which a DocBin keeps in ``user_data`` keyed by the span's offsets."""
    from spacy.tokens import Span

    _register_extensions()
    groups: dict[str, list[Span]] = {HIGHLIGHTS: [], NOTES: []}
    for ann in item.annotations:
        group = {Kind.HIGHLIGHT: HIGHLIGHTS, Kind.NOTE: NOTES}.get(Kind.of(ann.kind))
        if group is None or ann.status == "orphaned":
            continue
        span = doc.char_span(ann.start, ann.end, alignment_mode="expand")
        if span is None:
            continue
        label = (ann.colour or "highlight") if group == HIGHLIGHTS else "note"
        span = Span(doc, span.start, span.end, label=label, span_id=ann.id)
        if ann.note:
            span._.set(NOTE_ATTR, ann.note)
        if ann.tags:
            span._.set(TAGS_ATTR, list(ann.tags))
        groups[group].append(span)
    for name, spans in groups.items():
        doc.spans[name] = spans


def training_docs(items: Iterable[ExportItem], labels: Labels = None, *, reviewed: bool = False) -> Iterator[Doc]:
    """One ``Doc`` per document, its entities as reviewed (see the module), the reader's highlights
    and notes in ``doc.spans``; ``user_data["sorot"]`` names its source (file name, title, sha256)."""
    from spacy.vocab import Vocab

    vocab = Vocab()
    tokenizer = _tokenizer(vocab)
    for item in items:
        yield _document(vocab, tokenizer, item, review(item, labels), reviewed=reviewed)


def _document(
    vocab: Vocab,
    tokenizer: Callable[[str], Doc],
    item: ExportItem,
    said: Review,
    *,
    reviewed: bool,
    cuts: Iterable[int] = (),
) -> Doc:
    assert item.text is not None
    text = item.text
    # Entity corrections cut tokens (their spans must be whole tokens); highlights and notes do
    # not: they are widened to whole tokens instead, so the text is tokenized as the model would.
    marks = [a for a in item.annotations if a.kind in ENTITY_KINDS and a.status != "orphaned" and a.end <= len(text)]
    edges = [o for a in marks for o in _trimmed(text, a.start, a.end)]
    doc = training_doc(vocab, text, said, tokenizer, reviewed=reviewed, cuts=[*edges, *cuts])
    _add_reader_spans(doc, item)
    doc.user_data["sorot"] = {
        "source": source_name(item),
        "title": item.document.title,
        "sha256": item.document.sha256,
        "reviewed": reviewed,
    }
    return doc


def spacy_bytes(items: Sequence[ExportItem], labels: Labels = None, *, reviewed: bool = False) -> bytes:
    """A DocBin (``.spacy``) of the documents with their reviewed entities, for ``spacy train``."""
    from spacy.tokens import DocBin

    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for doc in training_docs(items, labels, reviewed=reviewed):
        docbin.add(doc)
    return docbin.to_bytes()


# --- Prodigy ----------------------------------------------------------------------------------------


def _murmur(key: str) -> int:
    from murmurhash import hash as murmur  # type: ignore[import-untyped]

    return int(murmur(key))


def set_hashes(task: dict[str, Any]) -> dict[str, Any]:
    """``task`` with ``_input_hash`` and ``_task_hash`` set as Prodigy's ``set_hashes`` describes them.

    The input hash is MurmurHash3 (32 bits, signed, seed 0: the ``murmurhash`` package Prodigy and
    spaCy use) of the task's :data:`INPUT_HASH_KEYS` values; the task hash the same of the input
    hash followed by the :data:`TASK_HASH_KEYS` values. Values are written as JSON with sorted keys,
    so the hashes depend only on the task's content: the same on every run and machine.
    """

    def digest(keys: Sequence[str], prefix: str = "") -> int:
        values = {key: task[key] for key in keys if key in task}
        return _murmur(prefix + json.dumps(values, sort_keys=True))

    input_hash = digest(INPUT_HASH_KEYS)
    task["_input_hash"] = input_hash
    task["_task_hash"] = digest(TASK_HASH_KEYS, str(input_hash))
    return task


def _tokens(doc: Doc, length: int) -> list[dict[str, Any]]:
    """Prodigy's tokens of a text ``length`` long: spaCy's ``to_json`` tokens (id, start, end)
    with their text and ``ws`` (whether a space follows within the text)."""
    return [
        {"text": token.text, "start": json_token["start"], "end": json_token["end"], "id": json_token["id"],
         "ws": bool(token.whitespace_) and json_token["end"] < length}
        for token, json_token in zip(doc, doc.to_json()["tokens"])
    ]  # fmt: skip


def _span(span: Span, label: str) -> dict[str, Any]:
    return {
        "start": span.start_char,
        "end": span.end_char,
        "token_start": span.start,
        "token_end": span.end - 1,
        "label": label,
        "text": span.text,
    }


def _sentences(text: str, keep_whole: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of ``text`` (Sorot's splitter: :func:`tui.core.facts.sentences.split_sentences`),
    those that a span in ``keep_whole`` crosses joined, so no entity is cut in two."""
    from tui.core.facts.sentences import split_sentences

    sentences = [list(s) for s in split_sentences(text)] or [[0, len(text)]]
    joined: list[list[int]] = []
    for start, end in sentences:
        if joined and any(s < joined[-1][1] < e and start < e for s, e in keep_whole):
            joined[-1][1] = end
        else:
            joined.append([start, end])
    return [(s, e) for s, e in joined]


def prodigy_tasks(
    items: Sequence[ExportItem], labels: Labels = None, *, split: str | None = None, reviewed: bool = False
) -> Iterator[dict[str, Any]]:
    """The Prodigy tasks of ``items``, per document (or sentence, ``split="sentences"``): one
    binary ``accept`` task per entity the reader added or relabelled, or with ``reviewed`` one
    ``accept`` task with every corrected entity; then one ``reject`` task per rejected entity."""
    from spacy.vocab import Vocab

    vocab = Vocab()
    tokenizer = _tokenizer(vocab)
    for item in items:
        assert item.text is not None
        said = review(item, labels)
        parts = [(0, len(item.text))]
        if split == "sentences":
            spans = [*said.confirmed, *said.untouched, *said.rejections]
            parts = _sentences(item.text, [_trimmed(item.text, e.start, e.end) for e in spans])
        doc = _document(vocab, tokenizer, item, said, reviewed=True, cuts=[o for part in parts for o in part])
        meta = {"source": source_name(item), "title": item.document.title, "sha256": item.document.sha256}
        for start, end in parts:
            window = doc.char_span(start, end)
            if window is None:
                continue
            part = window.as_doc()
            where = {"sentence_start": start, "sentence_end": end} if split else {}
            base = {"text": window.text, "tokens": _tokens(part, len(window.text)), "meta": {**meta, **where}}
            if reviewed:
                yield set_hashes({**base, "spans": [_span(e, e.label_) for e in part.ents], "answer": "accept"})
            binary = [] if reviewed else [(e, "accept") for e in said.confirmed]
            for entity, answer in [*binary, *((r, "reject") for r in said.rejections)]:
                entity_start, entity_end = _trimmed(item.text, entity.start, entity.end)
                if start <= entity_start and entity_end <= end:
                    span = part.char_span(entity_start - start, entity_end - start)
                    if span is not None:
                        yield set_hashes({**base, "spans": [_span(span, entity.label)], "answer": answer})


def write_prodigy(
    items: Sequence[ExportItem],
    out: IO[str],
    labels: Labels = None,
    *,
    split: str | None = None,
    reviewed: bool = False,
) -> None:
    """Prodigy tasks, one a line (see :func:`prodigy_tasks`), as ``db-in`` and the ``ner`` recipes read them."""
    for task in prodigy_tasks(items, labels, split=split, reviewed=reviewed):
        out.write(json_text(task) + "\n")


def split_option(value: object) -> str | None:
    """The ``split`` option of ``prodigy``: one of :data:`SPLITS`; :class:`ExportError` otherwise."""
    if value is None or value in SPLITS:
        return value
    raise ExportError(f"--split {value}: prodigy splits only into {', '.join(SPLITS)}")


def reviewed_option(value: object) -> bool:
    """The ``reviewed`` option of ``spacy`` and ``prodigy``: true or false."""
    if not isinstance(value, bool):
        raise ExportError(f"--reviewed {value!r}: give true or false")
    return value


SPACY = BinaryFormat(
    "spacy",
    "spaCy DocBin of entity corrections (training data)",
    ".spacy",
    spacy_bytes,
    needs_text=True,
    needs_entities=True,
    needs_corrections=True,
    writes="a binary file",
    options={"reviewed": reviewed_option},
)
PRODIGY = TextFormat(
    "prodigy",
    "Prodigy JSONL of entity corrections (training data)",
    ".jsonl",
    write_prodigy,
    needs_text=True,
    needs_entities=True,
    needs_corrections=True,
    name_suffix=".prodigy.jsonl",
    options={"split": split_option, "reviewed": reviewed_option},
)
