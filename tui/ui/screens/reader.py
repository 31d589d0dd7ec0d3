"""The reader screen: title, legend, the article, a search bar and the status line."""

from __future__ import annotations

from bisect import bisect_right

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from tui.core.document import Article, inert
from tui.core.entities import Entity
from tui.core.facts import EntityFact, Fact, Facts
from tui.core.nlp import PipelineError
from tui.ui.widgets.article_view import ArticleView
from tui.ui.widgets.facts_panel import FactsPanel
from tui.ui.widgets.legend import Legend
from tui.ui.widgets.status_bar import NlpIndicator, StatusBar

SEARCH_AS_YOU_TYPE_CHARS = 500_000
"""Articles shorter than this are searched on every keystroke; longer ones after a pause."""
SEARCH_PAUSE_SECONDS = 0.25
NARROW_COLUMNS = 110
"""Below this width the facts panel goes under the article instead of beside it."""


class TitleBar(Static):
    """The article's title and the file it came from."""

    def __init__(self, article: Article) -> None:
        super().__init__(id="title-bar")
        self.article = article

    def render(self) -> Text:
        title = Text(inert(self.article.title), style="bold")
        if self.article.path is not None:
            title.append(f"  {inert(self.article.name)}", style="dim")
        title.truncate(max(1, self.size.width), overflow="ellipsis")
        return title


class SearchBar(Input):
    """``/`` opens it; typing highlights matches, enter keeps them, escape clears them."""

    BINDINGS = [Binding("escape", "cancel", "Cancel search", show=False, tooltip="Close the search and clear it")]

    def action_cancel(self) -> None:
        self.value = ""
        self.post_message(self.Submitted(self, ""))


