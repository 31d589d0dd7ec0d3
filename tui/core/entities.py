"""The entity record every layer above the NLP shares (a spaCy ``Doc`` never leaves ``core.nlp``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True, order=True)
class Entity:
    """A labelled span of an article: ``text == article_text[start:end]``."""

    start: int
    end: int
    label: str
    text: str

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        return {"start": data["start"], "end": data["end"], "text": data["text"], "label": data["label"]}
