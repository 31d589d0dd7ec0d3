"""A long article's facts come into the panel a page at a time (issue 17, item 16: keys while facts
arrive, and after).

Textual's tree lays out every row again at each change: with the 30,000 facts of a 3 MB article
as rows, that took 300 ms each time a row came or a section folded, on the interface's thread (and
adding them all at once, 1.7 s). A section shows ``ROWS_AT_ONCE`` facts and a last row saying how
many more there are; the cursor reaching it shows the next ones in its place.
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import facts_shown
from tui.ui.widgets import facts_panel
from tui.ui.widgets.facts_panel import FactDetail, FactsPanel, MoreRows, kind_name


def rows(panel: FactsPanel) -> list[str]:
    return [str(node.label) for section in panel.root.children for node in section.children]


async def test_a_long_section_shows_a_page_and_the_rest_as_the_cursor_reaches_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(facts_panel, "ROWS_AT_ONCE", 3)  # the sample's dozens of facts, as a long article's thousands
    async with facts_shown(tmp_path / "db.json", (120, 40)) as (pilot, screen, panel):
        dates = next(section for section in panel.root.children if section.data == "date")
        count = int(str(dates.label).rsplit("(", 1)[1].rstrip(")"))
        assert count > 7
        first = [str(node.label) for node in dates.children]
        assert len(first) == 4 and first[-1] == f"… {count - 3} more"  # three facts, then how many more
        assert isinstance(dates.children[-1].data, MoreRows)
        panel.focus()
        panel.move_cursor(dates.children[2])
        await pilot.pause()
        await pilot.press("j")  # onto "… N more": the next three come in its place
        await pilot.pause()
        assert len(dates.children) == 7 and str(dates.children[-1].label) == f"… {count - 6} more"
        assert panel.cursor_node is dates.children[3] and panel.fact_of(dates.children[3]) is not None
        detail = screen.query_one(FactDetail)
        assert detail.display  # the detail shows the fact now under the cursor, not nothing
        while isinstance(dates.children[-1].data, MoreRows):  # on to the end: every fact has its row
            panel.move_cursor(dates.children[-1])
            await pilot.pause()
        assert len(dates.children) == count
        assert screen.facts is not None
        assert [panel.fact_of(node) for node in dates.children] == list(screen.facts.timeline())
        # Enter on a fact still goes to it; the "more" row never reaches the screen as a fact.
        assert all(panel.fact_of(node) is not None for node in dates.children)


async def test_all_facts_shown_after_a_sentence_start_each_section_at_its_first_page(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(facts_panel, "ROWS_AT_ONCE", 2)
    async with facts_shown(tmp_path / "db.json", (120, 40)) as (pilot, screen, panel):
        assert screen.facts is not None
        before = rows(panel)
        nodes = [node for section in panel.root.children for node in section.children]
        more = next(node for node in nodes if isinstance(node.data, MoreRows))
        panel.move_cursor(more)
        await pilot.pause()
        assert len(rows(panel)) > len(before)
        panel.show_facts(screen.facts, tuple(screen.facts.sentences[0]))  # `i`, then esc: all of them again
        panel.show_facts(screen.facts)
        assert rows(panel) == before  # (the same facts shown again keep their pages: test_facts_panel_keeps_place)
        panel.show_failure("gone")
        await pilot.pause()
        assert [str(node.label) for node in panel.root.children] == ["no facts: gone"]


async def test_a_sentences_facts_come_a_page_at_a_time_each_row_saying_its_kind(tmp_path: Path, monkeypatch) -> None:
    """A text without a full stop is one sentence: ``i`` there listed every fact of the article at once."""
    from tui.core.fact_rows import facts_of_sentence

    monkeypatch.setattr(facts_panel, "ROWS_AT_ONCE", 2)
    async with facts_shown(tmp_path / "db.json", (120, 40)) as (pilot, screen, panel):
        facts = screen.facts
        assert facts is not None
        sentence = max(facts.sentences, key=lambda s: len(facts_of_sentence(facts, tuple(s))))
        here = facts_of_sentence(facts, tuple(sentence))
        assert len(here) > 4
        panel.show_facts(facts, tuple(sentence))
        (section,) = panel.root.children
        assert str(section.children[-1].label) == f"… {len(here) - 2} more"
        panel.focus()
        while isinstance(section.children[-1].data, MoreRows):
            panel.move_cursor(section.children[-1])
            await pilot.pause()
        assert [panel.fact_of(node) for node in section.children] == here
        for node, fact in zip(section.children, here, strict=True):  # its kind, on every page
            assert str(node.label).startswith(f"{kind_name(fact.kind)}: ")
