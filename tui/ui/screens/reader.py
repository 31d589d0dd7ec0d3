"""The reader screen: title, legend, the article, a search bar and the status line."""

from __future__ import annotations

from bisect import bisect_right

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from tui.core.document import Article
from tui.core.entities import Entity
from tui.core.nlp import PipelineError
from tui.ui.widgets.article_view import ArticleView
from tui.ui.widgets.legend import Legend
from tui.ui.widgets.status_bar import NlpIndicator, StatusBar


class TitleBar(Static):
    """The article's title and the file it came from."""

    def __init__(self, article: Article) -> None:
        super().__init__(id="title-bar")
        self.article = article

    def render(self) -> Text:
        title = Text(self.article.title, style="bold")
        if self.article.path is not None:
            title.append(f"  {self.article.name}", style="dim")
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
        Binding("backspace", "back", "Articles", key_display="⌫", tooltip="Back to the article list"),
    ]  # fmt: skip

    def __init__(self, article: Article, *, can_go_back: bool = False) -> None:
        super().__init__()
        self.article = article
        self.can_go_back = can_go_back
        self.entities: list[Entity] = []

    def compose(self) -> ComposeResult:
        yield TitleBar(self.article)
        yield Legend(id="legend")
        yield ArticleView(self.article, id="article")
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

    @work(thread=True, exclusive=True, group="nlp")
    def find_entities(self) -> None:
        worker = get_current_worker()
        engine = self.app.engine
        indicator = self.query_one(NlpIndicator)
        call = self.app.call_from_thread
        try:
            engine.language()
            call(indicator.set_state, "finding entities", busy=True)

            shown = [0]

            def progress(done: int, total: int) -> None:
                percent = 100 * done // total
                if not worker.is_cancelled and done < total and percent >= shown[0] + 5:
                    shown[0] = percent
                    call(indicator.set_state, f"finding entities {percent}%", busy=True)

            entities = engine.find_entities(self.article.text, progress, lambda: worker.is_cancelled)
        except PipelineError as exc:
            if not worker.is_cancelled:
                call(indicator.set_state, "NLP failed", busy=False)
                call(self.query_one(Legend).show_note, "no entities: the NLP pipeline failed (see the notification)")
                call(self.app.notify, str(exc), title="NLP", severity="error", markup=False)
            return
        if not worker.is_cancelled:
            call(self.show_entities, entities)

    def show_entities(self, entities: list[Entity]) -> None:
        self.entities = entities
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
        self.query_one(StatusBar).show_position(paragraph, len(starts), event.row, event.rows)

    @on(ArticleView.EntityJumped)
    def entity_jumped(self, event: ArticleView.EntityJumped) -> None:
        entity = event.entity
        message = Text.assemble((entity.text, "bold"), f" · {entity.label} · {event.index}/{event.total}")
        self.query_one(StatusBar).show_message(message)

    @on(ArticleView.SearchStepped)
    def search_stepped(self, event: ArticleView.SearchStepped) -> None:
        if not event.query:
            self.query_one(StatusBar).show_message("")
            return
        if event.total:
            message = Text.assemble(f"{event.index} of {event.total} for ", (event.query, "bold"))
        else:
            message = Text.assemble("no match for ", (event.query, "bold"))
        self.query_one(StatusBar).show_message(message)

    # ----------------------------------------------------------------------------- search

    def action_start_search(self) -> None:
        bar = self.query_one(SearchBar)
        bar.display = True
        bar.value = self.view.query
        bar.focus()

    @on(Input.Changed, "#search")
    def search_typed(self, event: Input.Changed) -> None:
        self.view.search(event.value)

    @on(Input.Submitted, "#search")
    def search_done(self, event: Input.Submitted) -> None:
        bar = self.query_one(SearchBar)
        bar.display = False
        if not event.value:
            self.view.action_clear_search()
        self.view.end_search_typing()
        self.view.focus()

    # ----------------------------------------------------------------------------- navigation

    def action_back(self) -> None:
        if self.can_go_back:
            self.dismiss()
