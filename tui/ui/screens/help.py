"""The help screen: every key binding of the reader, generated from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(app, sources: list[tuple[str, list[Binding]]]) -> list[tuple[str, str, str]]:
    """``(group, keys, description)`` for every binding; keys that do the same thing share a row."""
    rows: list[tuple[str, str, str]] = []
    for group, bindings in sources:
        keys_by_description: dict[str, list[str]] = {}
        for binding in bindings:
            for single in Binding.make_bindings([binding]):
                keys = keys_by_description.setdefault(single.tooltip or single.description, [])
                key = app.get_key_display(single)
                if key not in keys:
                    keys.append(key)
        for description, keys in keys_by_description.items():
            rows.append((group, " ".join(keys), description))
    return rows


class HelpScreen(ModalScreen[None]):
    """Lists every binding; escape, q, ? or F1 closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def action_scroll(self, rows: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=rows, animate=False)

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
        table.add_column("keys", style="bold", no_wrap=True)
        table.add_column("does")
        group = None
        for row_group, keys, description in self.rows:
            if row_group != group:
                if group is not None:
                    table.add_row("", "")
                table.add_row(Text(row_group, style="underline"), "")
                group = row_group
            table.add_row(Text(keys), Text(description))
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Sorot keys"
            body.border_subtitle = "esc closes"
            yield Static(table)
