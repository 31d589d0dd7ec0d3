"""The article list shown by ``sorot DIR``: enter opens one, backspace comes back."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.document import HTML_SUFFIXES, inert, peek_title

_PAGE_HEAD = 64 * 1024  # a page's <title> and OpenGraph tags are in its head


def _size(num_bytes: int) -> str:
    """``3.0 MiB``: in the units of ``--max-size`` and of its refusals (powers of 1024)."""
    size = float(num_bytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{num_bytes}\u00a0B" if unit == "B" else f"{size:.1f}\u00a0{unit}"  # never split across lines
        size /= 1024
    return ""


def _peek(path: Path) -> tuple[str, str]:
    """The title and size of an article, from its first few kilobytes (the list must open fast)."""
    try:
        size = _size(path.stat().st_size)
        if path.suffix.lower() not in HTML_SUFFIXES:
            return peek_title(path), size
        with path.open("rb") as handle:
            head = handle.read(_PAGE_HEAD)
    except OSError:
        return path.name, "unreadable"
    # trafilatura, htmldate and lxml: 0.1 s of imports that the reader of a text file never needs
    from tui.core.web.page import page_title

    return page_title(head) or path.name, size


class LibraryScreen(Screen):
    """The articles of one directory."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="library.cursor_down"),
        Binding("k", "cursor_up", "Up", show=False, id="library.cursor_up"),
    ]

    def __init__(self, directory: Path, articles: list[Path]) -> None:
        super().__init__()
        self.directory = directory
        self.articles = articles

    def compose(self) -> ComposeResult:
        heading = Text.assemble(
            ("Articles in ", "bold"), (inert(str(self.directory)), "bold"), f"  ({len(self.articles)})"
        )
        yield Static(heading, id="title-bar")
        options = []
        for index, path in enumerate(self.articles):
            title, size = _peek(path)
            prompt = Text.assemble((inert(title), "bold"), ("  " + inert(path.name) + "  " + size, "dim"))
            options.append(Option(prompt, id=str(index)))
        yield OptionList(*options, id="articles")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def open_article(self, event: OptionList.OptionSelected) -> None:
        self.app.open_article(self.articles[int(event.option.id or 0)], can_go_back=True)
