"""The status line: a message about what just happened goes after a few seconds, a state (the
search's count, the hint for a hidden panel) stays while it is true."""

from __future__ import annotations

import asyncio

import pytest

from tests.ui.conftest import status_text
from tests.ui.test_keys_and_config import configured
from tui.ui.screens.reader import PANEL_HINT
from tui.ui.widgets import status_bar


@pytest.mark.parametrize("key", ["tab", "p", "t"])
async def test_the_hint_for_the_hidden_panel_goes_when_the_panel_shows(key: str) -> None:
    async with configured(size=(80, 24)) as (app, pilot):
        assert status_text(app) == PANEL_HINT
        await pilot.press(key)
        assert not app.screen.has_class("-no-panel")
        assert status_text(app) == ""


async def test_a_message_goes_after_a_while_and_the_search_count_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status_bar, "MESSAGE_SECONDS", 0.2)
    async with configured() as (app, pilot):
        await pilot.press("m")
        await pilot.pause()
        assert status_text(app).startswith("bookmark 1 set")
        await asyncio.sleep(0.4)
        await pilot.pause()
        assert status_text(app) == ""
        await pilot.press("slash", *"Putin", "enter")
        assert "for Putin" in status_text(app)
        await asyncio.sleep(0.4)
        await pilot.pause()
        assert "for Putin" in status_text(app)
