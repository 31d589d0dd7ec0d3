"""The article keeps its room: search does not re-wrap it, the status line keeps the position
whole, notifications leave the status line alone, and a small window gives the text its rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Footer
from textual.widgets._toast import Toast

from tests.ui.conftest import reader, screen_text, view_of, wait_until
from tui.ui.app import make_app
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.status_bar import StatusBar


def article_state(app) -> tuple:
    view = view_of(app)
    assert view.wrapped is not None
    return view.region, view.wrapped.width, view.scroll_y, view.cursor, screen_text(app)


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 30)])
async def test_opening_and_closing_search_moves_nothing_in_the_article(size: tuple[int, int]) -> None:
    async with reader(size=size) as (app, pilot):
        await pilot.press("space")  # somewhere in the middle, where a re-wrap would show as a jump
        await pilot.pause()
        before = article_state(app)
        await pilot.press("slash")
        await pilot.pause()
        assert app.screen.query_one("#search").has_focus
        assert article_state(app) == before
        await pilot.press("escape")
        await pilot.pause()
        assert article_state(app) == before


@pytest.fixture
def many_paragraphs(tmp_path: Path) -> Path:
    """An article of 12,246 paragraphs, as many as the 3 MB article whose percentage was cut off."""
    path = tmp_path / "panjang.txt"
    path.write_text("Judul berita\n\n" + "\n\n".join(f"Kalimat nomor {n}." for n in range(12_245)), encoding="utf-8")
    return path


async def test_at_the_end_of_a_long_article_the_position_and_percentage_show_whole(many_paragraphs: Path) -> None:
    async with reader(many_paragraphs, size=(60, 20), wait=False) as (app, pilot):
        await pilot.press("G")
        await pilot.pause()
        app.screen.say("Kalimat nomor 12244 · a long message about what the cursor is on " * 3)
        await pilot.pause()
        position = app.screen.query_one("#position")
        shown = str(position.render())
        assert shown == "¶ 12246/12246 · 100%"
        assert position.content_region.width >= cell_len(shown)
        message = app.screen.query_one("#status-message")
        assert message.region.x >= position.region.right  # the message gives way, not the position


async def test_a_notification_leaves_the_status_line_and_the_key_bar_alone(tmp_path: Path) -> None:
    app = make_app(in_process=True, db=tmp_path / "sorot.json")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))
        app.notify("bad.json is not valid JSON: kept it aside and started a new database " * 2, title="Annotations")
        await wait_until(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause(0.2)
        status = app.screen.query_one(StatusBar).region
        keys = app.screen.query_one(Footer).region
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(status) and not toast.region.overlaps(keys)


async def test_in_a_small_window_the_text_gets_the_rows_and_p_shows_the_panel_for_the_session() -> None:
    async with reader(size=(80, 24)) as (app, pilot):
        side, body = app.screen.query_one("#side"), app.screen.query_one("#body")
        assert not side.display
        assert view_of(app).region.height == body.region.height  # 20 rows, not 11
        assert str(app.screen.query_one("#status-message").render()) == "p shows the facts panel"
        await pilot.press("p")
        await pilot.pause()
        assert side.display and view_of(app).region.height < body.region.height
        assert str(app.screen.query_one("#status-message").render()) == ""  # the hint is out of date
        # The choice holds for the next article opened in this session.
        await app.push_screen(ReaderScreen(app.screen.article))
        await pilot.pause()
        assert app.screen.query_one("#side").display
        await pilot.press("p")
        await app.push_screen(ReaderScreen(app.screen.article))
        await pilot.pause()
        assert not app.screen.query_one("#side").display


async def test_a_window_made_taller_brings_the_panel_back_unless_the_reader_chose() -> None:
    async with reader(size=(80, 24)) as (app, pilot):
        side = app.screen.query_one("#side")
        assert not side.display
        await pilot.resize_terminal(80, 40)
        await pilot.pause()
        assert side.display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not side.display
        await pilot.press("p")  # shown by choice: a resize no longer hides it
        await pilot.resize_terminal(80, 22)
        await pilot.pause()
        assert side.display


async def test_in_a_large_window_the_panel_shows_beside_the_article() -> None:
    async with reader(size=(120, 40)) as (app, pilot):
        assert app.screen.query_one("#side").display
        assert str(app.screen.query_one("#status-message").render()) == ""
