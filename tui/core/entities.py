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


LABEL_COLOURS = {
    "PERSON": "#3b82f6",
    "ORG": "#a855f7",
    "LOC": "#22c55e",
    "GPE": "#14b8a6",
    "NORP": "#f97316",
    "EVENT": "#ef4444",
    "FAC": "#a16207",
    "PRODUCT": "#ec4899",
    "WORK_OF_ART": "#f43f5e",
    "LAW": "#6366f1",
    "LANGUAGE": "#84cc16",
    "DATE": "#eab308",
    "TIME": "#d97706",
    "MONEY": "#10b981",
    "PERCENT": "#06b6d4",
    "CARDINAL": "#94a3b8",
    "ORDINAL": "#c084fc",
    "QUANTITY": "#78716c",
}
"""Each label's colour (the reader's, ``app.tcss``: there a tint of :data:`LABEL_TINT` over the
theme's background, so the theme's text stays readable on it); a test keeps the two the same."""
OTHER_COLOUR = "#6b7280"
"""The colour of any label not in :data:`LABEL_COLOURS`."""
LABEL_TINT = 0.45
"""The opacity an entity's colour is laid over the background with."""


def label_colour(label: str) -> str:
    """``label``'s colour, ``#rrggbb``."""
    return LABEL_COLOURS.get(label, OTHER_COLOUR)
