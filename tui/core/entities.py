"""The entity record every layer above the NLP shares (a spaCy ``Doc`` never leaves ``core.nlp``)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice


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


def in_order(entities: Sequence[Entity]) -> bool:
    """Whether ``entities`` are sorted, each starting after the one before (the pipeline's are).

    One pass over the starts: ``sorted`` compares entities field by field through the dataclass's
    ``__lt__``, 13 ms for the 85,000 of a 3 MB article even when they are in order already."""
    starts = [entity.start for entity in entities]
    return all(map(operator.lt, starts, islice(starts, 1, None)))


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
    "PERSON": "#4488ee",
    "ORG": "#aa55ff",
    "LOC": "#22cc66",
    "GPE": "#558811",
    "NORP": "#ff3300",
    "EVENT": "#ff1144",
    "FAC": "#775511",
    "PRODUCT": "#ee00aa",
    "WORK_OF_ART": "#994455",
    "LAW": "#0022ff",
    "LANGUAGE": "#005522",
    "DATE": "#ccbb22",
    "TIME": "#cc7744",
    "MONEY": "#77aa88",
    "PERCENT": "#00bbdd",
    "CARDINAL": "#aa99dd",
    "ORDINAL": "#ff88dd",
    "QUANTITY": "#887777",
}
"""Each label's colour (the reader's in a truecolor terminal, ``tui.ui.palette``: there a tint of
:data:`LABEL_TINT` over the theme's background, so the theme's text stays readable on it). Chosen
so that, tinted over the dark or the light theme, any two are at least 12 apart (CIEDE2000)."""
OTHER_COLOUR = "#446677"
"""The colour of any label not in :data:`LABEL_COLOURS`."""
LABEL_TINT = 0.45
"""The opacity an entity's colour is laid over the background with."""


def label_colour(label: str) -> str:
    """``label``'s colour, ``#rrggbb``."""
    return LABEL_COLOURS.get(label, OTHER_COLOUR)
