"""What an article states, as facts with the character spans of their evidence and sentence.

``extract_facts(text, entities)`` reads the article text and the entity spans of any pipeline
(plain ``Entity`` records; no spaCy object is needed, nor imported) and gives:

- entities: one per real-world person, organisation or place, aliases merged, role, mentions;
- dates: dates, times, durations, normalised to ISO values, relative ones resolved against the
  article's date (given, or found in its first lines);
- numbers: counts, money, percentages and quantities with value, unit and qualifier;
- claims: who said what (speaker, verb of saying, content);
- relations: subject - predicate - object triples between entities.

Pure Python; a 1 MB article takes about a second, so it runs in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from tui.core.entities import Entity
from tui.core.facts.claims import find_claims
from tui.core.facts.clusters import NUMERIC_LABELS, cluster_entities
from tui.core.facts.model import (
    FACT_KINDS,
    Attachment,
    ClaimFact,
    DateFact,
    EntityFact,
    Fact,
    Facts,
    NumberFact,
    RelationFact,
)
from tui.core.facts.quantities import NUMBER_LABELS, find_numbers
from tui.core.facts.relations import find_relations
from tui.core.facts.sentences import SentenceIndex, split_sentences
from tui.core.facts.spans import SpanSet
from tui.core.facts.temporal import ArticleDate, detect_article_date, find_dates

__all__ = [
    "FACT_KINDS",
    "ArticleDate",
    "Attachment",
    "ClaimFact",
    "DateFact",
    "EntityFact",
    "Fact",
    "Facts",
    "NumberFact",
    "RelationFact",
    "detect_article_date",
    "extract_facts",
    "split_sentences",
]

TEMPORAL_LABELS = frozenset({"DATE", "TIME"})
AMOUNT_LABELS = frozenset({"MONEY", "PERCENT", "QUANTITY"})


def extract_facts(
    text: str,
    entities: Sequence[Entity],
    reference_date: date | None = None,
    *,
    pipeline_numbers: bool | None = None,
) -> Facts:
    """All facts of ``text`` given its ``entities`` (in any order; overlaps are tolerated).

    Relative dates are resolved against ``reference_date``, or else against the date found in
    the article's first lines (``detect_article_date``); with neither they stay relative.

    ``pipeline_numbers``: the entities come from a pipeline that tags dates and numbers (Sorot's
    does), so the facts list only the dates and numbers it highlighted, as the reader shows them.
    ``None`` (the default) infers it: true when any entity has a date or number label. With
    False, the facts' own scan finds every date and number in the text.
    """
    source = "given" if reference_date is not None else None
    if reference_date is None:
        found = detect_article_date(text)
        if found is not None:
            reference_date, source = found.value, "text"
    sentences = SentenceIndex(split_sentences(text), len(text))
    names = [e for e in entities if e.label not in NUMERIC_LABELS]
    people, mentions = cluster_entities(text, names, sentences)
    # Names, and amounts or ages the pipeline highlights ("berusia 24 tahun" QUANTITY), are no dates.
    not_dates = SpanSet((e.start, e.end) for e in entities if e.label not in NUMERIC_LABELS or e.label in AMOUNT_LABELS)
    dates = find_dates(
        text,
        sentences,
        not_dates,
        [(e.start, e.end) for e in entities if e.label in TEMPORAL_LABELS],
        reference_date,
    )
    # When the pipeline tags dates and numbers, the panel lists what the article highlights, no
    # more: a date or number the facts' own scan finds where the pipeline saw none is one its
    # rules turned down ("Nomor 35 Tahun 2014" is a law's number, "roda empat" a kind of vehicle,
    # "Liga 1" a name) or a "saat ini" with no value. Without such labels, the scan is all there is.
    tagged = any(e.label in NUMERIC_LABELS for e in entities) if pipeline_numbers is None else pipeline_numbers
    if tagged:
        temporal = SpanSet((e.start, e.end) for e in entities if e.label in TEMPORAL_LABELS)
        dates = [d for d in dates if temporal.overlaps(d.start, d.end)]
    dates = [replace(d, id=f"d{n}") for n, d in enumerate(dates, start=1)]
    taken = SpanSet([*((e.start, e.end) for e in names), *((d.start, d.end) for d in dates)])
    numbers = find_numbers(text, sentences, taken, [(e.start, e.end) for e in entities if e.label in NUMBER_LABELS])
    if tagged:
        counted = SpanSet((e.start, e.end) for e in entities if e.label in NUMBER_LABELS)
        numbers = [n for n in numbers if counted.overlaps(n.start, n.end)]
    numbers = [replace(n, id=f"n{i}") for i, n in enumerate(numbers, start=1)]
    claims = find_claims(text, mentions, sentences)
    relations = find_relations(text, mentions, sentences, dates, numbers, claims)
    return Facts(
        entities=tuple(people),
        dates=tuple(dates),
        numbers=tuple(numbers),
        claims=tuple(claims),
        relations=tuple(relations),
        sentences=tuple(sentences.spans),
        reference_date=reference_date,
        reference_source=source,
    )
