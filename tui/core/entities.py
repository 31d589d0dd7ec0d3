"""The entity record every layer above the NLP shares (a spaCy ``Doc`` never leaves ``core.nlp``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Entity:
    """A labelled span of an article: ``text == article_text[start:end]``."""

    start: int
    end: int
    label: str
    text: str

    def to_json(self) -> dict[str, object]:
        """The entity as ``sorot extract --json`` prints it."""
        return {"start": self.start, "end": self.end, "text": self.text, "label": self.label}


PIPELINE_LABELS = ("PERSON", "ORG", "LOC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL")
"""Every label Sorot's own pipeline produces (the NER's names, then the number rules' labels), in
the order the reader is offered them."""

LABELS = (*PIPELINE_LABELS, "GPE", "NORP", "EVENT", "FAC", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE")
"""spaCy's usual label names (OntoNotes), Sorot's first: the fixed order labels are listed in."""


def label_order(label: str) -> tuple[int, str]:
    """A sort key putting labels in the fixed order of ``LABELS``, any other label after them by name."""
    try:
        return LABELS.index(label), ""
    except ValueError:
        return len(LABELS), label
