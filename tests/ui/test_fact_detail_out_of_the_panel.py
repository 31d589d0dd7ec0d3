"""At 80x24, back in the article, the facts panel is a few rows: the fact's detail is not shown
there cut (a row of it, no sign of more), only while the reader is in the panel."""

from __future__ import annotations

from tests.ui.conftest import reader, wait_until
from tui.ui.widgets.facts_panel import FactDetail, FactsPanel


async def test_the_detail_shows_in_the_panel_and_is_not_cut_outside_it() -> None:
    async with reader(size=(80, 24)) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.facts is not None)
        await pilot.press("p", "tab", "j")
        await pilot.pause()
        detail = app.screen.query_one(FactDetail)
        assert app.screen.query_one(FactsPanel).has_focus and detail.display
        lines = len(detail.render().wrap(detail.scrollable_content_region.width))
        assert detail.scrollable_content_region.height >= lines > 1
        await pilot.press("tab")
        await pilot.pause()
        shown = detail.scrollable_content_region.height
        assert shown == 0 or shown >= len(detail.render().wrap(detail.scrollable_content_region.width))
