"""Training data: ``spacy`` (a DocBin for ``spacy train``) and ``prodigy`` (JSON Lines tasks).

Each document with entity corrections becomes one example: its text exactly, with the model's
entities as the reader corrected them (:func:`tui.core.corrections.corrected_entities`) and every
other token ``O`` (reviewed: not an entity, rather than unknown). The text is tokenized by Sorot's
own tokenizer between entity boundaries, so every entity falls on whole tokens. ``labels`` keeps
only the entity labels asked for (e.g. the NER's own PERSON, ORG, LOC). spaCy is imported only
when one of these is written: exporting any other format never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

from tui.core.entities import Entity
from tui.core.formats.base import BinaryFormat, ExportItem, Labels, TextFormat, describe, json_text

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab


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


def training_docs(items: Iterable[ExportItem], labels: Labels = None) -> Iterator[Doc]:
    """One ``Doc`` per document, its entities as corrected; ``user_data["sorot"]`` names its source."""
    from spacy.vocab import Vocab

    vocab = Vocab()
    tokenizer = _tokenizer(vocab)
    for item in items:
        assert item.text is not None
        doc = training_doc(vocab, item.text, item.corrected(labels), tokenizer)
        doc.user_data["sorot"] = item.document.to_dict()
        yield doc


def spacy_bytes(items: Sequence[ExportItem], labels: Labels = None) -> bytes:
    """A DocBin (``.spacy``) of the documents with their corrected entities, for ``spacy train``."""
    from spacy.tokens import DocBin

    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for doc in training_docs(items, labels):
        docbin.add(doc)
    return docbin.to_bytes()


def write_prodigy(items: Sequence[ExportItem], out: IO[str], labels: Labels = None) -> None:
    """Prodigy tasks, one document a line: ``text``, ``tokens``, ``spans`` and ``answer``
    ``accept`` (the reader reviewed the entities), as ``ner.manual`` and ``db-in`` read them."""
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


SPACY = BinaryFormat(
    "spacy",
    "spaCy DocBin of entity corrections (training data)",
    ".spacy",
    spacy_bytes,
    needs_text=True,
    needs_entities=True,
    needs_corrections=True,
    writes="a binary file",
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
)
