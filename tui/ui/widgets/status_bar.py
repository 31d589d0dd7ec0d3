"""The status line: where the cursor is, what it landed on, and what the NLP is doing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class NlpIndicator(Static):
    """A small spinner and a word while the pipeline loads and runs; then the entity count."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.message = "loading NLP model"
        self.busy = True
        self._frame = 0

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self._spin)

    def _spin(self) -> None:
        self._frame = (self._frame + 1) % len(SPINNER)
        self.refresh()

    def set_state(self, message: str, *, busy: bool) -> None:
        self.message = message
        self.busy = busy
        self.set_class(busy, "-busy")
        if busy:
            self._timer.resume()
        else:
            self._timer.pause()
        self.refresh(layout=True)  # the width follows the message

    def render(self) -> Text:
        if self.busy:
            return Text.assemble((SPINNER[self._frame] + " ", "bold"), self.message)
        return Text(self.message)


class StatusBar(Horizontal):
    """``¶ 3/7 · 42%`` on the left, the current entity or search result in the middle."""

    def compose(self) -> ComposeResult:
        yield Static(id="position")
        yield Static(id="status-message")
        yield NlpIndicator(id="nlp-status")

    def show_position(self, paragraph: int, paragraphs: int, row: int, rows: int) -> None:
        percent = 100 if rows <= 1 else round(100 * row / (rows - 1))
        self.query_one("#position", Static).update(Text(f"¶ {paragraph}/{paragraphs} · {percent}%"))

    def show_message(self, message: Text | str) -> None:
        self.query_one("#status-message", Static).update(message if isinstance(message, Text) else Text(message))
