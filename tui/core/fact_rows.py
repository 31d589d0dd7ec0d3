"""How facts read as short rows, in the sections the reader shows them: one wording for the facts
panel (which styles the parts with rich) and for the page ``sorot extract --format html`` writes
(which marks them up as HTML).

A row is a tuple of :data:`Part` ``(text, role)``: ``role`` is ``"strong"`` (what the fact is
about), ``"dim"`` (detail), ``"em"`` (a role) or ``""``. The article's own words in a part have
their control characters made inert (:func:`~tui.core.document.inert`); they are never markup,
and each consumer escapes them for its medium.

Outside the :mod:`tui.core.facts` package on purpose: the reader imports this module at start,
and the facts package (its rules) only once facts are computed, after the first paint.
"""

from __future__ import annotations

import calendar
import re
from typing import TYPE_CHECKING, cast

from tui.core.document import inert

if TYPE_CHECKING:
    from tui.core.facts.model import ClaimFact, DateFact, EntityFact, Fact, Facts, NumberFact, RelationFact

Part = tuple[str, str]
"""One piece of a row: its text and its role (``"strong"``, ``"dim"``, ``"em"`` or ``""``)."""
Line = tuple[Part, ...]
"""One line of a fact's detail (:func:`fact_detail`), in parts."""

SECTIONS = (
    ("entity", "Entities"),
    ("date", "When"),
    ("number", "How many"),
    ("claim", "Who said what"),
    ("relation", "Relations"),
)
"""The reader's sections of facts, by fact kind, in the order shown."""
QUALIFIERS = {">": "more than ", ">=": "at least ", "<": "less than ", "<=": "at most ", "~": "about "}


def number_text(value: float | int | None) -> str:
    """A number as a reader reads it: "10 000", "2.5"; "?" when unknown."""
    if value is None:
        return "?"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", " ") if isinstance(value, int) else f"{value:g}"


_UNITS = {
    "Y": "year",
    "M": "month",
    "W": "week",
    "D": "day",
    "H": "hour",
    "MIN": "minute",
    "S": "second",
    "Q": "quarter",
}
_DURATION = re.compile(r"([+-]?)P(T?)(\d+(?:\.\d+)?|X)(Y|M|W|D|H|S|Q)")


def duration_text(value: str) -> str | None:
    """ "P3Y" -> "3 years", "-P1Y" -> "1 year", "PXY" -> "some years"; None if not a simple duration."""
    match = _DURATION.fullmatch(value)
    if match is None:
        return None
    _sign, time, amount, unit = match.groups()
    name = _UNITS["MIN" if time and unit == "M" else unit]
    if amount == "X":
        return f"some {name}s"
    return f"{amount} {name}{'' if amount == '1' else 's'}"


_PARTS_OF_DAY = {
    "TMO": "morning",
    "TMI": "midday",
    "TAF": "afternoon",
    "TEV": "evening",
    "TNI": "night",
    "TDT": "daytime",
}
"""TIMEX3's parts of the day (``2025-12-01TNI``), in words."""


def date_text(fact: DateFact) -> str:
    """A reader's version of a date fact's value: ISO dates as they are, the rest in words."""
    value = fact.value
    if value and value.startswith("XXXX-") and value[5:7].isdigit() and len(value) == 7:
        return f"{calendar.month_name[int(value[5:7])]}, year unknown"
    if value and (words := duration_text(value)):
        return words
    if value and (part := _PARTS_OF_DAY.get(value[-3:])) and value[-3] == "T":
        return f"{value[:-3]} {part}"  # TIMEX3's part of day: "2025-12-01TNI" is not the army
    if value:
        return value
    if fact.offset and (words := duration_text(fact.offset)):
        direction = "before" if fact.offset.startswith("-") else "after"
        anchor = "the article's date" if (fact.anchor or "article") == "article" else "an event"
        return f"{words} {direction} {anchor}"
    return "relative"


def amount_text(number: NumberFact) -> str:
    """A number fact's value as a reader reads it: "more than 10 000 tentara", "10–20 %"."""
    amount = QUALIFIERS.get(number.qualifier or "", number.qualifier or "") + number_text(number.value)
    if number.value_max is not None:
        amount += f"–{number_text(number.value_max)}"
    if number.unit:
        amount += f" {number.unit}"
    return amount


def kind_name(kind: str) -> str:
    """A fact kind as a reader sees it: "date" -> "Date" (``sorot extract --json`` keeps "date")."""
    return kind.replace("_", " ").capitalize()


def fact_row(fact: Fact) -> tuple[Part, ...]:
    """One short row for ``fact``, in parts; all of it plain text."""
    # The kind says the class (compared by name: the facts package is not imported here).
    if fact.kind == "entity":
        named = cast("EntityFact", fact)
        parts: list[Part] = [(inert(named.text), "strong"), (" ", ""), (inert(named.label), "dim")]
        parts.append((f" ×{len(named.mentions)}", "dim"))
        if named.aliases:
            parts.append((f" ({', '.join(inert(a) for a in named.aliases)})", ""))
        if named.role:
            parts.append((f" · {inert(named.role)}", "em"))
        return tuple(parts)
    if fact.kind == "date":
        dated = cast("DateFact", fact)
        return (inert(date_text(dated)), "strong"), ("  ", ""), (inert(dated.text), "")
    if fact.kind == "number":
        number = cast("NumberFact", fact)
        return (inert(amount_text(number)), "strong"), ("  ", ""), (inert(number.text), "dim")
    if fact.kind == "claim":
        claim = cast("ClaimFact", fact)
        return (inert(claim.speaker), "strong"), (f" {inert(claim.verb)}: ", ""), (inert(claim.content), "")
    if fact.kind == "relation":
        relation = cast("RelationFact", fact)
        parts = [
            (inert(relation.subject), "strong"),
            (f" — {inert(relation.predicate)} — ", ""),
            (inert(relation.object), "strong"),
        ]
        if relation.attachments:
            parts.append((f" ({', '.join(inert(a.text) for a in relation.attachments)})", "dim"))
        if relation.negated:
            parts.append((" (negated)", "dim"))
        if relation.reported_by:
            parts.append((" (reported)", "dim"))
        return tuple(parts)
    return ((inert(fact.text), ""),)


