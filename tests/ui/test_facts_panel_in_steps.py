"""A long article's facts come into the panel in steps (issue 17, item 16: keys while facts arrive).

Tens of thousands of rows (a 3 MB article) were added in one go, 1.7 s in which no key was read.
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import wait_until
from tui.core.analysis.engine import NlpEngine
from tui.ui.app import make_app
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets import facts_panel
from tui.ui.widgets.facts_panel import FactsPanel


async def test_many_facts_come_in_steps_and_all_arrive(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(facts_panel, "ROWS_AT_ONCE", 3)  # the sample's dozens of facts, as a long article's thousands
    steps: list[int] = []
    add_rows = FactsPanel._add_rows
    monkeypatch.setattr(FactsPanel, "_add_rows", lambda self, generation: steps.append(1) or add_rows(self, generation))
    app = make_app(None, engine=NlpEngine(in_process=True), db=str(tmp_path / "db.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await wait_until(pilot, lambda: screen.facts is not None and screen.side_ready)
        panel = screen.query_one(FactsPanel)
        await wait_until(pilot, lambda: panel.all_rows_shown)
        assert len(steps) > 3  # in steps, the interface's loop running between them
        for section in panel.root.children:
            count = int(str(section.label).rsplit("(", 1)[1].rstrip(")"))
            assert len(section.children) == count  # every fact of the section has its row


async def test_facts_shown_again_stop_the_rows_of_the_old_ones(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(facts_panel, "ROWS_AT_ONCE", 2)
    app = make_app(None, engine=NlpEngine(in_process=True), db=str(tmp_path / "db.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await wait_until(pilot, lambda: screen.facts is not None and screen.side_ready)
        panel = screen.query_one(FactsPanel)
        assert screen.facts is not None
        panel.show_facts(screen.facts)
        panel.show_failure("gone")  # before the rows of the facts came
        await pilot.pause(0.3)
        assert panel.all_rows_shown and [str(node.label) for node in panel.root.children] == ["no facts: gone"]