class ReaderScreen(Screen):
    """Read one article with its entities highlighted."""

    BINDINGS = [
        Binding(
            "slash", "start_search", "Search", key_display="/",
            tooltip="Search: matches highlight as you type; enter keeps them, esc clears",
        ),
        *(
            Binding(
                str(n), f"toggle_label_number({n})", f"Toggle label {n}", show=False,
                tooltip="Switch the n-th legend label's highlighting off / on",
            )
            for n in range(1, 10)
        ),
        Binding("tab", "toggle_focus", "Facts ⇄ article", key_display="tab",
                tooltip="Move the focus between the article and the facts panel"),
        Binding("i", "sentence_facts", "Facts here", tooltip="Show the facts of the sentence under the cursor"),
        Binding("p", "toggle_panel", "Panel", tooltip="Hide or show the facts panel"),
        Binding("backspace", "back", "Articles", key_display="⌫", tooltip="Back to the article list"),
    ]  # fmt: skip

    def __init__(self, article: Article, *, can_go_back: bool = False) -> None:
        super().__init__()
        self.article = article
        self.can_go_back = can_go_back
        self._entity_shown = False
        self._search_timer: Timer | None = None
        self.facts: Facts | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(self.article)
        yield Legend(id="legend")
        with Horizontal(id="body"):
            yield ArticleView(self.article, id="article")
            with Vertical(id="side"):
                yield FactsPanel(id="facts")
        yield SearchBar(placeholder="Search (smart case: lowercase matches any case)", id="search")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def on_mount(self) -> None:
        self.query_one(SearchBar).display = False
        self.view.focus()
        # Start the NLP only once the text is painted: the reader never waits on the model.
        self.call_after_refresh(self.find_entities)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_go_back
        return True

    # ----------------------------------------------------------------------------- NLP

    class NlpProgressed(Message):
        """The NLP moved on: ``message`` says how far (posted from the worker thread)."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class EntitiesFound(Message):
        """The NLP finished the article (posted from the worker thread)."""

        def __init__(self, entities: list[Entity]) -> None:
            super().__init__()
            self.entities = entities

    class FactsFound(Message):
        """The facts of the article, ready after its entities (posted from the worker thread)."""

        def __init__(self, facts: Facts) -> None:
            super().__init__()
            self.facts = facts

    class FactsFailed(Message):
        """Fact extraction failed; ``reason`` is one line for the user."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class NlpFailed(Message):
        """The pipeline could not load or run; ``reason`` is one line for the user."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    @work(thread=True, exclusive=True, group="nlp")
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
                self.post_message(self.NlpProgressed(f"finding entities {percent}%"))

        try:
            # Entities found before show at once, and the pipeline is not even loaded for them.
            if (cached := engine.cached(text)) is not None:
                entities = cached.entities
            else:
                engine.language(cancelled)
                self.post_message(self.NlpProgressed("finding entities"))
                entities = engine.find_entities(text, progress, cancelled)
        except PipelineError as exc:
            if not cancelled():
                self.post_message(self.NlpFailed(str(exc)))
            return
        if cancelled():
            return
        self.post_message(self.EntitiesFound(entities))
        try:
            facts = engine.find_facts(text, entities, cancelled)
        except PipelineError as exc:
            if not cancelled():
                self.post_message(self.FactsFailed(str(exc)))
            return
        if facts is not None and not cancelled():
            self.post_message(self.FactsFound(facts))

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
        self.facts = event.facts
        self.query_one(FactsPanel).show_facts(event.facts)

    @on(FactsFailed)
    def facts_failed(self, event: FactsFailed) -> None:
        self.query_one(FactsPanel).show_failure(event.reason)
        self.app.notify(inert(event.reason), title="Facts", severity="error", markup=False)

    @on(EntitiesFound)
    def entities_found(self, event: EntitiesFound) -> None:
        entities = event.entities
        self.view.set_entities(entities)
        legend = self.query_one(Legend)
        legend.show_entities(entities, self.view.hidden_labels)
        count = len(entities)
        self.query_one(NlpIndicator).set_state(f"{count} entit{'y' if count == 1 else 'ies'}", busy=False)

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
        self.query_one(StatusBar).show_message(Text(f"{label} {state}"))

    def action_toggle_label_number(self, number: int) -> None:
        if 1 <= number <= len(self.labels):
            self.toggle_label(self.labels[number - 1])
        else:
            self.app.bell()

    @on(Legend.LabelToggled)
    def label_clicked(self, event: Legend.LabelToggled) -> None:
        self.toggle_label(event.label)

    # ----------------------------------------------------------------------------- status

    @on(ArticleView.CursorMoved)
    def cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        starts = self.view.paragraph_starts
        paragraph = max(1, bisect_right(starts, event.offset))
        status = self.query_one(StatusBar)
        status.show_position(paragraph, len(starts), event.row, event.rows)
        if not event.on_focus and self._entity_shown:
            status.show_message("")  # the cursor left the entity the message was about
            self._entity_shown = False

    @on(ArticleView.EntityJumped)
    def entity_jumped(self, event: ArticleView.EntityJumped) -> None:
        entity = event.entity
        message = Text.assemble((inert(entity.text), "bold"), f" · {inert(entity.label)} · {event.index}/{event.total}")
        self.query_one(StatusBar).show_message(message)
        self._entity_shown = True

    @on(ArticleView.SearchStepped)
    def search_stepped(self, event: ArticleView.SearchStepped) -> None:
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

    def action_start_search(self) -> None:
        bar = self.query_one(SearchBar)
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

    @on(Input.Submitted, "#search")
    def search_done(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            if event.value != self.view.query:
                self.view.search(event.value)
        bar = self.query_one(SearchBar)
        bar.display = False
        if not event.value:
            self.view.action_clear_search()
        self.view.end_search_typing()
        self.view.focus()

    # ----------------------------------------------------------------------------- facts

    def on_resize(self, event) -> None:
        self.set_class(self.size.width < NARROW_COLUMNS, "-narrow")

    def action_toggle_focus(self) -> None:
        panel = self.query_one(FactsPanel)
        if panel.has_focus:
            self.view.focus()
            return
        self.remove_class("-no-panel")
        panel.focus()

    def action_toggle_panel(self) -> None:
        hidden = not self.has_class("-no-panel")
        self.set_class(hidden, "-no-panel")
        if hidden and self.query_one(FactsPanel).has_focus:
            self.view.focus()

    def _sentence_at(self, offset: int) -> tuple[int, int] | None:
        if self.facts is None:
            return None
        sentences = self.facts.sentences
        index = bisect_right([start for start, _ in sentences], offset) - 1
        if index >= 0 and sentences[index][0] <= offset <= sentences[index][1]:
            return tuple(sentences[index])
        return None

    def action_sentence_facts(self) -> None:
        sentence = self._sentence_at(self.view.cursor)
        if self.facts is None or sentence is None:
            self.app.bell()
            self.query_one(StatusBar).show_message("no facts yet" if self.facts is None else "not in a sentence")
            return
        self.remove_class("-no-panel")
        panel = self.query_one(FactsPanel)
        panel.show_facts(self.facts, sentence)
        panel.focus()

    @on(FactsPanel.FactChosen)
    def fact_chosen(self, event: FactsPanel.FactChosen) -> None:
        fact: Fact = event.fact
        if isinstance(fact, EntityFact) and fact.mentions:
            spans = [tuple(m) for m in fact.mentions]
            sentences = [self._sentence_at(start) or tuple(fact.sentence) for start, _ in spans]
            self.view.show_spans(spans, sentences, fact.label)
        else:
            label = getattr(fact, "label", fact.kind)
            self.view.show_spans([(fact.start, fact.end)], [tuple(fact.sentence)], label)

    @on(FactsPanel.WalkRequested)
    def walk_requested(self, event: FactsPanel.WalkRequested) -> None:
        if event.direction > 0:
            self.view.action_next_entity()
        else:
            self.view.action_previous_entity()

    @on(FactsPanel.Left)
    def panel_left(self) -> None:
        self.view.focus()

    # ----------------------------------------------------------------------------- navigation

    def action_back(self) -> None:
        if self.can_go_back:
            self.dismiss()
