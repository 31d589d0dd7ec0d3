"""What the article view walks and draws over: runs of text found by bisection, and the search.

The view draws entities, the spans chosen from the facts panel and search matches on every row it
paints, and ``]``/``[``, ``n``/``N``, ``)``/``(`` and ``}``/``{`` step through them from the cursor.
All of these are spans in text order, and each question is the same two bisections: which spans
touch ``[start, end)`` (a row), and which comes next after, or last before, an offset (a key).
:class:`Spans` answers both in O(log n) whatever their number, and :class:`Search` and :class:`Walk`
hold the state of a search and of a walk through chosen spans.

Pure Python, no Textual: tested without an app, like :mod:`tui.ui.layout`.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Generic, TypeVar

T = TypeVar("T")


class Spans(Generic[T]):
    """Items, each covering ``[start, end)`` of the text, ordered by start (they may overlap)."""

    __slots__ = ("ends", "items", "longest", "starts")

    def __init__(self, items: Sequence[T] = (), starts: Sequence[int] = (), ends: Sequence[int] = ()) -> None:
        self.items = list(items)
        self.starts = list(starts)
        self.ends = list(ends)
        self.longest = max(map(operator.sub, self.ends, self.starts), default=0)
        """The longest span: one starting further back than this before a row cannot reach it."""

    @classmethod
    def of(cls, items: Iterable[T], span: Callable[[T], tuple[int, int]]) -> Spans[T]:
        """``items`` sorted by their ``span`` (stable: items starting together keep their order).

        Items already in order (an article's entities) are not sorted again: the check is one pass,
        where sorting 85,000 entities by a key cost 70 ms of the interface's thread."""
        listed = list(items)
        spans = [span(item) for item in listed]
        starts = [start for start, _ in spans]
        if any(map(operator.gt, starts, islice(starts, 1, None))):
            order = sorted(range(len(listed)), key=starts.__getitem__)
            listed = [listed[i] for i in order]
            spans = [spans[i] for i in order]
            starts = [start for start, _ in spans]
        return cls(listed, starts, [end for _, end in spans])

    @classmethod
    def points(cls, starts: Iterable[int]) -> Spans[int]:
        """Sorted offsets to step between (paragraph or sentence starts): they cover no text."""
        ordered = sorted(starts)
        return Spans(ordered, ordered, ordered)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def between(self, start: int, end: int) -> list[T]:
        """The items that overlap ``[start, end)``, in order."""
        low = bisect_left(self.starts, start - self.longest)
        high = bisect_left(self.starts, end)
        ends = self.ends
        return [self.items[i] for i in range(low, high) if ends[i] > start]

    def after(self, offset: int) -> int | None:
        """The index of the first item starting after ``offset``, or None."""
        index = bisect_right(self.starts, offset)
        return index if index < len(self.starts) else None

    def before(self, offset: int) -> int | None:
        """The index of the last item starting before ``offset``, or None."""
        index = bisect_left(self.starts, offset) - 1
        return index if index >= 0 else None

    def at_or_after(self, offset: int) -> int | None:
        """The index of the first item starting at ``offset`` or later, or None."""
        index = bisect_left(self.starts, offset)
        return index if index < len(self.starts) else None


def matches(text: str, query: str) -> Spans[int]:
    """Where ``query`` occurs in ``text``, with smart case: a query in lowercase matches any case, one
    with a capital matches exactly. Each item is a match's start."""
    if not query:
        return Spans()
    flags = 0 if any(ch.isupper() for ch in query) else re.IGNORECASE
    # A literal pattern matches exactly len(query) characters, with or without IGNORECASE,
    # so the starts alone describe every match.
    starts = [m.start() for m in re.finditer(re.escape(query), text, flags)]
    return Spans(starts, starts, [start + len(query) for start in starts])


@dataclass
class Search:
    """A search in the article: its query, its matches, the one the cursor is on (``index``, -1 for
    none) and, while the query is being typed, where the cursor was when it began (``origin``):
    each keystroke goes to the first match from there, not from the last match."""

    query: str = ""
    found: Spans[int] = field(default_factory=Spans)
    index: int = -1
    origin: int | None = None

    def find(self, text: str, query: str, cursor: int) -> int | None:
        """Search ``text`` for ``query``; the index of the match to go to first (the first at or after
        where the search began, wrapping round), or None when nothing matches."""
        if self.origin is None:
            self.origin = cursor
        self.query = query
        self.found = matches(text, query)
        if not self.found:
            self.index = -1
            return None
        first = self.found.at_or_after(self.origin)
        return first if first is not None else 0

    def next(self, cursor: int) -> int | None:
        """The match after ``cursor``, wrapping to the first; None when there are none."""
        if not self.found:
            return None
        index = self.found.after(cursor)
        return index if index is not None else 0

    def previous(self, cursor: int) -> int | None:
        """The match before ``cursor``, wrapping to the last; None when there are none."""
        if not self.found:
            return None
        index = self.found.before(cursor)
        return index if index is not None else len(self.found) - 1

    def span(self, index: int) -> tuple[int, int]:
        return self.found.starts[index], self.found.ends[index]


@dataclass
class Walk:
    """Spans chosen from the facts panel (an entity's mentions, or one fact), each inside its
    sentence and named by ``label``: ``]`` and ``[`` walk them instead of the entities."""

    spans: Spans[tuple[int, int]] = field(default_factory=Spans)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    label: str = ""
    given: list[int] = field(default_factory=list)
    """For each span in the walk's order, its index as given to :meth:`of`."""

    @classmethod
    def of(cls, spans: Sequence[tuple[int, int]], sentences: Sequence[tuple[int, int]], label: str) -> Walk:
        order = sorted(range(len(spans)), key=lambda i: spans[i])
        ordered = [spans[i] for i in order]
        spans_in_order = Spans(ordered, [s for s, _ in ordered], [e for _, e in ordered])
        return cls(spans_in_order, [sentences[i] for i in order], label, order)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def position_of(self, index: int) -> int:
        """Where the ``index``-th span as given to :meth:`of` is in the walk's order."""
        return self.given.index(index)
