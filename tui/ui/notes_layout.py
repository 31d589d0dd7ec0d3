"""How the Notes list lays out a document's annotations: pure, so a thread can do it for many.

Each annotation takes two to six lines: what it is, then its quote and its note (up to two lines
each, the second ending in "…" when cut), then its tags. How many follows from the annotation and
the width alone, so the list's layout is a running sum (:func:`notes_layout`), not a rendering of
every row; :func:`annotation_row` draws one row when it comes on screen. No Textual here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from rich.text import Text

from tui.core.annotations import Annotation, Kind
from tui.core.document import inert

QUOTE_CHARS = 120
NOTE_CHARS = 200


def annotation_row(ann: Annotation) -> Text:
    """What it is, then the quoted passage, then the note and the tags when there are any: one line
    each (the list folds or cuts them to its width). Inert text, never markup."""
    quote = inert(" ".join(ann.quote.exact[: QUOTE_CHARS * 4].split()))
    head = Text(Kind.of(ann.kind).mark, style="bold")
    if ann.label:
        head.append(f" {inert(ann.label)}")
    if ann.kind == Kind.HIGHLIGHT and ann.colour:
        head.append(f" ({inert(ann.colour)})", style="dim")
    if ann.status == "orphaned":
        head.append("  not found in this text: r re-attaches to the selection", style="bold red")
    elif ann.status == "moved":
        head.append("  moved", style="dim")
    row = Text.assemble(head, "\n", (f"“{quote[:QUOTE_CHARS]}{'…' if len(quote) > QUOTE_CHARS else ''}”", "italic"))
    if ann.note:
        row.append("\n" + inert(" ".join(ann.note[: NOTE_CHARS * 4].split()))[:NOTE_CHARS])
    if ann.tags:
        row.append("\n" + " ".join(f"#{inert(t)}" for t in ann.tags), style="dim")
    return row


def lines_of(text_length: int, width: int) -> int:
    """Lines given to a quote or note of ``text_length`` characters: one if it fits, else two."""
    return 1 if text_length <= width else 2


def row_height(ann: Annotation, width: int) -> int:
    """How many lines ``ann`` takes at ``width`` cells of text, from its lengths alone (the quote's
    two marks included); its drawing fills exactly these lines."""
    height = 1 + lines_of(min(len(ann.quote.exact), QUOTE_CHARS + 1) + 2, width)
    if ann.note:
        height += lines_of(min(len(ann.note), NOTE_CHARS), width)
    return height + bool(ann.tags)


@dataclass(frozen=True, slots=True)
class NotesLayout:
    """Where each annotation's row starts in the list at a width: ``tops[i]`` is row ``i``'s first
    line, ``tops[-1]`` the list's height."""

    annotations: list[Annotation]
    ids: list[str]
    width: int
    tops: list[int]


def notes_layout(annotations: Sequence[Annotation], width: int) -> NotesLayout:
    """Lay the rows out for ``width`` cells of text: pure, so a thread can do it for many."""
    annotations = list(annotations)
    tops = [0, *accumulate(row_height(a, width) for a in annotations)]
    return NotesLayout(annotations, [a.id for a in annotations], width, tops)
