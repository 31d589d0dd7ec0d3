"""The status line: where the cursor is, what it landed on, and what the NLP is doing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Static

from tui.core.document import inert

MESSAGE_SECONDS = 5.0
"""How long the status line shows a message about what just happened ("bookmark 2 set"); the
position, the search's count and the entity under the cursor stay as long as they are true."""


class NlpIndicator(Static):
    """A word on what the NLP is doing ("⋯ finding entities 40%"), then the entity count.

    It changes only when the work moves on, not on a timer: an animation would repaint the
    screen ten times a second for as long as a large article is processed.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-busy")
        self.message = "finding entities"
        self.busy = True

    def set_state(self, message: str, *, busy: bool) -> None:
        self.message = message
        self.busy = busy
        self.set_class(busy, "-busy")
        self.refresh(layout=True)  # the width follows the message

    def render(self) -> Text:
        if self.busy:
            return Text.assemble(("⋯ ", "bold"), inert(self.message))
        return Text(inert(self.message))


class StatusBar(Horizontal):
    """``¶ 3/7 · 42%`` on the left, the current entity or search result in the middle."""

    _position_width = 0
    _expiry: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="position")
        yield Static(id="status-message")
        yield Static(id="store-state")
        yield NlpIndicator(id="nlp-status")

    def show_position(self, paragraph: int, paragraphs: int, row: int, rows: int) -> None:
        """The position is never cut: the message beside it gives way first. Its width is that of
        the widest position in this article, so the message does not shift as the reader moves."""
        percent = 100 if rows <= 1 else round(100 * row / (rows - 1))
        position = self.query_one("#position", Static)
        widest = len(f"¶ {paragraphs}/{paragraphs} · 100%") + 1  # and the padding before the message
        if widest != self._position_width:
            self._position_width = widest
            position.styles.width = widest
        position.update(Text(f"¶ {paragraph}/{paragraphs} · {percent}%"))

    def show_store_state(self, state: str | None) -> None:
        """Why changes are not saved ("read-only"), shown until the app ends; None: they are."""
        self.query_one("#store-state", Static).update(Text(f"{state} " if state else ""))

    def show_message(self, message: Text | str, *, expires: bool = False) -> None:
        """``message`` (a str is plain text, never markup) on one line, cut with "…" if too long;
        ``expires``: for :data:`MESSAGE_SECONDS` only (unless another message comes first).

        Messages quote the article, labels and notes: their control characters are shown as
        symbols here, whoever wrote the message (one for one, so a Text keeps its styles)."""
        if isinstance(message, Text):
            text = Text(inert(message.plain), style=message.style, spans=list(message.spans), end="")
        else:
            text = Text(inert(message))
        text.no_wrap, text.overflow = True, "ellipsis"
        self.query_one("#status-message", Static).update(text)
        if self._expiry is not None:
            self._expiry.stop()
        self._expiry = self.set_timer(MESSAGE_SECONDS, self._expire) if expires and text.plain else None

    def _expire(self) -> None:
        self._expiry = None
        self.query_one("#status-message", Static).update("")
