"""The highlight colour picker quotes the text it highlights, as the relabel picker does."""

from __future__ import annotations

from tests.ui.conftest import view_of, wait_until
from tests.ui.test_keys_and_config import configured
from tui.ui.screens.annotate import ChoiceScreen


async def test_the_highlight_picker_quotes_the_word_or_the_selection_cut_at_a_word() -> None:
    async with configured() as (app, pilot):
        view = view_of(app)
        start, end = app.screen.target()
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert app.screen.title_text == f"Highlight colour for “{view.text[start:end]}”"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ChoiceScreen))
        await pilot.press("v", "right_curly_bracket", "h")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        title = app.screen.title_text
        assert title.startswith("Highlight colour for “") and title.endswith("…”")
        assert len(title) < 100
