"""The reader's highlights and notes as runs of text a screen row can look up in a few steps.

Annotations overlap freely, and a hostile database can stack thousands on one line or lay one
over the whole article. Drawing them one by one would make every row's cost grow with their
number. Instead :func:`overlay` cuts the text once at every annotation's ends into disjoint
runs, each carrying the distinct styles that cover it in the order they were applied (the later
one wins where two styles set the same attribute, as drawing them one after the other would).
A row then finds its runs by bisection and applies at most one style per kind of mark.

:func:`lay_out` does the whole of a document's annotations at once: their marks in the article
(:func:`marks_of`) and their rows in the Notes list (:func:`tui.ui.notes_layout.notes_layout`).

Pure Python, no Textual: computed off the UI thread for a big database.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from heapq import heappop, heappush
from operator import itemgetter

from tui.core.annotations import Annotation, Kind
from tui.ui.notes_layout import NotesLayout, notes_layout


@dataclass(frozen=True, slots=True)
class Overlay:
    """Disjoint runs ``[starts[i], ends[i])`` in text order, each with the styles that cover it."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    styles: list[tuple[str, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.starts)

    def between(self, start: int, end: int) -> Iterator[tuple[int, int, tuple[str, ...]]]:
        """The runs that overlap ``[start, end)``, each as (start, end, styles), unclipped."""
        i = bisect_right(self.ends, start)  # runs are disjoint and sorted: their ends are sorted too
        starts, ends, styles = self.starts, self.ends, self.styles
        while i < len(starts) and starts[i] < end:
            yield starts[i], ends[i], styles[i]
            i += 1


def overlay(spans: Iterable[tuple[int, int, str]]) -> Overlay:
    """The runs of ``spans`` (start, end, style), given in the order they are drawn.

    One sweep over the span ends, with a heap per style of the spans that cover the sweep point
    (the last drawn on top): O(n log n) for n spans, however they overlap.
    """
    ordered = [(start, end, style, order) for order, (start, end, style) in enumerate(spans) if end > start]
    if not ordered:
        return Overlay()
    ordered.sort(key=itemgetter(0))  # stable: drawing order kept among equal starts
    bounds = sorted({s for s, _, _, _ in ordered}.union([e for _, e, _, _ in ordered]))
    heaps: dict[str, list[tuple[int, int]]] = {}  # style -> (-order, end) of spans that may still cover
    starts: list[int] = []
    ends: list[int] = []
    styles: list[tuple[str, ...]] = []
    k, n = 0, len(ordered)
    last_end, last_run = -1, ()
    for low, high in zip(bounds, bounds[1:]):
        while k < n and ordered[k][0] == low:
            _, end, style, order = ordered[k]
            heap = heaps.get(style)
            if heap is None:
                heaps[style] = [(-order, end)]
            else:
                heappush(heap, (-order, end))
            k += 1
        covering = []
        for style, heap in list(heaps.items()):
            while heap and heap[0][1] <= low:
                heappop(heap)  # the latest-drawn span of this style ended: the next one may still cover
            if heap:
                covering.append((heap[0][0], style))
            else:
                del heaps[style]
        if not covering:
            continue
        if len(covering) == 1:
            run: tuple[str, ...] = (covering[0][1],)
        else:
            covering.sort(reverse=True)  # by -order, descending: the earliest drawn first
            run = tuple(style for _, style in covering)
        if last_end == low and last_run == run:
            ends[-1] = high  # the same styles go on: one run
        else:
            starts.append(low)
            ends.append(high)
            styles.append(run)
            last_run = run
        last_end = high
    return Overlay(starts, ends, styles)


HIGHLIGHT_COLOURS = ("yellow", "green", "blue", "pink", "orange")
"""The colours a reader can highlight with (drawn as coloured underlined text, not as a background,
so that they never look like an entity)."""


def mark_style(annotation: Annotation) -> str:
    """The component class a highlight or note is drawn in (a colour Sorot does not know, as from
    another tool's import, is drawn yellow)."""
    if annotation.kind == Kind.NOTE:
        return "article-view--note"
    return f"highlight--{annotation.colour if annotation.colour in HIGHLIGHT_COLOURS else 'yellow'}"


@dataclass(frozen=True, slots=True)
class Marks:
    """The reader's placed annotations in the order they are drawn, and how they fall on the text."""

    annotations: list[Annotation]
    overlay: Overlay


def marks_of(annotations: Iterable[Annotation]) -> Marks:
    """Lay annotations out for ``ArticleView.show_marks``: pure, so a thread can do it for many."""
    ordered = sorted(annotations, key=lambda a: (a.start, a.end))
    spans = [(a.start, a.end, mark_style(a)) for a in ordered if a.kind in (Kind.NOTE, Kind.HIGHLIGHT)]
    return Marks(ordered, overlay(spans))


@dataclass(frozen=True, slots=True)
class Laidout:
    """A document's annotations laid out for the article (placed ones) and for the Notes list."""

    marks: Marks
    notes: NotesLayout


def lay_out(annotations: list[Annotation], notes_width: int) -> Laidout:
    """How ``annotations`` (all of a document's, orphans last) fall in the article and in a Notes list
    ``notes_width`` cells wide."""
    placed = [a for a in annotations if a.status != "orphaned"]
    return Laidout(marks_of(placed), notes_layout(annotations, notes_width))