def _field(name: str, value: str) -> Line:
    return (f"{name}: ", "dim"), (inert(value), "")


def _date_detail(dated: DateFact) -> list[Line]:
    lines: list[Line] = [((inert(date_text(dated)), "strong"),)]
    if dated.value and dated.value != date_text(dated):
        lines.append(_field("value", dated.value))
    lines.append(_field("type", dated.type))
    if dated.relative:
        anchor = "the article's date" if (dated.anchor or "article") == "article" else "an event"
        lines.append(_field("relative to", anchor + (f", {dated.offset}" if dated.offset else "")))
    if dated.qualifier:
        lines.append(_field("qualifier", dated.qualifier))
    if dated.mod:
        lines.append(_field("part of the period", dated.mod.lower()))
    return lines


def fact_detail(fact: Fact) -> list[Line]:
    """Everything a fact says, a line a field (each may wrap): what the panel's short row cuts off.

    The first line says the kind and what the fact is (its normalised value, or who and what),
    in full; then the details; last the words of the article it comes from (but for a claim,
    whose words are its speaker's and its content). Plain text, like :func:`fact_row`.
    """
    lines: list[Line]
    if fact.kind == "entity":
        named = cast("EntityFact", fact)
        mentions = len(named.mentions)
        lines = [((inert(named.text), "strong"), (f" {inert(named.label)}", "dim"))]
        lines.append(_field("mentioned", f"{mentions} time{'' if mentions == 1 else 's'}"))
        if named.aliases:
            lines.append(_field("also called", ", ".join(named.aliases)))
        if named.role:
            lines.append(_field("role", named.role))
    elif fact.kind == "date":
        lines = _date_detail(cast("DateFact", fact))
    elif fact.kind == "number":
        number = cast("NumberFact", fact)
        lines = [((inert(amount_text(number)), "strong"),), _field("type", number.type)]
    elif fact.kind == "claim":
        claim = cast("ClaimFact", fact)
        lines = [((inert(claim.speaker), "strong"), (f" {inert(claim.verb)}", ""))]
        if claim.speaker_text and claim.speaker_text != claim.speaker:
            lines.append(_field("in the sentence", claim.speaker_text))
        lines.append(_field("said", claim.content))
    elif fact.kind == "relation":
        relation = cast("RelationFact", fact)
        lines = [fact_row(relation)[:3]]  # subject — predicate — object, whole
        lines.extend(_field(kind_name(a.kind).lower(), a.text) for a in relation.attachments)
        if relation.negated:
            lines.append((("negated: the sentence says it did not happen", "dim"),))
        if relation.reported_by:
            lines.append((("reported by a claim, not stated by the article", "dim"),))
    else:
        lines = []
    first = ((f"{kind_name(fact.kind)} · ", "em"), *lines[0]) if lines else ((kind_name(fact.kind), "em"),)
    if fact.kind == "claim":  # its text is the sentence again, most of it said above
        return [first, *lines[1:]]
    return [first, *lines[1:], _field("text", f"“{fact.text}”")]


def mention_in(fact: Fact, sentence: tuple[int, int]) -> tuple[int, int] | None:
    """Where ``fact`` shows in ``sentence``: its evidence, or for an entity its first mention there
    (an entity's own ``sentence`` is that of its first mention, anywhere in the article); None
    when it does not."""
    start, end = sentence
    if fact.kind == "entity":
        for mention_start, mention_end in cast("EntityFact", fact).mentions:
            if start <= mention_start and mention_end <= end:
                return mention_start, mention_end
        return None
    return (fact.start, fact.end) if tuple(fact.sentence) == (start, end) else None


def facts_of_sentence(facts: Facts, sentence: tuple[int, int]) -> list[Fact]:
    """The facts ``sentence`` states or names, in the order they show in it: its dates, numbers,
    claims and relations, and every entity mentioned in it."""
    placed = [(where, fact) for fact in facts.all() if (where := mention_in(fact, sentence)) is not None]
    placed.sort(key=lambda pair: pair[0][0])  # stable: at one place, entities before the rest
    return [fact for _, fact in placed]


def sections(facts: Facts) -> list[tuple[str, str, list[Fact]]]:
    """``(kind, title, facts)`` for each of :data:`SECTIONS`, in the order the reader lists them:
    entities by importance, dates on a timeline, the rest in document order."""
    groups: dict[str, list[Fact]] = {
        "entity": list(facts.entities),
        "date": list(facts.timeline()),
        "number": list(facts.numbers),
        "claim": list(facts.claims),
        "relation": list(facts.relations),
    }
    return [(kind, title, groups[kind]) for kind, title in SECTIONS]
