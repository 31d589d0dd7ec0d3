"""Every message the reader's widgets and threads send, in one place.

Widgets post these to say what happened (the cursor moved, a fact was chosen); the reader's
worker threads post them to hand results to the event loop (``post_message`` is thread-safe).
The reader screen handles them with ``@on(...)``. Each is a dataclass, as in toolong and
posting: its fields are the whole of what it carries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.core.document import Article
    from tui.core.entities import Entity
    from tui.core.facts import Fact, Facts
    from tui.ui.overlays import Laidout

# ----------------------------------------------------------------------------- the article view


@dataclass
class CursorMoved(Message):
    """The article's cursor moved to ``offset``, on ``row`` of ``rows``."""

    offset: int
    row: int
    rows: int
    on_focus: bool
    """Whether the cursor is still on the entity or match it last jumped to."""


@dataclass
class EntityJumped(Message):
    """The cursor landed on an entity, the ``index``-th (1-based) of ``total`` shown."""

    entity: Entity
    index: int
    total: int


@dataclass
class SelectionChanged(Message):
    """A selection started, grew or ended (``span`` None)."""

    span: tuple[int, int] | None


@dataclass
class SearchStepped(Message):
    """The search changed or moved: match ``index`` (1-based, 0 for none) of ``total``."""

    query: str
    index: int
    total: int


class Cleared(Message):
    """Esc in the article cleared the search, the fact's spans and the entity in focus (not a selection)."""


# ----------------------------------------------------------------------------- the side panel and legend


@dataclass
class LabelToggled(Message):
    """The reader asked to switch ``label``'s highlighting off or on (a click in the legend)."""

    label: str


@dataclass
class FactChosen(Message):
    """Enter on a fact in the facts panel: the article should show it (an entity at its mention in
    ``sentence`` when the panel lists that sentence's facts)."""

    fact: Fact
    sentence: tuple[int, int] | None = None


@dataclass
class WalkRequested(Message):
    """] or [ in the facts panel: the article goes to the next (1) or previous (-1) highlighted span."""

    direction: int


@dataclass
class NoteRequested(Message):
    """``action`` ("go", "edit", "delete", "reattach") on annotation ``annotation_id`` in the Notes list."""

    action: str
    annotation_id: str


class PanelLeft(Message):
    """Escape in the facts or notes panel: the focus goes back to the article."""


# ----------------------------------------------------------------------------- from the reader's threads


@dataclass
class NlpProgressed(Message):
    """The NLP moved on: ``message`` says how far."""

    message: str


@dataclass
class EntitiesFound(Message):
    """The NLP finished the article."""

    entities: list[Entity]


@dataclass
class FactsFound(Message):
    """The facts of the article, ready after its entities."""

    facts: Facts


@dataclass
class FactsFailed(Message):
    """Fact extraction failed; ``reason`` is one line for the user."""

    reason: str


@dataclass
class NlpFailed(Message):
    """The pipeline could not load or run; ``reason`` is one line for the user."""

    reason: str


class StoreChanged(Message):
    """Another process changed the annotation database (posted by the polling thread)."""


class SessionOpened(Message):
    """The document's annotations are read and placed (posted by the thread that opened them)."""


@dataclass
class Saved(Message):
    """A save that outlasted :data:`~tui.ui.saving.SaveQueue.at_once` is done: ``call`` goes on
    with it on the event loop."""

    call: Callable[[], None]


@dataclass
class AnnotationsLaidOut(Message):
    """Annotations laid out in a thread, ready to show (with ``entities``: the corrected entities too)."""

    laid_out: Laidout
    entities: bool


# ----------------------------------------------------------------------------- web articles


def reason(exc: BaseException) -> str:
    """The one line a failure message carries: the error's first line, else its type's name."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@dataclass
class NewerVersionFetched(Message):
    """The server had a newer version of the web article being read (its text changed)."""

    article: Article


@dataclass
class NewerVersionUnknown(Message):
    """Asking the server for a newer version failed (offline, say): the kept copy stays."""

    reason: str
