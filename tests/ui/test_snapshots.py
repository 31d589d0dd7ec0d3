"""Pictures of the main screen and the help screen (pytest-textual-snapshot).

Update after a deliberate change with ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them. Each test has its own annotation database: a
reading position saved by one must not move the next one's article.
"""

from __future__ import annotations

from tests.ui.conftest import wait_for_nlp, wait_until
from tui.ui.app import make_app

SIZE = (110, 34)


def test_main_screen(snap_compare, tmp_path) -> None:
    async def loaded(pilot) -> None:
        await wait_for_nlp(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")

    assert snap_compare(make_app(in_process=True, db=tmp_path / "db.json"), terminal_size=SIZE, run_before=loaded)


def test_help_screen(snap_compare, tmp_path) -> None:
    async def help_open(pilot) -> None:
        await wait_for_nlp(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(in_process=True, db=tmp_path / "db.json"), terminal_size=SIZE, run_before=help_open)


def test_search_in_progress(snap_compare, tmp_path) -> None:
    async def searching(pilot) -> None:
        await wait_for_nlp(pilot)
        await pilot.press("slash")
        pilot.app.screen.query_one("#search").cursor_blink = False  # a blinking cursor makes pictures differ
        await pilot.press(*"korea")

    assert snap_compare(make_app(in_process=True, db=tmp_path / "db.json"), terminal_size=SIZE, run_before=searching)


def test_a_fact_chosen_in_the_panel(snap_compare, tmp_path) -> None:
    async def chosen(pilot) -> None:
        await wait_for_nlp(pilot)
        await wait_until(pilot, lambda: pilot.app.screen.facts is not None)
        await pilot.press("tab", *"jjj", "enter", "right_square_bracket")

    assert snap_compare(make_app(in_process=True, db=tmp_path / "db.json"), terminal_size=(130, 34), run_before=chosen)
