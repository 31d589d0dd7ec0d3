"""The reader screen: title, legend, the article, a search bar and the status line."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import os
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from tui.core.annotations import Annotation, Kind
from tui.core.document import Article, ArticleError, inert
from tui.core.entities import PIPELINE_LABELS, Entity, label_order
from tui.core.nlp import PipelineError
from tui.ui.keymaps import KeyBarScreen
from tui.ui.messages import (
    AnnotationsLaidOut,
    Cleared,
    CursorMoved,
    EntitiesFound,
    EntityJumped,
    FactChosen,
    FactsFailed,
    FactsFound,
    LabelToggled,
    NewerVersionFetched,
    NewerVersionUnknown,
    NlpFailed,
    NlpProgressed,
    NoteRequested,
    PanelLeft,
    Saved,
    SearchStepped,
    SelectionChanged,
    SessionOpened,
    StoreChanged,
    WalkRequested,
    reason,
)
from tui.ui.overlays import HIGHLIGHT_COLOURS, Laidout, lay_out
from tui.ui.saving import SaveQueue
from tui.ui.widgets.article_view import ArticleView
from tui.ui.widgets.legend import Legend
from tui.ui.widgets.status_bar import NlpIndicator, StatusBar

if TYPE_CHECKING:
    from tui.core.facts import Facts
    from tui.core.session import DocumentSession
    from tui.core.store import Bookmark, Store
    from tui.ui.app import SorotApp
    from tui.ui.screens.annotate import NoteResult
    from tui.ui.screens.export import ExportChoice
    from tui.ui.widgets.facts_panel import FactsPanel
    from tui.ui.widgets.notes_panel import NotesPanel

T = TypeVar("T")

FRAME_OUT_SECONDS = 0.01
"""How long the reader waits after its first paint for the frame to be written (see ``let_the_frame_out``)."""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _snippet(text: str, limit: int = 60) -> str:
    """``text`` on one line, quoted, cut at a word after about ``limit`` characters (a dialog's title)."""
    flat = inert(" ".join(text.split()))
    if len(flat) > limit:
        cut = flat.rfind(" ", 0, limit)
        flat = flat[: cut if cut > limit // 2 else limit] + "…"
    return f"“{flat}”"


def _changed_place(
    before: list[Annotation], after: list[Annotation], marks_before: list[Bookmark], marks_after: list[Bookmark]
) -> int | None:
    """Where an undo or redo changed the document: the first of the annotations it added, took
    away or changed that sit in this text, else the bookmark it set or deleted; None if neither."""
    old, new = {a.id: a for a in before}, {a.id: a for a in after}
    changed = [a for key, a in new.items() if old.get(key) != a] + [a for key, a in old.items() if key not in new]
    if starts := [a.start for a in changed if a.status != "orphaned"]:
        return min(starts)
    old_marks, new_marks = {b.id: b.offset for b in marks_before}, {b.id: b.offset for b in marks_after}
    offsets = [offset for key, offset in (old_marks | new_marks).items() if (key in old_marks) != (key in new_marks)]
    return min(offsets, default=None)


def _note_changes(ann: Annotation, result: NoteResult) -> dict[str, object]:
    """What the note dialog changed, and only that: the note if it was edited, the tags added and
    removed (ignoring case), so that another reader's change to the rest is kept."""
    changes: dict[str, object] = {}
    if result.note != ann.note:
        changes["note"] = result.note
    before, after = {tag.casefold() for tag in ann.tags}, {tag.casefold() for tag in result.tags}
    if before != after:
        changes["add_tags"] = [tag for tag in result.tags if tag.casefold() not in before]
        changes["remove_tags"] = [tag for tag in ann.tags if tag.casefold() not in after]
    return changes


@contextmanager
def _collector_kept_off(reader: ReaderScreen, *, collect: bool = False, freeze: bool = True) -> Iterator[None]:
    """Make what a reader keeps while it is open (its annotations, entities and facts) without
    Python's cyclic garbage collector running over it as it grows, and freeze it out of the
    collector's walks once made; :meth:`ReaderScreen.on_unmount` lets it back.

    Each full collection walks every object alive, holding the interpreter's lock while the
    interface (on the same interpreter) stands still: with 100,000 annotations read, a million
    objects, for half a second, and the load set off five; the 30,000 facts of a 3 MB article,
    unpickled from the NLP process, set off passes of 50 ms each. ``collect`` leaves the collector
    on meanwhile (a long wait) and only freezes at the end. If the reader closed in the meantime,
    nothing here is kept, and nothing stays frozen.

    A freeze takes in every object alive, the interface's too, and what dies frozen stays until
    the reader closes: so a reader freezes what it makes once (its annotations, entities, first
    facts), and facts made again after a correction only pause the collector (``freeze=False``;
    each freeze kept some 3.7 MB of a 200 KB article's old rows, cycles the tree makes).
    """
    if not collect:
        with _PAUSES.lock:
            if _PAUSES.count == 0:
                _PAUSES.was_enabled = gc.isenabled()
                gc.disable()
            _PAUSES.count += 1
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if not collect:
            with _PAUSES.lock:  # back on when the last of the threads that paused it is done
                _PAUSES.count -= 1
                if _PAUSES.count == 0 and _PAUSES.was_enabled:
                    gc.enable()
        if reader._left:
            gc.unfreeze()


class _Pauses:
    """How many threads have the collector paused (:func:`_collector_kept_off`), and whether it
    was on before the first of them: a thread done first must not turn it on under another."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.was_enabled = True


_PAUSES = _Pauses()


def _with_annotations(action):
    """An action on the annotations: while they are still being read (a big database), or while the
    last change is being saved, it waits, and so do the keys typed after it (a note's text, a
    picker's number), which are meant for what it opens; after :data:`ANNOTATIONS_HOLD_SECONDS`,
    a bell and a word instead."""

    @functools.wraps(action)
    def guarded(self: ReaderScreen, *args, **kwargs):
        if self._saving or self.session_now() is None:
            self._waiting_actions.append(functools.partial(action, self, *args, **kwargs))
            if len(self._waiting_actions) == 1:
                self.app.typed_keys.hold(ANNOTATIONS_HOLD_SECONDS, self._annotations_too_slow)
            if self._session is None:
                self.say("annotations are loading: this goes on once they are read")
                self._said_loading = True
            return None
        return action(self, *args, **kwargs)

    return guarded


ANNOTATIONS_AT_ONCE = 2_000
"""Up to this many annotations, a change shows at once; more are laid out in a thread first."""
ANNOTATIONS_WAIT_SECONDS = 0.5
"""How long a key that acts on annotations waits for them to be read before saying they are not yet."""
ANNOTATIONS_HOLD_SECONDS = 15.0
"""How long such a key, and the keys typed after it, wait for them before being given up."""


SEARCH_AS_YOU_TYPE_CHARS = 500_000
"""Articles shorter than this are searched on every keystroke; longer ones after a pause."""
SEARCH_PAUSE_SECONDS = 0.25
NARROW_COLUMNS = 110
"""Below this width the facts panel goes under the article instead of beside it."""
SHORT_ROWS = 28
"""In a window this short, a panel under the article would leave it a dozen rows (11 of 24): there
the panel starts hidden and ``p`` shows it (the choice then holds for the rest of the session)."""
PANEL_HINT = "p shows the facts panel"
ARTICLE_MIN_COLUMNS = 60
"""The columns a panel beside the article leaves it at least, however wide the config's
``panel_width``: a 60-column text (with its margin and scrollbar) is about the shortest comfortable
line (typography's 45-75 characters), and at the 110 columns where the panel comes beside the
article the default 46 still fits whole."""
"""The status line's word when the window hid the panel: the key bar is cut before ``p`` there."""
SAVE_AT_ONCE_SECONDS = 0.05
"""A change saved within this is shown before the next key is read; a slower save goes on in its thread."""
SAVE_FINISH_SECONDS = 30.0
"""How long leaving the reader waits for a change being saved (a lock held by another process)."""
LEFT_COLLECT_SECONDS = 0.1
"""How long after a reader is left its garbage is collected (the screen under it drawn first; a
full collection, 50-150 ms)."""
STORE_POLL_SECONDS = 0.5
"""How often the reader looks whether another process changed the annotation database (a stat
of the file when nothing changed; terminals in tmux send no focus events to wait for)."""


class TitleBar(Static):
    """The article's title and the file it came from."""

    def __init__(self, article: Article) -> None:
        super().__init__(id="title-bar")
        self.article = article

    def render(self) -> Text:
        title = Text(inert(self.article.title), style="bold")
        web = self.article.web
        if web is not None:
            said = [part for part in (web.site, web.published[:10], web.author) if part]
            if web.pages > 1:
                said.append(f"{web.pages} pages")
            said.append(self.article.name if self.article.path is not None else web.url)
            title.append("  " + inert(" · ".join(said)), style="dim")
        elif self.article.path is not None:
            title.append(f"  {inert(self.article.name)}", style="dim")
        title.truncate(max(1, self.size.width), overflow="ellipsis")
        return title


class SearchBar(Input):
    """``/`` opens it; typing highlights matches, enter keeps them, escape clears them."""

    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel search", show=False, tooltip="Close the search and clear it", id="search.cancel"
        )
    ]

    def action_cancel(self) -> None:
        self.value = ""
        self.screen.end_search("")

    async def action_submit(self) -> None:
        # At once, not through a Submitted message: the keys typed after enter (n for the next
        # match) are the article's, and are handed on as soon as this key is done (tui.ui.keys).
        self.screen.end_search(self.value)


class ReaderScreen(KeyBarScreen):
    """Read one article with its entities highlighted."""

    BINDINGS = [
        Binding(
            "slash", "start_search", "Search", key_display="/",
            tooltip="Search: matches highlight as you type; enter keeps them, esc clears", id="reader.start_search",
        ),
        *(
            Binding(
                str(n), f"toggle_label_number({n})", f"Toggle label {n}", show=False,
                tooltip="Switch the n-th legend label's highlighting off / on", id=f"reader.toggle_label_{n}",
            )
            for n in range(1, 10)
        ),
        Binding("tab", "toggle_focus", "Facts ⇄ article", key_display="tab",
                tooltip="Move the focus between the article and the facts panel", id="reader.toggle_focus"),
        Binding("i", "sentence_facts", "Facts here", tooltip="Show the facts of the sentence under the cursor",
                id="reader.sentence_facts"),
        Binding("p", "toggle_panel", "Panel", tooltip="Hide or show the facts panel (for the session)",
                id="reader.toggle_panel"),
        Binding("t", "switch_tab", "Facts/Notes", tooltip="Show the other tab of the side panel: facts or notes",
                id="reader.switch_tab"),
        Binding("h", "highlight", "Highlight", tooltip="Highlight the selection (or the word) in a colour",
                id="reader.highlight"),
        Binding("a", "annotate", "Note", tooltip="Write a note with tags on the selection (or the word)",
                id="reader.annotate"),
        Binding("e", "add_entity", "Add entity", show=False,
                tooltip="Mark the selection (or the word) as an entity, choosing its label", id="reader.add_entity"),
        Binding("l", "relabel_entity", "Relabel", show=False, tooltip="Change the entity's label under the cursor",
                id="reader.relabel_entity"),
        Binding("x", "reject_entity", "Not an entity", show=False,
                tooltip="Reject the entity under the cursor: no longer highlighted, out of the facts",
                id="reader.reject_entity"),
        Binding("u", "undo", "Undo", show=False, tooltip="Undo the last annotation change", id="reader.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, tooltip="Redo what was undone", id="reader.redo"),
        Binding("m", "bookmark", "Bookmark", show=False, tooltip="Bookmark the cursor's place", id="reader.bookmark"),
        Binding("apostrophe", "bookmarks", "Bookmarks", show=False, key_display="'",
                tooltip="List the bookmarks: enter goes to one, d deletes", id="reader.bookmarks"),
        Binding("E", "export", "Export", show=False,
                tooltip="Export annotations (W3C, JSONL, CSV, Markdown, spaCy, Prodigy, brat)", id="reader.export"),
        Binding("backspace", "back", "Back", key_display="⌫", tooltip="Back to the article list or the feeds",
                id="reader.back"),
        Binding("R", "reload", "Newer version", tooltip="Read the newer version of this web article",
                id="reader.reload"),
    ]  # fmt: skip

    if TYPE_CHECKING:

        @property
        def app(self) -> SorotApp: ...  # the app this screen runs in, typed as Sorot's

    def __init__(
        self,
        article: Article,
        *,
        can_go_back: bool = False,
        check_web: bool = False,
        via: str | None = None,
        at: int | None = None,
    ) -> None:
        super().__init__()
        self.article = article
        self.start_at = at
        """Where the cursor starts (a sentence picked in the library), instead of the saved place."""
        self.can_go_back = can_go_back
        self.check_web = check_web and article.web is not None and article.path is None
        """Whether to ask the server for a newer version of this kept web article, once it shows."""
        self.via = via
        self.newer: Article | None = None
        """A newer version of this web article, fetched in the background: ``R`` reads it."""
        self._entity_shown = False
        self._search_timer: Timer | None = None
        self.facts: Facts | None = None
        self.model_entities: list[Entity] | None = None
        self._view: ArticleView | None = None
        self.side_ready = False
        self._selection_shown = False
        self._session: DocumentSession | None = None
        self._opening = False
        self._opened = threading.Event()
        self._opened_as: DocumentSession | Exception | None = None
        self._opened_laid_out: Laidout | None = None
        self._notes_panel: NotesPanel | None = None
        self._left = False
        self._waiting_actions: list[Callable[[], object]] = []
        """Actions on the annotations asked for while they were being read or saved (:func:`_with_annotations`)."""
        self._said_loading = False
        self._saves = SaveQueue(
            self._attempt, self._saved, self._run_waiting_actions, self._from_save_thread, SAVE_AT_ONCE_SECONDS
        )
        """Changes to the annotations not yet saved, the first being saved (:meth:`_save`)."""
        self._entities_after_save = False
        self._note_drafts: dict[tuple[int, int] | str, NoteResult] = {}
        self._draft_spans: dict[str, tuple[int, int]] = {}  # a note's id -> its passage, for its draft
        """Notes written but not saved (the disk full, the lock held): by passage, or by the note edited."""
        self._panel_hidden_by_default: bool | None = None
        """Whether the side panel is hidden by default, as :meth:`on_resize` last decided."""
        self._hint_shown = False
        """Whether the status line says how to show the panel hidden for a small window."""

    def compose(self) -> ComposeResult:
        yield TitleBar(self.article)
        yield Legend(id="legend")
        with Horizontal(id="body"):
            yield ArticleView(self.article, id="article")
            # Filled after the first paint (mount_side): the text comes first.
            yield Vertical(id="side")
        yield StatusBar(id="status")
        # The search bar and the key bar come after the first paint (search_bar, mount_side): the
        # one is on a layer of its own, the other's row is kept by the status line's bottom
        # margin, so the text does not move when they arrive.

    @property
    def view(self) -> ArticleView:
        if self._view is None:
            self._view = self.query_one(ArticleView)
        return self._view

    def on_mount(self) -> None:
        self.apply_layout()
        self.view.focus()
        if self.start_at is not None:
            self.view.go_to(self.start_at)
        self.call_after_refresh(self.after_first_paint)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_go_back
        if action == "reload":
            return self.newer is not None
        return True

    # ----------------------------------------------------------------------------- NLP

    @work(thread=True, exclusive=True, group="nlp", exit_on_error=False, description="find_entities")
    def find_entities(self) -> None:
        """Runs in a thread; talks to the screen only by posting messages (thread-safe)."""
        worker = get_current_worker()
        engine = self.app.engine
        text = self.article.text

        def cancelled() -> bool:
            return worker.is_cancelled

        shown = [-5]

        def progress(done: int, total: int) -> None:
            percent = 100 * done // total
            if done < total and percent >= shown[0] + 5:
                shown[0] = percent
                self.post_message(NlpProgressed(f"finding entities {percent}%"))

        try:
            # Entities found before show at once, and the pipeline is not even loaded for them.
            with _collector_kept_off(self):
                cached = engine.cached(text)
            if cached is not None:
                entities = cached.entities
            else:
                self.post_message(NlpProgressed("loading NLP model"))
                import tui.core.facts  # noqa: F401 - while the model loads, not after the entities

                engine.language(cancelled)
                self.post_message(NlpProgressed("finding entities"))
                with _collector_kept_off(self, collect=True):  # seconds of NLP: collected meanwhile
                    entities = engine.find_entities(text, progress, cancelled)
        except PipelineError as exc:
            if not cancelled():
                self.post_message(NlpFailed(str(exc)))
            return
        if not cancelled():
            self.post_message(EntitiesFound(entities))

    # Every worker is given its description: without one Textual's @work writes one from the repr
    # of every argument, here the article's entities (0.25 s for 3 MB, on the interface's thread).
    @work(thread=True, exclusive=True, group="facts", exit_on_error=False, description="find_facts")
    def find_facts(self, entities: list[Entity]) -> None:
        """Facts of the article with these (corrected) entities; runs in a thread, posts the result."""
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        first = self.facts is None  # kept out of the collector's walks once; made again, only paused for

        def making() -> contextlib.AbstractContextManager[None]:
            return _collector_kept_off(self, freeze=first)

        try:
            published = self.article.web.published_date if self.article.web is not None else None
            facts = self.app.engine.find_facts(self.article.text, entities, cancelled, published, making=making)
        except PipelineError as exc:
            if not cancelled():
                self.post_message(FactsFailed(str(exc)))
            return
        if facts is not None and not cancelled():
            self.post_message(FactsFound(facts))

    @work(thread=True, exclusive=True, group="web", exit_on_error=False, description="check_for_newer")
    def check_for_newer(self) -> None:
        """Ask the server whether the kept copy is current (ETag / Last-Modified); a changed text
        becomes the kept copy, and ``R`` reads it."""
        from tui.core.web.fetch import FetchError
        from tui.core.web.reading import fetch_article

        worker = get_current_worker()
        assert self.article.web is not None
        try:
            fetched = fetch_article(
                self.article.web.url, self.app.fetcher, self.app.kept, via=self.via,
                cancelled=lambda: worker.is_cancelled, annotated=self.app.store.is_annotated,
            )  # fmt: skip
        except (FetchError, ArticleError, OSError) as exc:
            if not worker.is_cancelled:
                self.post_message(NewerVersionUnknown(reason(exc)))
            return
        if fetched.article is not None and fetched.article.sha256 != self.article.sha256 and not worker.is_cancelled:
            self.post_message(NewerVersionFetched(fetched.article))

    @on(NewerVersionFetched)
    def newer_version(self, event: NewerVersionFetched) -> None:
        self.newer = event.article
        self.refresh_bindings()
        self.app.notify(
            "The article has changed since it was kept. Press R to read the new version (your notes re-anchor on it).",
            title="Newer version",
            timeout=15,
            markup=False,
        )

    @on(NewerVersionUnknown)
    def newer_version_unknown(self, event: NewerVersionUnknown) -> None:
        self.app.notify(
            inert(f"Showing the kept copy: {event.reason}"), title="Offline", severity="warning", markup=False
        )

    def action_reload(self) -> None:
        if self.newer is None:
            return
        self.save_position()
        self.app.clear_notifications()  # the one that said a newer version is here
        self.app.switch_screen(ReaderScreen(self.newer, can_go_back=self.can_go_back, via=self.via))

    @on(NlpProgressed)
    def nlp_progressed(self, event: NlpProgressed) -> None:
        self.query_one(NlpIndicator).set_state(event.message, busy=True)

    @on(NlpFailed)
    def nlp_failed(self, event: NlpFailed) -> None:
        self.query_one(NlpIndicator).set_state("NLP failed", busy=False)
        self.query_one(Legend).show_note("no entities: the NLP pipeline failed (see the notification)")
        self.app.notify(inert(event.reason), title="NLP", severity="error", markup=False)

    @on(FactsFound)
    def facts_found(self, event: FactsFound) -> None:
        """The facts, first or recomputed after a correction: the panel keeps its place, and a
        sentence's facts (``i``) stay that sentence's."""
        from tui.ui.widgets.facts_panel import FactsPanel

        self.facts = event.facts
        if (panel := self.panel(FactsPanel)) is not None:
            panel.show_facts(event.facts, panel.sentence)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed with an error nobody expected (a bug, say, in a fact rule): one
        line, and the reader goes on (its workers never end the app)."""
        from tui.ui.widgets.facts_panel import FactsPanel

        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        what = {"facts": "facts could not be computed", "nlp": "entities could not be found"}.get(
            event.worker.group, f"{event.worker.group} failed"
        )
        detail = " ".join(str(error).split())[:200] if error is not None else ""
        reason = f"{what}: {type(error).__name__}" + (f": {detail}" if detail else "")
        if event.worker.group == "facts" and (panel := self.panel(FactsPanel)) is not None:
            panel.show_failure(reason)
        self.app.notify(inert(reason), title="Sorot", severity="error", markup=False)

    @on(FactsFailed)
    def facts_failed(self, event: FactsFailed) -> None:
        from tui.ui.widgets.facts_panel import FactsPanel

        if (panel := self.panel(FactsPanel)) is not None:
            panel.show_failure(event.reason)
        self.app.notify(inert(event.reason), title="Facts", severity="error", markup=False)

    @on(EntitiesFound)
    def entities_found(self, event: EntitiesFound) -> None:
        self.model_entities = event.entities
        self.show_entities()

    def show_entities(self) -> None:
        """The pipeline's entities with the reader's corrections: in the view, legend and facts."""
        if self.model_entities is None:
            return
        if self._saving:  # the session is being changed in the save thread: shown once it is saved
            self._entities_after_save = True
            return
        session = self._session  # the reader's corrections apply once they are read (session_opened)
        entities = session.corrected(self.model_entities) if session is not None else self.model_entities
        self.view.set_entities(entities, session.corrected_spans() if session is not None else ())
        self.query_one(Legend).show_entities(entities, self.view.hidden_labels)
        count = len(entities)
        self.query_one(NlpIndicator).set_state(f"{count} entit{'y' if count == 1 else 'ies'}", busy=False)
        self.find_facts(entities)

    @property
    def labels(self) -> list[str]:
        return self.query_one(Legend).labels

    # ----------------------------------------------------------------------------- labels

    def toggle_label(self, label: str) -> None:
        hidden = set(self.view.hidden_labels)
        hidden.symmetric_difference_update({label})
        self.view.hidden_labels = frozenset(hidden)
        self.query_one(Legend).show_hidden(self.view.hidden_labels)
        state = "hidden" if label in hidden else "shown"
        self.say(Text(f"{label} {state}"))

    def action_toggle_label_number(self, number: int) -> None:
        label = self.query_one(Legend).label_numbered(number)
        if label is not None:
            self.toggle_label(label)
        else:
            self.app.bell()

    @on(LabelToggled)
    def label_clicked(self, event: LabelToggled) -> None:
        self.toggle_label(event.label)

    # ----------------------------------------------------------------------------- status

    @on(CursorMoved)
    def cursor_moved(self, event: CursorMoved) -> None:
        starts = self.view.paragraph_starts
        paragraph = max(1, bisect_right(starts, event.offset))
        status = self.query_one(StatusBar)
        status.show_position(paragraph, len(starts), event.row, event.rows)
        if not event.on_focus and self._entity_shown:
            status.show_message("")  # the cursor left the entity the message was about
            self._entity_shown = False

    @on(EntityJumped)
    def entity_jumped(self, event: EntityJumped) -> None:
        entity = event.entity
        message = Text.assemble((inert(entity.text), "bold"), f" · {inert(entity.label)} · {event.index}/{event.total}")
        self.query_one(StatusBar).show_message(message)
        self._entity_shown = True

    @on(Cleared)
    def article_cleared(self) -> None:
        """Esc in the article: the status line's message (an entity, a match, a result) goes too."""
        self.say("")

    @on(SearchStepped)
    def search_stepped(self, event: SearchStepped) -> None:
        self._entity_shown = False
        if not event.query:
            self.query_one(StatusBar).show_message("")
            return
        if event.total:
            message = Text.assemble(f"{event.index} of {event.total} for ", (inert(event.query), "bold"))
        else:
            message = Text.assemble("no match for ", (inert(event.query), "bold"))
        self.query_one(StatusBar).show_message(message)

    # ----------------------------------------------------------------------------- search

    def search_bar(self) -> SearchBar:
        """The search bar, hidden until ``/``; mounted once the article is painted, or by a ``/``
        that comes first (an Input's styles and parts are some 20 ms the first paint need not wait for)."""
        try:
            return self.query_one(SearchBar)
        except NoMatches:
            bar = SearchBar(placeholder="Search (smart case: lowercase matches any case)", id="search")
            bar.display = False
            self.mount(bar, before=self.query_one(StatusBar))
            return bar

    def action_start_search(self) -> None:
        bar = self.search_bar()
        bar.display = True
        bar.value = self.view.query
        bar.focus()

    @on(Input.Changed, "#search")
    def search_typed(self, event: Input.Changed) -> None:
        # On a long article every keystroke would rescan megabytes: wait for a pause in typing.
        if self._search_timer is not None:
            self._search_timer.stop()
        if len(self.article.text) < SEARCH_AS_YOU_TYPE_CHARS:
            self.view.search(event.value)
        else:
            self._search_timer = self.set_timer(SEARCH_PAUSE_SECONDS, lambda: self.view.search(event.value))

    def end_search(self, value: str) -> None:
        """Enter (``value``: the matches kept) or escape (``""``: cleared) in the search bar."""
        if self._search_timer is not None:
            self._search_timer.stop()
            if value != self.view.query:
                self.view.search(value)
        bar = self.search_bar()
        bar.display = False
        if not value:
            self.view.action_clear_search()
        self.view.end_search_typing()
        self.view.focus()

    async def after_first_paint(self) -> None:
        """What waits for the article's first frame on the terminal: the search bar, the side
        panel and the key bar, the NLP's start (the reader never waits on the model), a check for
        a newer version of a web article.

        Textual holds the frames while the app mounts (``App.batch_update``, its ``_batch_count``):
        the screen's first refresh came inside it, and was not written; all this work ran before
        the next frame, which brought the text 0.05-0.07 s later. So this waits for the hold to
        end (0.5 s at most), then for a refresh after it (which writes the frame), then a moment
        for Textual's writer thread to send it."""
        for _ in range(100):
            if not self.app._batch_count:
                break
            await asyncio.sleep(0.005)
        self.refresh()
        self.call_after_refresh(self._after_the_first_frame)

    async def _after_the_first_frame(self) -> None:
        await asyncio.sleep(FRAME_OUT_SECONDS)
        self.search_bar()
        await self.mount_side()
        self.find_entities()
        if self.check_web:
            self.check_for_newer()

    # ----------------------------------------------------------------------------- side panel

    async def mount_side(self) -> None:
        """The Facts and Notes tabs, mounted once the article is on screen (they cost a tenth of
        a second of styling that the first paint need not wait for)."""
        from textual.widgets import TabbedContent, TabPane

        from tui.ui.widgets.facts_panel import FactDetail, FactsPanel
        from tui.ui.widgets.notes_panel import NotesPanel

        tabs = TabbedContent(id="side-tabs")
        await self.query_one("#side").mount(tabs)
        detail = FactDetail(id="fact-detail")
        detail.display = False
        await tabs.add_pane(TabPane("Facts", FactsPanel(id="facts"), detail, id="tab-facts"))
        self._notes_panel = NotesPanel(id="notes")
        await tabs.add_pane(TabPane("Notes", self._notes_panel, id="tab-notes"))
        self.side_ready = True
        await self.mount_footer()
        self.open_session()
        if self._session is not None:
            self.refresh_annotations()
        if self.facts is not None:
            self.query_one(FactsPanel).show_facts(self.facts)

    async def mount_footer(self) -> None:
        """The key bar, built once with the screen's bindings as they are after the first paint.

        Composed with the screen, it was built empty, then rebuilt for each change of bindings
        before it showed (the screen pushed, the article focused): twice, 0.1-0.2 s in the second
        after the paint, when the first keys come."""
        await self.mount(Footer())
        self.refresh_bindings()

    def panel(self, kind: type[FactsPanel] | type[NotesPanel]):
        """The facts or notes panel, or None before the side panel is mounted."""
        return self.query_one(kind) if self.side_ready else None

    # ----------------------------------------------------------------------------- annotations

    @property
    def annotations_ready(self) -> bool:
        """Whether the document's annotations have been read and shown."""
        return self._session is not None

    @property
    def session(self) -> DocumentSession:
        """This document's annotations. They are opened in a thread after the first paint (see
        :meth:`open_session`); asked for before they are ready, this waits for them."""
        session = self.session_now(wait=None)
        assert session is not None
        return session

    def session_now(self, wait: float | None = ANNOTATIONS_WAIT_SECONDS) -> DocumentSession | None:
        """The session, waiting at most ``wait`` seconds (None: as long as it takes) for the thread
        reading it; None if it is not ready by then."""
        if self._session is None:
            self.open_session()
            if self._opened.wait(wait):
                self._adopt_session()
        return self._session

    def open_session(self) -> None:
        """Open this document's annotations, bookmarks and reading position from the app's store, in
        a thread: with 100,000 annotations, reading and placing them takes seconds that the text, the
        keys and the facts must not wait on. :class:`SessionOpened` says when they are ready."""
        if self._session is None and not self._opening:
            self._opening = True
            self._open_session_in_thread(self.app)

    @work(thread=True, group="session", exit_on_error=False, description="_open_session_in_thread")
    def _open_session_in_thread(self, app: SorotApp) -> None:
        from tui.core.session import DocumentSession, document_of
        from tui.core.store import StoreError

        try:
            with _collector_kept_off(self):
                session = DocumentSession.open(app.store, self.article.text, document_of(self.article))
                self._opened_laid_out = lay_out(list(session.annotations), self._notes_width())
                self._opened_as = session
        except (StoreError, OSError) as exc:
            self._opened_as = exc
        finally:
            self._opened.set()
        web = self.article.web
        if web is not None and self.article.path is None:
            with suppress(StoreError, OSError):
                app.store.set_read_link(web.url)  # read in every feed that lists it
        self.post_message(SessionOpened())

    def _notes_width(self) -> int:
        """The Notes list's width of text (read by threads too: a plain attribute, no layout query)."""
        panel = self._notes_panel
        return panel.laid_out_width if panel is not None else 0

    @on(SessionOpened)
    def session_opened(self) -> None:
        if self._session is None:
            self._adopt_session()

    def _adopt_session(self) -> None:
        """Take the session the thread opened: show its annotations, say what moved, go to the place."""
        from tui.core.session import DocumentSession, document_of
        from tui.core.store import Store

        opened = self._opened_as
        if not isinstance(opened, DocumentSession):
            self.app.notify(inert(f"annotations unavailable: {opened}"), severity="error", markup=False)
            self._session = DocumentSession(Store.memory(), self.article.text, document_of(self.article))
            self._not_saved_from_now()
            self.refresh_annotations()
            self._run_waiting_actions()
            return
        self._session = opened
        self.app.show_store_warnings()
        self.query_one(StatusBar).show_store_state(self.app.not_saved)
        # Entities shown before the annotations were read are shown again with the reader's corrections.
        corrections = bool(opened.corrections())
        self.refresh_annotations(entities=corrections, laid_out=self._opened_laid_out)
        self._opened_laid_out = None
        self.set_interval(STORE_POLL_SECONDS, self.watch_store)
        parts = []
        if self.session.moved:
            parts.append(f"{_count(self.session.moved, 'annotation')} moved with the edited text")
        if self.session.orphaned:
            parts.append(f"{_count(self.session.orphaned, 'annotation')} not found in it (listed under Notes)")
        if parts:
            self.app.notify("; ".join(parts), title="Annotations", markup=False)
        position = self.session.position()
        if position and not self._waiting_actions and self.start_at is None:
            # After the side panel's layout has settled: the article's height may just have changed.
            self.call_after_refresh(self.view.go_to, position)
        self._run_waiting_actions()

    def _run_waiting_actions(self) -> None:
        """Run what was asked for while the annotations were read or saved, one by one until one
        saves a change (the rest wait for that save), then the keys typed after them. Also when
        the last change waiting has been saved."""
        if not self._waiting_actions:
            return
        if self._said_loading:
            self.say("")  # no longer "annotations are loading"
            self._said_loading = False
        while self._waiting_actions and not self._saving:
            self._waiting_actions.pop(0)()
        if not self._waiting_actions:
            self.app.typed_keys.release()

    def _annotations_too_slow(self) -> None:
        self._waiting_actions.clear()
        self.app.bell()
        doing = "saving" if self._saving else "loading"
        self.say(f"annotations are still {doing}: try again in a moment")

    @work(thread=True, exclusive=True, group="store-watch", exit_on_error=False, description="watch_store")
    def watch_store(self) -> None:
        """Whether another process wrote to the database: in a thread, since a changed file is
        parsed again here (0.1-0.3 s for a 6 MB file of 10,000 annotations)."""
        from tui.core.store import StoreError

        session = self._session
        try:
            behind = session is not None and session.behind()
        except (StoreError, OSError):
            return  # the file is being replaced or unreadable: the next look tells
        if behind and not get_current_worker().is_cancelled:
            self.post_message(StoreChanged())

    @on(StoreChanged)
    def store_changed(self) -> None:
        """Show what other processes added, changed or deleted; the selection, the cursor and any
        open dialog stay as they are."""
        if self._saving:
            return  # a change of this reader's is being saved: the next look tells
        session = self.session
        before = session.corrections()
        if self._safely(session.sync):
            self.refresh_annotations(entities=session.corrections() != before)

    def say(self, message: str | Text, *, keep: bool = False) -> None:
        """A message in the status line about what just happened: it goes after
        :data:`~tui.ui.widgets.status_bar.MESSAGE_SECONDS` (or when the next message comes, the
        cursor leaves an entity, esc); with ``keep``, only then, as a state that lasts (a selection)."""
        self._entity_shown = False
        self._selection_shown = False
        self._hint_shown = False
        self.query_one(StatusBar).show_message(message, expires=not keep)

    def on_unmount(self) -> None:
        self._saves.finish(self._safely, SAVE_FINISH_SECONDS)
        self.save_position()
        self._left = True
        if self._waiting_actions:  # left before the annotations were read: the keys go on
            self._waiting_actions.clear()
            self.app.typed_keys.release()
        gc.unfreeze()  # what this document held may now be garbage: let the collector see it again
        # ... and collect it once the screen under it is back: unfrozen, it is in the oldest
        # generation, whose passes are rare, and the next reader's freeze kept it for good (every
        # reader opened from the library stayed alive, 10 MB each for 200 KB articles).
        if self.app.is_running:
            self.app.set_timer(LEFT_COLLECT_SECONDS, gc.collect, name="collect the reader left")

    def save_position(self) -> None:
        view = self._view  # also on unmount, when the screen's widgets are already gone
        if view is not None and self._session is not None:
            self._safely(lambda: self.session.save_position(view.cursor))

    # ----------------------------------------------------------------------------- saving

    def _safely(self, change: Callable[[], T]) -> T | None:
        """Run a store change here and now; a failure is a notification (see :meth:`_attempt`)."""
        result, failure, in_memory = self._attempt(change)
        self._report(failure, in_memory)
        return result

    def _attempt(self, change: Callable[[], T]) -> tuple[T | None, str | None, bool]:
        """Run a store change: its result, what went wrong (disk full, a lock held too long) in one
        line, and whether the session moved to memory. A database that no longer takes saves at all
        (made read-only, replaced by a FIFO) leaves this article's annotations in memory, where the
        change is made, for the session. Safe in the save thread: it touches no widget."""
        from tui.core.store import NotWritableError, StoreError

        try:
            return change(), None, False
        except NotWritableError as exc:
            if self._session is None or self._session.store.path is None:
                return None, f"not saved: {exc}", False
            self._session.keep_in_memory()
            kept = f"not saved: {exc}; this article's annotations are kept in memory until you quit"
            try:
                return change(), kept, True
            except (StoreError, OSError, KeyError, ValueError) as again:
                return None, f"{kept}\nnot saved: {again}", True
        except (StoreError, OSError, KeyError, ValueError) as exc:
            return None, f"not saved: {exc}", False

    def _report(self, failure: str | None, in_memory: bool) -> None:
        if in_memory:
            self._not_saved_from_now()
        if failure:
            self.app.notify(inert(failure), title="Annotations", severity="error", markup=False)

    @property
    def _saving(self) -> bool:
        """Whether a change to the annotations is being saved."""
        return bool(self._saves)

    def _save(
        self, change: Callable[[], T], then: Callable[[T], object], failed: Callable[[], object] | None = None
    ) -> None:
        """Make a change to the annotations in the save thread, then ``then(result)`` here
        (:mod:`tui.ui.saving`). An action on the annotations asked for meanwhile waits for the
        save, and so do the keys typed after it (:func:`_with_annotations`); a failure is a
        notification, the status line says so, and ``failed()`` runs instead of ``then``."""
        self._saves.save(change, (then, failed))

    def _from_save_thread(self, call: Callable[[], None]) -> None:
        self.post_message(Saved(call))

    @on(Saved)
    def saved_later(self, event: Saved) -> None:
        event.call()

    def _saved(self, outcome: tuple[object, str | None, bool], callbacks: tuple[Callable[[Any], object], Any]) -> None:
        result, failure, in_memory = outcome
        then, failed = callbacks
        self._report(failure, in_memory)
        if result is not None:
            then(result)
        else:
            self.say("not saved (the notification says why)")
            if failed is not None:
                failed()
        if self._entities_after_save:
            self._entities_after_save = False
            self.show_entities()

    def _not_saved_from_now(self) -> None:
        """This session's annotations live in memory from now on: the status line says so."""
        self.app.not_saved = self.app.not_saved or "not saved"
        with suppress(NoMatches):  # also when the reader is closing (its position saved)
            self.query_one(StatusBar).show_store_state(self.app.not_saved)

    def refresh_annotations(self, *, entities: bool = False, laid_out: Laidout | None = None) -> None:
        """Show the session's annotations in the article and the Notes tab (and, with ``entities``,
        the entities as corrected). Up to :data:`ANNOTATIONS_AT_ONCE` are laid out at once; more
        in a thread (half a second for 100,000), the old ones staying on screen meanwhile."""
        from textual.widgets import TabbedContent

        from tui.ui.widgets.notes_panel import NotesPanel

        if laid_out is None:
            annotations = list(self.session.annotations)  # a copy: the session sorts its own in place
            if len(annotations) > ANNOTATIONS_AT_ONCE:
                self._lay_out_in_thread(annotations, entities)
                return
            laid_out = lay_out(annotations, self._notes_width())
        self.view.show_marks(laid_out.marks)
        if self.side_ready:
            self.query_one(NotesPanel).show_annotations(laid_out.notes.annotations, laid_out.notes)
            count, damaged = len(laid_out.notes.ids), self.session.damaged
            label = f"Notes ({count:,}, {damaged:,} damaged)" if damaged else f"Notes ({count:,})" if count else "Notes"
            self.query_one(TabbedContent).get_tab("tab-notes").label = label
        if entities:
            self.show_entities()

    @work(thread=True, exclusive=True, group="annotations", exit_on_error=False, description="_lay_out_in_thread")
    def _lay_out_in_thread(self, annotations: list[Annotation], entities: bool) -> None:
        laid_out = lay_out(annotations, self._notes_width())
        if not get_current_worker().is_cancelled:
            self.post_message(AnnotationsLaidOut(laid_out, entities))

    @on(AnnotationsLaidOut)
    def annotations_laid_out(self, event: AnnotationsLaidOut) -> None:
        self.refresh_annotations(entities=event.entities, laid_out=event.laid_out)

    def target(self) -> tuple[int, int] | None:
        """What an action applies to: the selection, else the entity under the cursor, else the word."""
        view = self.view
        if view.selection is not None:
            return view.selection
        entity = self.entity_at_cursor()
        if entity is not None:
            return entity.start, entity.end
        return view.word_at(view.cursor)

    def entity_at_cursor(self) -> Entity | None:
        cursor = self.view.cursor
        return next((e for e in self.view.entities if e.start <= cursor < e.end), None)

    def _done(self, message: str | Text, *, entities: bool = False) -> None:
        self.view.cancel_selection()
        self.refresh_annotations(entities=entities)
        self._say_changed(message)

    def _say_changed(self, message: str | Text) -> None:
        """Say what a change did, and, when the database does not take saves, that it is not saved
        (the status line says why: "read-only")."""
        if self.app.not_saved:
            if isinstance(message, str):
                message = message.replace("note saved", "note kept for this session")
            message = Text.assemble(message, " · not saved")
        self.say(message)

    @_with_annotations
    def action_highlight(self) -> None:
        from tui.ui.screens.annotate import ChoiceScreen

        span = self.target()
        if span is None:
            self.app.bell()
            return
        choices = [(colour, colour) for colour in HIGHLIGHT_COLOURS]
        # The same passage highlighted again changes its colour: one highlight, not two stacked.
        existing = next(
            (a for a in self.session.placed() if a.kind == Kind.HIGHLIGHT and (a.start, a.end) == span), None
        )

        def chosen(colour: str | None) -> None:
            if not colour or (existing is not None and colour == existing.colour):
                return
            if existing is not None:
                self._save(
                    lambda: self.session.edit(existing.id, colour=colour),
                    lambda _: self._done(f"highlight now {colour} (u undoes)"),
                )
            else:
                self._save(
                    lambda: self.session.annotate(*span, Kind.HIGHLIGHT, colour=colour),
                    lambda _: self._done(f"highlighted in {colour} (u undoes)"),
                )

        current = existing.colour if existing is not None else None
        title = f"Highlight colour for {_snippet(self.view.text[span[0] : span[1]])}"
        self.app.push_screen(ChoiceScreen(title, choices, current=current), chosen)

    @_with_annotations
    def action_annotate(self) -> None:
        from tui.ui.screens.annotate import NoteScreen

        existing = None
        if self.view.selection is None:
            existing = next((a for a in self.session.at(self.view.cursor) if a.kind == Kind.NOTE), None)
        if existing is not None:
            self.edit_note(existing.id)
            return
        target = self.target()
        draft = self._note_drafts.pop(target, None) if target is not None else None
        if draft is None and (lost := self._draft_of_a_lost_note()) is not None:
            target, draft = lost
        if target is None:
            self.app.bell()
            return
        span = target

        def written(result: NoteResult | None) -> None:
            if result is None:
                return
            self._save(
                lambda: self.session.annotate(*span, Kind.NOTE, note=result.note, tags=result.tags),
                lambda _: self._done("note saved (u undoes)"),
                lambda: self._keep_draft(span, result),
            )

        quote = self.article.text[span[0] : span[1]]
        note, tags = (draft.note, draft.tags) if draft is not None else ("", ())
        known_tags = self._safely(self.session.tags) or []
        self.app.push_screen(NoteScreen(quote, note=note, tags=tags, known_tags=known_tags), written)

    def _keep_draft(self, key: tuple[int, int] | str, result: NoteResult, span: tuple[int, int] | None = None) -> None:
        """A note that could not be saved is kept as it was written: ``a`` on its passage (or on the
        note it edited, ``span`` its passage) opens it again, to save once the disk lets it."""
        self._note_drafts[key] = result
        if isinstance(key, str) and span is not None:
            self._draft_spans[key] = span
        self.say("the note was not saved: a opens it again as you wrote it")

    def _draft_of_a_lost_note(self) -> tuple[tuple[int, int], NoteResult] | None:
        """The passage and unsaved draft of an edited note under the cursor that is no longer there
        (its record could not be read again, say): ``a`` there opens the draft, to save as a note."""
        cursor = self.view.cursor
        for note_id, (start, end) in list(self._draft_spans.items()):
            if start <= cursor <= end and note_id in self._note_drafts:
                del self._draft_spans[note_id]
                return (start, end), self._note_drafts.pop(note_id)
        return None

    def edit_note(self, annotation_id: str) -> None:
        from tui.ui.screens.annotate import NoteScreen

        ann = next((a for a in self.session.annotations if a.id == annotation_id), None)
        if ann is None:
            return

        def written(result: NoteResult | None) -> None:
            if result is None:
                return
            changes = _note_changes(ann, result)
            if not changes:
                self.say("note unchanged")  # nothing rewritten: the stored note keeps its time and bytes
                return

            def save() -> str:
                session = self.session
                if ann.status != "orphaned" and session.deleted_elsewhere(ann.id):
                    # Deleted in another window while this one was being written: what was written is kept.
                    session.annotate(ann.start, ann.end, Kind.NOTE, note=result.note, tags=result.tags)
                    return "the note was deleted elsewhere: saved what you wrote as a new note (u undoes)"
                session.edit(ann.id, **changes)
                return "note saved (u undoes)"

            self._save(save, self._done, lambda: self._keep_draft(ann.id, result, (ann.start, ann.end)))

        draft = self._note_drafts.pop(ann.id, None)
        self._draft_spans.pop(ann.id, None)
        note, tags = (draft.note, draft.tags) if draft is not None else (ann.note, ann.tags)
        screen = NoteScreen(ann.quote.exact, note=note, tags=tags, known_tags=self._safely(self.session.tags) or [])
        self.app.push_screen(screen, written)

    def entity_labels(self) -> list[str]:
        """Labels the reader can give an entity: every one Sorot's pipeline produces, then any other
        this article shows (another pipeline's GPE or NORP, a label given by hand), in the fixed order."""
        seen = {e.label for e in [*(self.model_entities or ()), *self.view.entities]}
        seen.update(self.session.entity_labels())
        return [*PIPELINE_LABELS, *sorted(seen - set(PIPELINE_LABELS), key=label_order)]

    def _pick_label(self, title: str, current: str | None, then) -> None:
        from tui.ui.screens.annotate import ChoiceScreen

        choices = [(label, label) for label in self.entity_labels()]
        self.app.push_screen(ChoiceScreen(title, choices, current=current), then)

    @_with_annotations
    def action_add_entity(self) -> None:
        span = self.view.selection or self.view.word_at(self.view.cursor)
        if span is None:
            self.app.bell()
            return

        def chosen(label: str | None) -> None:
            if label:
                self._save(
                    lambda: self.session.add_entity(*span, label),
                    lambda _: self._done(f"marked as {label} (u undoes)", entities=True),
                )

        self._pick_label(f"Label for {_snippet(self.article.text[span[0] : span[1]])}", None, chosen)

    @_with_annotations
    def action_relabel_entity(self) -> None:
        entity = self.entity_at_cursor()
        if entity is None:
            self.app.bell()
            self.say("no entity under the cursor")
            return

        # The reader's record of this entity is changed in place; back to the model's label, it goes.
        relabel = partial(self.session.relabel_entity, entity.start, entity.end, model_label=self._model_label(entity))

        def chosen(label: str | None) -> None:
            if label and label != entity.label:
                self._save(
                    lambda: relabel(label) or True,
                    lambda _: self._done(f"{entity.label} → {label} (u undoes)", entities=True),
                )

        self._pick_label(f"New label for {_snippet(entity.text)}", entity.label, chosen)

    @_with_annotations
    def action_reject_entity(self) -> None:
        entity = self.entity_at_cursor()
        if entity is None:
            self.app.bell()
            self.say("no entity under the cursor")
            return
        # An entity the reader added is taken back (reject_entity returns None then), a model's rejected.
        model_label = self._model_label(entity)
        reject = partial(self.session.reject_entity, entity.start, entity.end, entity.label, model_label=model_label)
        said = Text.assemble((inert(entity.text), "bold"), " is not an entity (u undoes)")
        self._save(lambda: reject() or True, lambda _: self._done(said, entities=True))

    def _model_label(self, entity: Entity) -> str | None:
        """The label the pipeline gave the entity on exactly ``entity``'s span (None: it found none there)."""
        span = (entity.start, entity.end)
        return next((e.label for e in self.model_entities or () if (e.start, e.end) == span), None)

    def _history(self, verb: str) -> None:
        """Undo or redo; the status line says what in plain words ("Undone: added entity “X” (LOC)")."""
        session = self.session
        if not (session.can_undo if verb == "undo" else session.can_redo):
            self.app.bell()
            self.say(f"nothing to {verb}")
            return
        done = "Undone" if verb == "undo" else "Redone"
        before, marks = list(session.annotations), list(session.bookmarks)

        def undone(description: str) -> None:
            # The description quotes the article: plain text, control characters made inert.
            self._done(Text(f"{done}: {inert(description)}"), entities=True)
            place = _changed_place(before, session.annotations, marks, session.bookmarks)
            if place is not None:  # the cursor goes to what changed back, which may be pages away
                self.view.move_cursor(min(place, len(self.article.text)), center=True)

        self._save(session.undo if verb == "undo" else session.redo, undone)

    @_with_annotations
    def action_undo(self) -> None:
        self._history("undo")

    @_with_annotations
    def action_redo(self) -> None:
        self._history("redo")

    @_with_annotations
    def action_bookmark(self) -> None:
        cursor = self.view.cursor
        if any(b.offset == cursor for b in self.session.bookmarks):
            self.say("already bookmarked here (' lists the bookmarks)")
            return
        self._save(
            lambda: self.session.bookmark(cursor),
            lambda _: self._say_changed(f"bookmark {len(self.session.bookmarks)} set (' lists them)"),
        )

    @_with_annotations
    def action_bookmarks(self) -> None:
        from tui.ui.screens.annotate import BookmarksScreen

        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            action, bookmark_id = result
            mark = next((b for b in self.session.bookmarks if b.id == bookmark_id), None)
            if mark is None:
                return
            if action == "go":
                self.view.move_cursor(min(mark.offset, len(self.article.text)), center=True)
            else:
                self._save(
                    lambda: self.session.remove_bookmark(bookmark_id),
                    lambda _: self._say_changed("bookmark deleted (u undoes)"),
                )

        screen = BookmarksScreen(self.session.bookmarks, self.article.text, self.view.paragraph_starts)
        self.app.push_screen(screen, chosen)

    @_with_annotations
    def action_export(self) -> None:
        from tui.ui.screens.export import ExportScreen

        stem = self.article.path.stem if self.article.path is not None else None
        self.app.push_screen(ExportScreen(stem), self._export_chosen)

    def _export_chosen(self, choice: ExportChoice | None) -> None:
        if choice is not None:
            self.run_export(choice, self.session.store)

    @work(thread=True, group="export", exit_on_error=False, description="run_export")
    def run_export(self, choice: ExportChoice, store: Store) -> None:
        """Export in a thread (the training formats may run the NLP on other documents) from
        ``store``, the one the session lives in: the database, or memory when it takes no saves."""
        from tui.core.exchange import ExchangeError, run_export

        def find(text: str) -> list[Entity]:
            if text == self.article.text and self.model_entities is not None:
                return self.model_entities
            return self.app.engine.find_entities(text)

        doc: os.PathLike[str] | str | None = None
        if choice.scope == "document":
            web = self.article.web
            doc = self.article.path if self.article.path is not None or web is None else web.url
        try:
            report = run_export(
                store,
                choice.format,
                doc,
                choice.path,
                find=find,
                max_bytes=self.app.max_bytes,
                options=choice.options,
            )
        except ExchangeError as exc:
            self.app.call_from_thread(
                self.app.notify, inert(str(exc)), title="Export failed", severity="error", markup=False
            )
            return
        message = inert(report.summary())
        if report.warnings:
            message += "\n" + "\n".join(inert(w) for w in report.warnings[:3])
        self.app.call_from_thread(self.app.notify, message, title="Exported", timeout=8, markup=False)

    @on(NoteRequested)
    @_with_annotations
    def note_requested(self, event: NoteRequested) -> None:
        ann = next((a for a in self.session.annotations if a.id == event.annotation_id), None)
        if ann is None:
            return
        if event.action == "go":
            if ann.status == "orphaned":
                self.app.bell()
                self.say("not found in this text: select its passage, then r")
                return
            sentence = self._sentence_at(ann.start) or (ann.start, ann.end)
            self.view.show_spans([(ann.start, ann.end)], [sentence], ann.label or ann.kind)
        elif event.action == "edit":
            self.edit_note(ann.id)
        elif event.action == "delete":
            self._save(
                lambda: self.session.delete(ann.id),
                lambda _: self._done("annotation deleted (u undoes)", entities=Kind.of(ann.kind).corrects_entities),
            )
        elif event.action == "reattach":
            span = self.view.selection
            if span is None:
                self.app.bell()
                self.say("select the passage first (v, then move), then r")
                return
            self._save(
                lambda: self.session.edit(ann.id, start=span[0], end=span[1]),
                lambda _: self._done("annotation re-attached (u undoes)", entities=Kind.of(ann.kind).corrects_entities),
            )

    def action_switch_tab(self) -> None:
        from textual.widgets import TabbedContent

        from tui.ui.widgets.facts_panel import FactsPanel
        from tui.ui.widgets.notes_panel import NotesPanel

        if not self.side_ready:
            self.app.bell()
            return
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-notes" if tabs.active == "tab-facts" else "tab-facts"
        self._show_panel()
        # The focus stays where it was: in the article, space still pages it (tab moves the focus).
        if not self.view.has_focus:
            (self.query_one(NotesPanel) if tabs.active == "tab-notes" else self.query_one(FactsPanel)).focus()

    @on(SelectionChanged)
    def selection_changed(self, event: SelectionChanged) -> None:
        if event.span is None:
            if self._selection_shown:  # not a message an action put there since
                self.say("")
            return
        size = event.span[1] - event.span[0]
        self.say(f"selected {_count(size, 'character')} · h highlight · a note · e entity · esc cancel", keep=True)
        self._selection_shown = True

    # ----------------------------------------------------------------------------- facts

    def apply_layout(self) -> None:
        """The config's panel position (a class app.tcss styles; its width is ``$panel-width``) and
        measure (the article's widest line, its scrollbar beside it)."""
        config = self.app.config
        self.set_class(config["panel"] == "left", "-panel-left")
        self.set_class(config["panel"] == "bottom", "-panel-bottom")
        if measure := config.number("measure"):
            self.view.styles.max_width = measure + 1
        self._fit_panel()

    def _fit_panel(self) -> None:
        """Cap the panel beside the article (``$panel-width``) so the article keeps
        :data:`ARTICLE_MIN_COLUMNS`; a panel under the article spans the window, uncapped."""
        side = self.query_one("#side")
        beside = not (self.has_class("-narrow") or self.has_class("-panel-bottom"))
        side.styles.max_width = max(10, self.size.width - ARTICLE_MIN_COLUMNS) if beside else None

    def on_resize(self, event) -> None:
        narrow = self.size.width < NARROW_COLUMNS
        self.set_class(narrow, "-narrow")
        # In a short window the panel under the article is a few rows: app.tcss lets it grow over
        # the article while the reader is in it, so that the fact's detail has room to be read.
        self.set_class(self.size.height < SHORT_ROWS, "-short")
        self._fit_panel()
        # Hidden or shown by default only when the default changes (the window crosses the line):
        # a panel brought back by tab or i stays through a resize.
        hidden = (
            not self.app.panel_shown if self.app.panel_shown is not None else narrow and self.size.height < SHORT_ROWS
        )
        if hidden != self._panel_hidden_by_default:
            self._panel_hidden_by_default = hidden
            self.set_class(hidden, "-no-panel")
            if hidden and self.app.panel_shown is None:
                self.say(PANEL_HINT, keep=True)  # until the panel shows
                self._hint_shown = True
            elif self._hint_shown:
                self.say("")

    def action_toggle_focus(self) -> None:
        """Article -> the side panel's open tab -> article."""
        from textual.widgets import TabbedContent

        from tui.ui.widgets.facts_panel import FactsPanel
        from tui.ui.widgets.notes_panel import NotesPanel

        if not self.view.has_focus or not self.side_ready:
            self.view.focus()
            return
        self._show_panel()
        if self.query_one(TabbedContent).active == "tab-notes":
            self.query_one(NotesPanel).focus()
        else:
            self.query_one(FactsPanel).focus()

    def _show_panel(self) -> None:
        """The side panel back (t, tab, i): the hint that says how to show it goes."""
        self.remove_class("-no-panel")
        if self._hint_shown:
            self.say("")

    def action_toggle_panel(self) -> None:
        hidden = not self.has_class("-no-panel")
        self.set_class(hidden, "-no-panel")
        self.app.panel_shown = not hidden  # and the next article opens the same way
        self._panel_hidden_by_default = hidden
        if self._hint_shown:
            self.say("")
        if hidden and not self.view.has_focus:
            self.view.focus()

    def _sentence_at(self, offset: int) -> tuple[int, int] | None:
        return self.facts.sentence_at(offset) if self.facts is not None else None

    def action_sentence_facts(self) -> None:
        from tui.ui.widgets.facts_panel import FactsPanel

        if not self.side_ready:
            self.app.bell()
            return
        sentence = self._sentence_at(self.view.cursor)
        if self.facts is None or sentence is None:
            self.app.bell()
            self.say("no facts yet" if self.facts is None else "not in a sentence")
            return
        self._show_panel()
        panel = self.query_one(FactsPanel)
        panel.show_facts(self.facts, sentence)
        panel.focus()

    @on(FactChosen)
    def fact_chosen(self, event: FactChosen) -> None:
        from tui.core.fact_rows import mention_in
        from tui.ui.widgets.facts_panel import kind_name

        fact = event.fact
        if fact.kind == "entity" and fact.mentions:
            spans = [tuple(m) for m in fact.mentions]
            sentences = [self._sentence_at(start) or tuple(fact.sentence) for start, _ in spans]
            here = mention_in(fact, event.sentence) if event.sentence is not None else None
            index = spans.index(here) if here is not None else 0
            self.view.show_spans(spans, sentences, fact.label, index)
        else:
            label = getattr(fact, "label", None) or kind_name(fact.kind)
            self.view.show_spans([(fact.start, fact.end)], [tuple(fact.sentence)], label)

    @on(Tree.NodeHighlighted, "#facts")
    def fact_highlighted(self, event: Tree.NodeHighlighted) -> None:
        """The detail under the panel follows its cursor."""
        from tui.ui.widgets.facts_panel import FactDetail, FactsPanel

        self.query_one(FactDetail).show_fact(FactsPanel.fact_of(event.node))

    @on(WalkRequested)
    def walk_requested(self, event: WalkRequested) -> None:
        if event.direction > 0:
            self.view.action_next_entity()
        else:
            self.view.action_previous_entity()

    @on(PanelLeft)
    def panel_left(self) -> None:
        """Escape in the facts or notes panel."""
        self.view.focus()

    # ----------------------------------------------------------------------------- navigation

    def action_back(self) -> None:
        if self.can_go_back:
            self.save_position()
            self.dismiss()
