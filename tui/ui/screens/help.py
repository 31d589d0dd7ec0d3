"""The help screen: every key binding of the reader, generated from the bindings themselves."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(app, sources: list[tuple[str, list[Binding]]]) -> list[tuple[str, str, str]]:
    """``(group, keys, description)`` for every binding; keys that do the same thing share a row."""
    from tui.ui.keymaps import keys_of

    rows: list[tuple[str, str, str]] = []
    keymap = getattr(app, "keymap", {})
    for group, bindings in sources:
        keys_by_description: dict[str, list[str]] = {}
        for binding in bindings:
            shown = keys_of(binding, keymap)  # None: the config gave all its keys to other bindings
            for single in Binding.make_bindings([shown] if shown is not None else []):
                keys = keys_by_description.setdefault(single.tooltip or single.description, [])
                key = app.get_key_display(single)
                if key not in keys:
                    keys.append(key)
        for description, keys in keys_by_description.items():
            rows.append((group, _joined(keys), description))
    return rows


def _joined(keys: list[str]) -> str:
    """Keys for one row: ``j ↓``; a run of digits as ``1 … 9``, keeping the key column narrow."""
    if len(keys) > 2 and all(k.isdigit() and len(k) == 1 for k in keys):
        numbers = [int(k) for k in keys]
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"{keys[0]} … {keys[-1]}"
    return " ".join(keys)


class HelpScreen(ModalScreen[None]):
    """Lists every binding; escape, q, ? or F1 closes it; j k, space b, g G scroll it as in less."""

    # Parsed when this screen is first shown (Textual's Screen.CSS), not at the reader's start.
    CSS = """
    HelpScreen { align: center middle; }
    #help-body {
        width: 76;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        padding: 0 2;
        background: $surface;
    }
    #help-body > Static { width: 100%; }
    """

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help.dismiss"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="help.scroll_down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="help.scroll_up"),
        Binding("space,pagedown", "page(1)", "Page down", show=False, id="help.page_down"),
        Binding("b,pageup", "page(-1)", "Page up", show=False, id="help.page_up"),
        Binding("g,home", "edge(0)", "Top", show=False, id="help.top"),
        Binding("G,end", "edge(1)", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def action_scroll(self, rows: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=rows, animate=False)

    def action_page(self, pages: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=pages * max(1, body.scrollable_content_region.height - 1), animate=False)

    def action_edge(self, end: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if end:
            body.scroll_end(animate=False)
        else:
            body.scroll_home(animate=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Sorot keys"
            body.border_subtitle = "esc closes"
            yield Static(HelpTable(self.rows))


class HelpTable:
    """The rows as a two-column table laid out for the width it is drawn in: the key column as wide
    as its widest keys (group titles stand on lines of their own, outside it), at most a third of
    the width (longer key lists wrap), and the descriptions wrapping in the rest."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        widest = max((cell_len(keys) for _, keys, _ in self.rows), default=0)
        key_width = max(1, min(widest, width // 3))
        groups: dict[str, list[tuple[str, str]]] = {}
        for group, keys, description in self.rows:
            groups.setdefault(group, []).append((keys, description))
        for number, (group, rows) in enumerate(groups.items()):
            if number:
                yield Text()
            yield Text(group, style="underline")
            table = Table.grid(padding=(0, 2, 0, 0))
            table.add_column("keys", style="bold", width=key_width, overflow="fold")
            table.add_column("does", ratio=1, overflow="fold")
            for keys, description in rows:
                table.add_row(Text(keys), Text(description))
            yield table
