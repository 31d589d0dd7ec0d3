"""Highlights and notes laid out as runs: each character gets the styles drawing them one by one would give."""

from __future__ import annotations

import random

from tui.ui.overlays import overlay


def drawn_one_by_one(spans: list[tuple[int, int, str]], length: int) -> list[tuple[str, ...]]:
    """Per character, the distinct styles applied to it, ordered by when each was last applied."""
    out = []
    for c in range(length):
        last: dict[str, int] = {}
        for order, (start, end, style) in enumerate(spans):
            if start <= c < end:
                last[style] = order
        out.append(tuple(sorted(last, key=last.__getitem__)))
    return out


def per_character(spans: list[tuple[int, int, str]], length: int) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()] * length
    for start, end, styles in overlay(spans).between(0, length):
        for c in range(start, end):
            out[c] = styles
    return out


def test_random_overlapping_spans_match_drawing_them_one_by_one() -> None:
    rng = random.Random(11)
    for _ in range(400):
        length = rng.randint(1, 70)
        spans = []
        for _ in range(rng.randint(0, 30)):
            start = rng.randint(0, length - 1)
            spans.append((start, rng.randint(start, length), rng.choice(("note", "yellow", "green", "blue"))))
        assert per_character(spans, length) == drawn_one_by_one(spans, length), spans


def test_a_row_finds_only_its_runs_and_runs_of_the_same_styles_join() -> None:
    laid_out = overlay([(0, 10, "yellow"), (5, 10, "yellow"), (10, 20, "yellow"), (30, 40, "note"), (35, 50, "green")])
    assert list(laid_out.between(0, 100)) == [
        (0, 20, ("yellow",)),
        (30, 35, ("note",)),
        (35, 40, ("note", "green")),
        (40, 50, ("green",)),
    ]
    assert list(laid_out.between(20, 30)) == []
    assert list(laid_out.between(38, 39)) == [(35, 40, ("note", "green"))]


def test_ten_thousand_stacked_spans_make_few_runs() -> None:
    spans = [(i % 7, 80 - i % 5, ("note", "yellow", "green")[i % 3]) for i in range(10_000)]
    laid_out = overlay(spans)
    assert len(laid_out) <= 2 * 12 + 1  # cut only where some span starts or ends
    assert per_character(spans[:300], 80) == drawn_one_by_one(spans[:300], 80)
