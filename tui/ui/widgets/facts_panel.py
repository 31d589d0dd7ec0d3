"""The facts panel: what the article states, in sections, each fact linked to its sentence.

A ``Tree`` of five sections (entities, when, how many, who said what, relations) whose leaves
are facts, cut to the panel's width; under it, :class:`FactDetail` shows the highlighted fact
whole. Enter on a fact posts ``FactChosen``; the screen scrolls the article to it. Every label
is built as ``rich.text.Text`` from untrusted article text: nothing here is markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from tui.core.document import inert
from tui.core.fact_rows import date_text, fact_detail, fact_row, facts_of_sentence, kind_name, sections
from tui.ui.messages import FactChosen, PanelLeft, WalkRequested

if TYPE_CHECKING:  # the facts package is imported by whoever computes facts, after the first paint
    from tui.core.facts import Fact, Facts

__all__ = ["FactDetail", "FactsPanel", "MoreRows", "date_text", "fact_label", "kind_name"]

_STYLES = {"strong": "bold", "dim": "dim", "em": "italic", "": ""}
"""How the panel shows each role of a row's parts (see :mod:`tui.core.fact_rows`)."""


ROWS_AT_ONCE = 200
"""Rows a section shows at first, and adds each time the cursor reaches its last row ("… N more").

A long article's facts are not all rows at once: Textual's tree lays out every row again at each
change, and with the 30,000 facts of a 3 MB article that took 300 ms, each time, on the
interface's thread (and adding them all, 1.7 s)."""


@dataclass(frozen=True)
class MoreRows:
    """The last row of a section longer than it shows: its facts from ``start`` on come when the
    cursor reaches it."""

    items: list[Fact]
    start: int
    mixed: bool = False
    """Facts of every kind (a sentence's): each row says its kind."""


def fact_label(fact: Fact) -> Text:
    """One short row for ``fact``; all of it plain text."""
    return Text.assemble(*((text, _STYLES[role]) for text, role in fact_row(fact)))


class FactDetail(Static):
    """The fact highlighted in the panel, whole and wrapped (the panel's rows are cut at its width);
    hidden while the cursor is on a section title."""

    def show_fact(self, fact: Fact | None) -> None:
        self.display = fact is not None
        if fact is not None:
            lines = (Text.assemble(*((text, _STYLES[role]) for text, role in line)) for line in fact_detail(fact))
            self.update(Text("\n").join(lines))


