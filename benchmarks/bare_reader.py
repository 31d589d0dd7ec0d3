"""The baseline for ``first_paint.py``: a bare Textual app that shows a text file, and nothing else.

    python benchmarks/bare_reader.py FILE

What any Textual reader pays before its first paint (Python, Textual, the terminal driver, one
scrolling ``Static`` of the text); the reader's first paint is compared with this one's.
"""

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class BareReader(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text, markup=False)


if __name__ == "__main__":
    BareReader(Path(sys.argv[1]).read_text(encoding="utf-8")).run()
