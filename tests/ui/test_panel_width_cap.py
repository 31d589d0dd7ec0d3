"""A config's ``panel_width`` is capped by the window: a panel beside the article leaves it at
least ARTICLE_MIN_COLUMNS, on the left or the right, at start and after every resize; a panel
under the article (a narrow window) spans it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import view_of
from tests.ui.test_keys_and_config import config_of, configured
from tui.ui.screens.reader import ARTICLE_MIN_COLUMNS


@pytest.mark.parametrize("panel", ["right", "left"])
async def test_a_huge_panel_width_leaves_the_article_room(tmp_path: Path, panel: str) -> None:
    config = config_of(tmp_path, f'panel = "{panel}"\npanel_width = 200\n')
    async with configured(config, size=(120, 40)) as (app, pilot):
        side, view = app.screen.query_one("#side"), view_of(app)
        assert view.outer_size.width >= ARTICLE_MIN_COLUMNS
        assert side.outer_size.width == 120 - ARTICLE_MIN_COLUMNS
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert view.outer_size.width >= ARTICLE_MIN_COLUMNS and side.outer_size.width == 160 - ARTICLE_MIN_COLUMNS
        await pilot.resize_terminal(300, 40)  # room for all of it
        await pilot.pause()
        assert side.outer_size.width == 200 and view.outer_size.width == 100
        await pilot.resize_terminal(80, 40)  # narrow: the panel goes under the article, full width
        await pilot.pause()
        assert side.outer_size.width == 80


async def test_a_panel_width_that_fits_is_kept(tmp_path: Path) -> None:
    async with configured(config_of(tmp_path, "panel_width = 50\n"), size=(120, 40)) as (app, pilot):
        assert app.screen.query_one("#side").outer_size.width == 50
