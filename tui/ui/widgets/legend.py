"""The legend: one chip per entity label present, with its count; a chip toggles its highlighting.

A label's number (the key that toggles it) is given once and kept for the session: the first
labels are numbered in a fixed order (``tui.core.entities.LABELS``), a label that appears later
(a relabelled entity) gets the next free number, and one that is gone keeps its number.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.containers import Horizontal
from textual.widgets import Static

from tui.core.document import inert
from tui.core.entities import LABELS, Entity, label_order
from tui.ui.messages import LabelToggled
from tui.ui.palette import legend_css


class LegendChip(Static):
    """``1 PERSON 17``: clicking it switches that label's highlighting off or on."""

    DEFAULT_CSS = legend_css()
    SCOPED_CSS = False  # the rules name the chips by class (.legend-chip.-PERSON), and the app's depth

    def __init__(self, number: int, label: str, count: int) -> None:
        css_label = label if label in LABELS else "OTHER"
        super().__init__(classes=f"legend-chip -{css_label}")
        self.label = label
        self.number = number
        self.count = count

    def render(self) -> Text:
        key = f"{self.number} " if self.number <= 9 else ""
        # Labels come from whatever pipeline is loaded: shown inert, like article text.
        return Text.assemble((key, "dim"), inert(self.label), f" {self.count}")

    def on_click(self) -> None:
        self.post_message(LabelToggled(self.label))


class Legend(Horizontal):
    """Labels present in the article, by their number (which stays the same for the session)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels: list[str] = []
        """The labels present, by number."""
        self.numbers: dict[str, int] = {}
        """Every label numbered so far in this session, present or not."""

    def compose(self):
        yield Static(Text("entities: finding…", style="dim"), classes="legend-note")

    def show_note(self, note: str) -> None:
        """Say why there are no chips (still loading, none found, model failed)."""
        self.remove_children()
        self.mount(Static(Text(note, style="dim"), classes="legend-note"))

    def show_entities(self, entities: list[Entity], hidden: frozenset[str]) -> None:
        counts = Counter(entity.label for entity in entities)
        for label in sorted(set(counts) - set(self.numbers), key=label_order):
            self.numbers[label] = len(self.numbers) + 1
        self.labels = sorted(counts, key=self.numbers.__getitem__)
        if not entities:
            self.show_note("no entities found")
            return
        self.remove_children()
        chips = [LegendChip(self.numbers[label], label, counts[label]) for label in self.labels]
        self.mount_all([*chips, Static(classes="legend-more")])
        self.show_hidden(hidden)
        self.call_after_refresh(self._fit)

    def label_numbered(self, number: int) -> str | None:
        """The label present in the article that ``number`` toggles, if any."""
        return next((label for label in self.labels if self.numbers[label] == number), None)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Show the chips that fit in one row, and how many more there are (the palette has them all)."""
        chips = list(self.query(LegendChip))
        more = self.query(".legend-more")
        if not chips or not more:
            return
        room = self.content_region.width
        marker = len(f"+{len(chips)} more (ctrl+p)") + 1
        used = 0
        shown = 0
        for index, chip in enumerate(chips):
            width = chip.render().cell_len + 3  # padding 1+1, margin 1
            last = index == len(chips) - 1
            fits = used + width <= (room if last else room - marker)
            chip.display = fits and shown == index
            if chip.display:
                used += width
                shown += 1
        hidden = len(chips) - shown
        more.first().update(Text(f"+{hidden} more (ctrl+p)", style="dim") if hidden else "")

    def show_hidden(self, hidden: frozenset[str]) -> None:
        for chip in self.query(LegendChip):
            chip.set_class(chip.label in hidden, "-off")
