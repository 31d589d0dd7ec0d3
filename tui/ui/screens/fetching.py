"""The screen shown while an article is fetched from the web: what, how far, and esc to cancel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import get_current_worker

from tui.core.document import ArticleError, format_size, inert
from tui.ui.keymaps import KeyBarScreen
from tui.ui.messages import reason

if TYPE_CHECKING:
    from tui.core.document import Article
    from tui.ui.app import SorotApp


@dataclass
class FetchProgressed(Message):
    received: int
    total: int | None


@dataclass
class ArticleFetched(Message):
    article: Article
    warnings: tuple[str, ...] = ()


@dataclass
class FetchFailed(Message):
    reason: str


class FetchScreen(KeyBarScreen):
    """Fetches ``url`` (with its further pages) in a thread, then shows it in a reader screen;
    esc cancels. A failure is one line: a notification over the screen that asked for the
    article, or, when the article was named on the command line, the app's exit message."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Stop fetching", id="fetch.cancel")]
    # Parsed when this screen is first shown (Textual's Screen.CSS), not at the reader's start.
    CSS = """
    #fetching { align: center middle; height: 1fr; }
    #fetching > Static { width: auto; margin: 1 0 0 0; }
    #fetch-progress { width: auto; margin-top: 1; }
    """

    if TYPE_CHECKING:

        @property
        def app(self) -> SorotApp: ...

    def __init__(
        self,
        url: str,
        *,
        via: str | None = None,
        can_go_back: bool = False,
        opened: Callable[[Article], None] | None = None,
    ) -> None:
        super().__init__()
        self.url = url
        self.via = via
        self.can_go_back = can_go_back
        self.opened = opened
        self._started = 0.0

    def compose(self) -> ComposeResult:
        yield Static(Text(inert(self.url), style="bold"), id="title-bar")
        with Vertical(id="fetching"):
            yield Static(Text("Fetching the article…"), id="fetch-what")
            yield ProgressBar(total=None, show_eta=False, id="fetch-progress")
            yield Static(Text("esc cancels", style="dim"), id="fetch-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.fetch()

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False, description="fetch")
    def fetch(self) -> None:
        from tui.core.web.fetch import FetchError
        from tui.core.web.reading import fetch_article

        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        def progress(received: int, total: int | None) -> None:
            self.post_message(FetchProgressed(received, total))

        try:
            fetched = fetch_article(
                self.url, self.app.fetcher, self.app.kept, via=self.via, conditional=False,
                cancelled=cancelled, progress=progress, annotated=self.app.store.is_annotated,
            )  # fmt: skip
        except (FetchError, ArticleError, OSError) as exc:
            if not cancelled():
                self.post_message(FetchFailed(reason(exc)))
            return
        if not cancelled() and fetched.article is not None:
            self.post_message(ArticleFetched(fetched.article, fetched.warnings))

    @on(FetchProgressed)
    def show_progress(self, event: FetchProgressed) -> None:
        bar = self.query_one(ProgressBar)
        if event.total:
            bar.update(total=event.total, progress=event.received)
        what = f"Fetching the article… {format_size(event.received) if event.received >= 1024 else ''}"
        if event.total:
            what += f" of {format_size(event.total)}"
        self.query_one("#fetch-what", Static).update(Text(what.rstrip()))

    @on(ArticleFetched)
    def show_article(self, event: ArticleFetched) -> None:
        from tui.ui.screens.reader import ReaderScreen

        if self.opened is not None:
            self.opened(event.article)
        self.app.switch_screen(ReaderScreen(event.article, can_go_back=self.can_go_back))
        for warning in event.warnings:  # a later page that failed, a copy that could not be kept
            self.app.notify(inert(warning), title="Read, with a problem", severity="warning", markup=False)

    @on(FetchFailed)
    def failed(self, event: FetchFailed) -> None:
        self._leave(event.reason)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "fetch")
        self._leave(None)

    def _leave(self, why: str | None) -> None:
        if self.can_go_back:
            self.app.pop_screen()
            if why is not None:
                self.app.notify(inert(why), title="Cannot open", severity="error", markup=False)
        else:
            self.app.failure = why
            self.app.exit(return_code=1 if why is not None else 130)  # 130: stopped by the user, as by ctrl+c
