"""At 80x24 the facts panel sits under the article and is a few rows high: while the reader is in
it, it grows over the article, so that the highlighted fact's detail shows whole, the longest
fact of the sample included, and the list keeps its cursor's row in sight."""

from __future__ import annotations

from tests.ui.conftest import reader, view_of, wait_until
from tui.ui.widgets.facts_panel import FactDetail, FactsPanel


async def test_every_fact_of_the_sample_reads_whole_at_80x24() -> None:
    async with reader(size=(80, 24)) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.facts is not None)
        await pilot.press("p", "tab")  # the panel is hidden by default at this size
        await pilot.pause()
        panel = app.screen.query_one(FactsPanel)
        detail = app.screen.query_one(FactDetail)
        assert panel.has_focus
        cut = []
        for _ in range(panel.last_line):
            await pilot.press("j")
            await pilot.pause()
            if not detail.display:
                continue  # a section title
            shown = detail.scrollable_content_region
            lines = len(detail.render().wrap(shown.width))
            if shown.height < lines:
                cut.append((lines, shown.height, detail.render().plain[:40]))
            top = panel.scroll_offset.y
            assert top <= panel.cursor_line < top + panel.scrollable_content_region.height
        assert cut == []
        # Back in the article, the article has its rows again.
        rows_in_panel = view_of(app).size.height
        await pilot.press("tab")
        await pilot.pause()
        assert view_of(app).size.height > rows_in_panel