class FactsPanel(Tree["Fact | str | MoreRows"]):
    """Sections of facts; up/down or j/k move, enter goes to a fact or folds a section; a long
    section shows :data:`ROWS_AT_ONCE` facts, and more as the cursor reaches its last row."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next fact", id="facts.cursor_down"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous fact", id="facts.cursor_up"),
        Binding("g,home", "scroll_home", "First", show=False, tooltip="First fact", id="facts.first"),
        Binding("G,end", "scroll_end", "Last", show=False, tooltip="Last fact", id="facts.last"),
        Binding("escape", "leave", "Article", show=False, tooltip="Back to the article (clears a sentence filter)",
                id="facts.leave"),
        Binding("right_square_bracket", "walk(1)", "Next mention", show=False, key_display="]",
                tooltip="Next mention of the chosen entity", id="facts.next_mention"),
        Binding("left_square_bracket", "walk(-1)", "Prev mention", show=False, key_display="[",
                tooltip="Previous mention of the chosen entity", id="facts.previous_mention"),
    ]  # fmt: skip

    _row_room = 0
    """The panel's width less a scrollbar's (worked out once per resize, not once per row)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Facts"), id=id)
        self.show_root = False
        self.guide_depth = 2
        self.facts: Facts | None = None
        self.sentence: tuple[int, int] | None = None
        self._collapsed: set[str] = set()
        self.root.add_leaf(Text("finding facts…", style="dim"))

    def show_facts(self, facts: Facts, sentence: tuple[int, int] | None = None) -> None:
        """Show ``facts``; with ``sentence``, only those from that sentence.

        The same view shown again (its facts recomputed after a correction) keeps its place: each
        section as many rows as it showed, the cursor on the same row of the same section, the
        same scroll; otherwise the cursor starts on the first row."""
        again = self.facts is not None and sentence == self.sentence
        shown, place, scroll = (self._shown(), self._place(), self.scroll_y) if again else ({}, None, 0.0)
        self.facts, self.sentence = facts, sentence
        self._remember_folds()
        # Cleared, the tree puts the cursor back on the line its old node had, in the new rows: a
        # "… N more" there paged in rows nobody asked for, and showed one in the detail. Line 0 is
        # a title (or no fact at all).
        self.cursor_line = 0
        self.clear()
        count = 0
        if sentence is not None:
            here = facts_of_sentence(facts, sentence)
            node = self.root.add(Text(f"This sentence ({len(here):,}) · esc shows all", style="bold"), data="here")
            # Kinds mixed: each row says which it is. (A text without a full stop is one sentence:
            # its facts, all of them, come a page at a time too.)
            self._add_leaves(node, here, 0, max(ROWS_AT_ONCE, shown.get("here", 0)), mixed=True)
            node.expand()
            count += len(here)
        else:
            for kind, title, items in sections(facts):
                if not items:
                    continue  # "Relations (0)" says nothing, and g/G would land on it
                node = self.root.add(Text(f"{title} ({len(items):,})", style="bold"), data=kind)
                self._add_leaves(node, items, 0, max(ROWS_AT_ONCE, shown.get(kind, 0)))
                if kind not in self._collapsed:
                    node.expand()
                count += len(items)
        if count == 0:
            self.root.add_leaf(Text("no facts found", style="dim"))
        self.cursor_line = self._line_of(place) if place is not None else 0
        if again:
            self.scroll_to(y=scroll, animate=False)
            self.scroll_to_line(self.cursor_line, animate=False)

    def _shown(self) -> dict[str, int]:
        """The facts each section shows now (paged in or not), by its kind."""
        return {
            node.data: len(node.children) - (1 if node.children and isinstance(node.children[-1].data, MoreRows) else 0)
            for node in self.root.children
            if isinstance(node.data, str)
        }

    def _place(self) -> tuple[str, int] | None:
        """The cursor's section (its kind) and row in it (-1: its title)."""
        node = self.cursor_node
        if node is None or self.cursor_line < 0:
            return None
        if isinstance(node.data, str):
            return node.data, -1
        section = node.parent
        if section is None or not isinstance(section.data, str):
            return None
        return section.data, self.cursor_line - section.line - 1

    def _line_of(self, place: tuple[str, int]) -> int:
        """The line of ``place`` in the rows just shown: the same row of the same section, or the
        nearest there is (the section's last, its title, the first line)."""
        kind, row = place
        section = next((node for node in self.root.children if node.data == kind), None)
        if section is None or self.last_line < 0:  # (reading last_line lays the rows out, numbering them)
            return 0
        if row < 0 or not section.is_expanded or not section.children:
            return section.line
        rows = section.children
        last = len(rows) - 1 - isinstance(rows[-1].data, MoreRows)  # never onto "… N more": it would page
        return rows[max(0, min(row, last))].line

    @staticmethod
    def _add_leaves(
        node: TreeNode[Fact | str | MoreRows],
        items: list[Fact],
        start: int,
        rows: int | None = None,
        *,
        mixed: bool = False,
    ) -> TreeNode | None:
        """Rows for ``items[start:]``, ``rows`` at most (:data:`ROWS_AT_ONCE` unless told), and a
        last row saying how many more there are; the first row added. ``mixed``: facts of every
        kind, each row saying its kind."""
        end = min(len(items), start + (rows or ROWS_AT_ONCE))
        first = None
        for fact in items[start:end]:
            label = fact_label(fact)
            if mixed:
                label = Text.assemble((f"{kind_name(fact.kind)}: ", "dim"), label)
            leaf = node.add_leaf(label, data=fact)
            first = first or leaf
        if end < len(items):
            more = MoreRows(items, end, mixed)
            node.add_leaf(Text(f"… {len(items) - end:,} more", style="dim"), data=more)
        return first

    @staticmethod
    def fact_of(node: TreeNode[Fact | str | MoreRows]) -> Fact | None:
        """The fact on ``node``'s row; None for a section's title or another row that is no fact."""
        data = node.data
        return None if data is None or isinstance(data, (str, MoreRows)) else data

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        """The cursor on a section's "… N more": its next rows come in its place, the cursor on the first."""
        node: TreeNode = event.node
        more = node.data
        if not isinstance(more, MoreRows) or node.parent is None:
            return
        event.stop()  # the row is gone: the screen hears of the fact that took its place
        section = node.parent
        node.remove()
        if (first := self._add_leaves(section, more.items, more.start, mixed=more.mixed)) is not None:
            self.post_message(Tree.NodeHighlighted(first))

    def on_resize(self) -> None:
        """The detail under the panel grows and shrinks with the fact it shows: the cursor's row
        stays in sight (a tree scrolls to it only when the cursor moves)."""
        # Room for the vertical scrollbar is kept whether it shows or not, so the widths never
        # depend on it (the rows are measured before it appears).
        self._row_room = self.size.width - self.styles.scrollbar_size_vertical
        if self.cursor_line >= 0:
            self.call_after_refresh(self.scroll_to_line, self.cursor_line, animate=False)

    def _remember_folds(self) -> None:
        for node in self.root.children:
            if isinstance(node.data, str) and node.data != "here":
                (self._collapsed.discard if node.is_expanded else self._collapsed.add)(node.data)

    def render_label(self, node: TreeNode, base_style, style) -> Text:
        """A row cut with "…" where the panel ends (a tree would cut it mid-word, and scroll sideways)."""
        label = super().render_label(node, base_style, style)
        room = self._row_room - self._indent(node)
        if room > 0 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        return label

    def get_label_width(self, node: TreeNode) -> int:
        """The width :meth:`render_label` gives ``node``'s row, worked out without rendering it: the
        tree measures every row each time a row is added, and rendering 30,000 rows (a 3 MB
        article's facts) to measure them took 650 ms."""
        width = node.label.cell_len
        if node.allow_expand:
            width += cell_len(self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE)
        room = self._row_room - self._indent(node)
        return min(width, room) if room > 0 else width

    def _indent(self, node: TreeNode) -> int:
        """Cells of guide lines left of ``node``'s label (the root is not shown)."""
        depth = 0
        while node.parent is not None and node.parent is not self.root:
            depth += 1
            node = node.parent
        return depth * self.guide_depth

    def show_failure(self, reason: str) -> None:
        self.clear()
        self.root.add_leaf(Text(f"no facts: {inert(reason)}", style="dim"))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if (fact := self.fact_of(event.node)) is not None:
            self.post_message(FactChosen(fact, self.sentence))

    def action_walk(self, direction: int) -> None:
        self.post_message(WalkRequested(direction))

    def action_leave(self) -> None:
        if self.sentence is not None and self.facts is not None:
            self.show_facts(self.facts)
            return
        self.post_message(PanelLeft())
