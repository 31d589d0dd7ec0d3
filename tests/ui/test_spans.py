"""What the article view draws over and walks through, without an app: which spans touch a row,
which comes next from the cursor, and how a search finds and steps through its matches."""

from __future__ import annotations

import random

from tui.core.entities import Entity
from tui.ui.spans import Search, Spans, Walk, matches


def brute_between(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    return [span for span in sorted(spans, key=lambda s: s[0]) if span[0] < end and span[1] > start]


def test_a_row_finds_exactly_the_spans_that_touch_it_however_they_overlap() -> None:
    rng = random.Random(12)
    for _ in range(200):
        spans = []
        for _ in range(rng.randrange(0, 30)):
            start = rng.randrange(0, 300)
            spans.append((start, start + rng.randrange(1, 60)))
        index = Spans.of(spans, lambda span: span)
        for _ in range(20):
            start = rng.randrange(0, 350)
            end = start + rng.randrange(1, 80)
            assert index.between(start, end) == brute_between(spans, start, end)


def test_spans_in_order_are_taken_as_they_are_and_others_sorted_stably() -> None:
    """Starting together, spans keep the order they came in, whether sorting was needed or not."""
    ordered = [(0, 3), (2, 4), (5, 9), (5, 6), (7, 8)]
    kept = Spans.of(ordered, lambda span: span)
    assert (kept.items, kept.starts, kept.ends, kept.longest) == (ordered, [0, 2, 5, 5, 7], [3, 4, 9, 6, 8], 4)
    shuffled = Spans.of([(5, 9), (7, 8), (0, 3), (5, 6), (2, 4)], lambda span: span)
    assert shuffled.items == [(0, 3), (2, 4), (5, 9), (5, 6), (7, 8)]
    assert shuffled.starts == [0, 2, 5, 5, 7] and shuffled.ends == [3, 4, 9, 6, 8]


def test_next_and_previous_are_strictly_after_and_before_the_cursor() -> None:
    entities = [Entity(30, 36, "LOC", "Jakarta"), Entity(0, 5, "PERSON", "Budi"), Entity(10, 14, "ORG", "KPK")]
    shown = Spans.of(entities, lambda e: (e.start, e.end))
    assert [e.start for e in shown] == [0, 10, 30]
    assert shown.after(0) == 1 and shown.after(-1) == 0 and shown.after(30) is None
    assert shown.before(10) == 0 and shown.before(11) == 1 and shown.before(0) is None
    assert shown.at_or_after(10) == 1 and shown.at_or_after(31) is None


def test_paragraph_and_sentence_starts_can_be_stepped_through() -> None:
    paragraphs = Spans.points([40, 0, 12])
    assert list(paragraphs) == [0, 12, 40]
    assert paragraphs[paragraphs.after(12)] == 40 and paragraphs[paragraphs.before(12)] == 0


def test_search_is_smart_case_and_literal() -> None:
    text = "Polri dan POLRI; polri. a.b a+b"
    assert matches(text, "polri").starts == [0, 10, 17]
    assert matches(text, "Polri").starts == [0]
    assert matches(text, "a.b").starts == [24]  # a dot is a dot, not any character
    assert matches(text, "a+b").starts == [28]
    assert matches(text, "").starts == []
    assert matches(text, "polri").between(9, 11) == [10]


def test_search_starts_from_where_it_began_and_wraps_both_ways() -> None:
    text = "satu dua satu dua satu"
    search = Search()
    assert search.find(text, "s", cursor=6) == 1  # the first match at or after the cursor
    assert search.find(text, "sa", cursor=20) == 1  # still from where the search began (6)
    assert search.span(1) == (9, 11)
    assert search.next(cursor=18) == 0  # past the last: back to the first
    assert search.previous(cursor=0) == 2  # before the first: round to the last
    assert search.find(text, "tiga", cursor=0) is None and search.index == -1
    assert search.next(cursor=0) is None and search.previous(cursor=0) is None


def test_a_walk_keeps_each_span_with_its_sentence_in_text_order() -> None:
    walk = Walk.of([(50, 55), (3, 8), (20, 25)], [(40, 60), (0, 10), (15, 30)], "PERSON")
    assert walk.spans.items == [(3, 8), (20, 25), (50, 55)]
    assert walk.sentences == [(0, 10), (15, 30), (40, 60)]
    assert walk.position_of(0) == 2 and walk.position_of(1) == 0
    assert walk.spans.after(8) == 1 and walk.spans.before(3) is None
    assert not Walk()
