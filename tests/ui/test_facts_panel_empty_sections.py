"""The facts panel lists only the sections that have facts: no "Relations (0)" for G to land on."""

from __future__ import annotations

from dataclasses import replace

from tests.ui.test_keys_and_config import configured
from tui.ui.widgets.facts_panel import FactDetail, FactsPanel


async def test_an_empty_section_is_not_shown_and_G_lands_on_a_fact() -> None:
    async with configured() as (app, pilot):
        screen = app.screen
        facts = replace(screen.facts, relations=(), claims=())
        panel = screen.query_one(FactsPanel)
        panel.show_facts(facts)
        titles = [str(node.label) for node in panel.root.children]
        assert titles and not any(title.endswith("(0)") for title in titles)
        assert not any(title.startswith(("Relations", "Who said what")) for title in titles)
        await pilot.press("tab", "G")
        await pilot.pause()
        assert panel.cursor_node is not None and not isinstance(panel.cursor_node.data, str)
        assert screen.query_one(FactDetail).display
