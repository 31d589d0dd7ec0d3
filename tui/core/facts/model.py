"""The facts of an article as frozen records, each with the character span of its evidence and sentence.

Every fact satisfies ``text == article[start:end]`` and ``sentence[0] <= start <= end <= sentence[1]``.
``to_json()`` gives the keys of the ``sorot extract --json`` contract (``kind``, ``text``, ``start``,
``end``, ``sentence`` and the fields of its kind) plus extra keys that are only ever added to.
"""

from __future__ import annotations

import builtins
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

Span = tuple[int, int]
Number = int | float


def _span(span: Span | None) -> list[int] | None:
    return None if span is None else [span[0], span[1]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    """What every fact shares: its evidence ``text`` at ``[start, end)`` inside ``sentence``."""

    kind: ClassVar[str] = "fact"
    id: str = ""
    text: str
    start: int
    end: int
    sentence: Span

    def to_json(self) -> dict[str, object]:
        """The fact as a JSON-ready dict: the shared keys first, then those of its kind."""
        return {
            "kind": self.kind,
            "id": self.id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "sentence": [self.sentence[0], self.sentence[1]],
            **self._own_json(),
        }

    def _own_json(self) -> dict[str, object]:
        return {}


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityFact(Fact):
    """One real-world person, organisation or place: all its mentions, aliases and role.

    ``text`` is the canonical (most complete) name at its first mention; ``aliases`` the other
    forms the article uses, in order of appearance.
    """

    kind: ClassVar[str] = "entity"
    label: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()
    role: str | None = None
    role_span: Span | None = None

    def _own_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "aliases": list(self.aliases),
            "mentions": [[s, e] for s, e in self.mentions],
            "role": self.role,
            "role_span": _span(self.role_span),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DateFact(Fact):
    """A date, time, duration or recurrence with its normalised value.

    ``value`` is ISO 8601 / TIMEX3 style: "2024", "2024-04", "2024-04-12T10:30+07:00", "2024-W15",
    "2024-Q3", "199X" (a decade), "XXXX-04" (April of an unknown year), "P3Y" (a duration), or None
    when it cannot be normalised. ``relative`` is true for expressions read against a reference
    point: ``anchor`` says which ("article": the article's date; "event": another event in the text),
    ``offset`` how far from it ("-P1Y" = a year before). A relative expression whose anchor is
    unknown keeps ``value`` None and shows its ``offset``.
    """

    kind: ClassVar[str] = "date"
    value: str | None
    type: str = "date"  # date | time | duration | set
    relative: bool = False
    anchor: str | None = None
    offset: str | None = None
    qualifier: str | None = None
    mod: str | None = None  # START | MID | END of the period

    def _own_json(self) -> dict[str, object]:
        return {
            "value": self.value,
            "type": self.type,
            "relative": self.relative,
            "anchor": self.anchor,
            "offset": self.offset,
            "qualifier": self.qualifier,
            "mod": self.mod,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberFact(Fact):
    """A count, amount of money, percentage or measured quantity.

    ``value`` is the number (10000 for "10.000", 3700000000000 for "3,7 triliun"); ``unit`` what
    is counted or measured ("tentara", "kali", "%", "km", or an ISO currency code such as "IDR");
    ``qualifier`` one of ">", ">=", "<", "<=", "~" ("lebih dari", "setidaknya", "kurang dari",
    "paling banyak", "sekitar"). A range ("10-20 persen") has ``value`` 10 and ``value_max`` 20.
    """

    kind: ClassVar[str] = "number"
    value: Number | None
    unit: str | None = None
    qualifier: str | None = None
    type: str = "count"  # count | money | percent | quantity
    value_max: Number | None = None

    def _own_json(self) -> dict[str, object]:
        return {
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "type": self.type,
            "value_max": self.value_max,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimFact(Fact):
    """Who said what: ``speaker`` (an entity's canonical name when known), ``verb`` and ``content``.

    ``speaker_text`` is what the sentence itself says ("Ia" when a pronoun was resolved);
    ``speaker_id`` the id of the speaker's entity fact, if any.
    """

    kind: ClassVar[str] = "claim"
    speaker: str
    verb: str
    content: str
    speaker_id: str | None = None
    speaker_text: str = ""
    speaker_span: Span | None = None
    verb_span: Span | None = None
    content_span: Span | None = None

    def _own_json(self) -> dict[str, object]:
        return {
            "speaker": self.speaker,
            "verb": self.verb,
            "content": self.content,
            "speaker_id": self.speaker_id,
            "speaker_text": self.speaker_text,
            "speaker_span": _span(self.speaker_span),
            "verb_span": _span(self.verb_span),
            "content_span": _span(self.content_span),
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    """A date or number fact that qualifies a relation ("tiga kali", "tahun lalu")."""

    kind: str
    id: str
    text: str
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.id, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True, kw_only=True)
class RelationFact(Fact):
    """A subject - predicate - object triple between two entities of one clause.

    ``reported_by`` is the id of the claim whose content states it ("Kremlin menyatakan bahwa Putin
    berbagi informasi dengan Kim Jong Un"): the article reports it, it does not assert it.
    """

    kind: ClassVar[str] = "relation"
    subject: str
    predicate: str
    object: str
    subject_id: str | None = None
    object_id: str | None = None
    subject_span: Span | None = None
    predicate_span: Span | None = None
    object_span: Span | None = None
    attachments: tuple[Attachment, ...] = ()
    negated: bool = False
    reported_by: str | None = None

    def _own_json(self) -> dict[str, builtins.object]:  # the field ``object`` hides the builtin here
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "subject_id": self.subject_id,
            "object_id": self.object_id,
            "subject_span": _span(self.subject_span),
            "predicate_span": _span(self.predicate_span),
            "object_span": _span(self.object_span),
            "attachments": [a.to_json() for a in self.attachments],
            "negated": self.negated,
            "reported_by": self.reported_by,
        }


FACT_KINDS = ("entity", "date", "number", "claim", "relation")


@dataclass(frozen=True, slots=True)
class Facts:
    """All facts of one article, each kind in the order a reader wants it.

    Entities by importance (mentions, then first appearance); dates, numbers, claims and
    relations in document order.
    """

    entities: tuple[EntityFact, ...] = ()
    dates: tuple[DateFact, ...] = ()
    numbers: tuple[NumberFact, ...] = ()
    claims: tuple[ClaimFact, ...] = ()
    relations: tuple[RelationFact, ...] = ()
    sentences: tuple[Span, ...] = ()
    reference_date: date | None = None
    reference_source: str | None = None  # "given" | "text" | None
    _by_id: dict[str, Fact] = field(default_factory=dict, repr=False, compare=False)

    def all(self) -> list[Fact]:
        """Every fact: entities, dates, numbers, claims, relations."""
        return [*self.entities, *self.dates, *self.numbers, *self.claims, *self.relations]

    def to_json(self) -> list[dict[str, object]]:
        """The ``"facts"`` array of ``sorot extract --json``."""
        return [fact.to_json() for fact in self.all()]

    def counts(self) -> dict[str, int]:
        """How many facts of each kind."""
        return {
            "entity": len(self.entities),
            "date": len(self.dates),
            "number": len(self.numbers),
            "claim": len(self.claims),
            "relation": len(self.relations),
        }

    def get(self, fact_id: str) -> Fact | None:
        """The fact with this id ("e1", "d3", ...), if any."""
        if not self._by_id:
            self._by_id.update((fact.id, fact) for fact in self.all())
        return self._by_id.get(fact_id)

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        """The sentence ``[start, end)`` that ``offset`` falls in (its end included: a cursor just
        after a sentence's last character is still in it), or None between sentences."""
        sentences = self.sentences
        index = bisect_right(sentences, offset, key=lambda sentence: sentence[0]) - 1
        if index >= 0 and sentences[index][0] <= offset <= sentences[index][1]:
            start, end = sentences[index]
            return start, end
        return None

    def timeline(self) -> list[DateFact]:
        """Date facts with a calendar value in chronological order, then the others in document order.

        Durations and recurrences are not points in time and come last.
        """
        dated = [d for d in self.dates if d.type in ("date", "time") and d.value and d.value[:1].isdigit()]
        points = {d.id for d in dated}
        rest = [d for d in self.dates if d.id not in points]
        return sorted(dated, key=lambda d: (d.value or "", d.start)) + rest
