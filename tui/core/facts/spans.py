"""Span bookkeeping shared by the fact finders: overlap tests and longest-first selection."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from typing import TypeVar

from tui.core.facts.model import Span

T = TypeVar("T")


class SpanSet:
    """A fixed set of spans (they may overlap) that answers "does this span overlap one?" in O(log n)."""

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        # The furthest end among the spans up to each index: one look finds any overlap.
        self._reach: list[int] = []
        reach = -1
        for _, end in ordered:
            reach = max(reach, end)
            self._reach.append(reach)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1  # the last span starting before ``end``
        return i >= 0 and self._reach[i] > start


class _Disjoint:
    """Growing set of disjoint spans."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1
        return i >= 0 and self._ends[i] > start

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def select_longest(candidates: Iterable[tuple[int, int, int, T]]) -> list[tuple[int, int, T]]:
    """Non-overlapping ``(start, end, item)`` from ``(start, end, priority, item)``, longest first.

    Among spans of one length the lower priority number wins, then the earlier one. The result
    is in document order.
    """
    chosen = _Disjoint()
    kept: list[tuple[int, int, T]] = []
    for start, end, _, item in sorted(candidates, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if start < end and not chosen.overlaps(start, end):
            chosen.add(start, end)
            kept.append((start, end, item))
    kept.sort(key=lambda k: (k[0], k[1]))
    return kept


def merge_entity_spans(
    found: list[tuple[int, int, T]],
    entity_spans: Iterable[Span],
    parse: Callable[[int, int], T | None],
) -> list[tuple[int, int, T]]:
    """Combine spans found in the text with the pipeline's spans of the same kind.

    A pipeline span that overlaps nothing found is added (``parse`` reads its value); one that
    strictly contains exactly one found span replaces it (the value is re-read from the wider
    span; ``parse`` returning None keeps the found one); any other overlap keeps what was found.
    """
    result = list(found)
    starts = [f[0] for f in found]
    replaced: dict[int, tuple[int, int, T]] = {}
    added: list[tuple[int, int, T]] = []
    for start, end in entity_spans:
        lo = bisect_left(starts, start)
        while lo > 0 and found[lo - 1][1] > start:
            lo -= 1
        hits = [i for i in range(lo, bisect_left(starts, end)) if found[i][1] > start and found[i][0] < end]
        if not hits:
            item = parse(start, end)
            if item is not None:
                added.append((start, end, item))
        elif len(hits) == 1:
            s, e, item = found[hits[0]]
            parsed = parse(start, end) if start <= s and e <= end and (start, end) != (s, e) else None
            if parsed is not None:
                replaced[hits[0]] = (start, end, parsed)
    for i, value in replaced.items():
        result[i] = value
    result.extend(added)
    result.sort(key=lambda k: (k[0], k[1]))
    return result
