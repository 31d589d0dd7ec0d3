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
