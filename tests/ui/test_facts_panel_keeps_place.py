"""The facts panel keeps its place when its facts are shown again (recomputed after a correction).

Found using the reader on a 1 MB article: three pages into "Relations", a relabelling in the
article sent the panel's cursor to the top, off screen (the scroll stayed), the pages were gone,
and the detail under the panel showed a fact from a page nobody had asked for: cleared, Textual's
tree puts the cursor back on the line its old row had, and there, in the new rows, was a
"… N more", which paged in the next rows.
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import facts_shown
from tui.ui.messages import FactsFound
from tui.ui.widgets import facts_panel
from tui.ui.widgets.facts_panel import FactDetail, FactsPanel, MoreRows


def shown(panel: FactsPanel) -> dict[object, int]:
    return {section.data: len(section.children) for section in panel.root.children}


async def test_facts_shown_again_keep_the_pages_the_cursor_and_the_scroll(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(facts_panel, "ROWS_AT_ONCE", 3)  # the sample's dozens of facts, as a long article's thousands
    async with facts_shown(tmp_path / "db.json", (120, 24)) as (pilot, screen, panel):
        panel.focus()
        for _ in range(40):  # down through the sections, paging in what the cursor reaches
            await pilot.press("j")
        await pilot.pause()
        cursor, line, scroll, before = panel.cursor_node, panel.cursor_line, panel.scroll_y, shown(panel)
        assert cursor is not None and panel.fact_of(cursor) is not None and scroll > 0
        assert any(count > 4 for count in before.values())  # some section paged in
        screen.post_message(FactsFound(screen.facts))  # as after a correction
        await pilot.pause()
        await pilot.pause()
        assert shown(panel) == before  # no page lost, none paged in
        assert panel.cursor_line == line and panel.scroll_y == scroll
        assert panel.cursor_node is not None and panel.cursor_node.label == cursor.label
        detail = screen.query_one(FactDetail)
        assert detail.display and panel.fact_of(panel.cursor_node) is not None


async def test_the_cursor_on_a_title_or_past_the_rows_left_lands_on_a_row_that_is_there(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(facts_panel, "ROWS_AT_ONCE", 3)
    async with facts_shown(tmp_path / "db.json", (120, 40)) as (pilot, screen, panel):
        panel.focus()
        dates = next(section for section in panel.root.children if section.data == "date")
        panel.move_cursor(dates)
        await pilot.pause()
        screen.post_message(FactsFound(screen.facts))
        await pilot.pause()
        assert panel.cursor_node is not None and panel.cursor_node.data == "date"  # the same title
        assert not screen.query_one(FactDetail).display
        assert all(not isinstance(node.data, MoreRows) or node is section.children[-1]
                   for section in panel.root.children for node in section.children)  # fmt: skip


async def test_a_sentence_shown_with_i_stays_when_its_facts_come_again(tmp_path: Path) -> None:
    async with facts_shown(tmp_path / "db.json", (120, 40)) as (pilot, screen, panel):
        await pilot.press("i")
        await pilot.pause()
        assert panel.sentence is not None
        sentence, rows = panel.sentence, [str(node.label) for node in panel.root.children[0].children]
        await pilot.press("j")
        line = panel.cursor_line
        screen.post_message(FactsFound(screen.facts))
        await pilot.pause()
        assert panel.sentence == sentence
        assert [str(node.label) for node in panel.root.children[0].children] == rows
        assert panel.cursor_line == line
