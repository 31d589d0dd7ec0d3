"""What the reader builds and imports before its first paint, and what it leaves for after
(issue 17, item 16, second pass).

Structural checks, not timings (``benchmarks/first_paint.py`` times it). The app is run in a
child interpreter, as ``sorot`` starts, so that what other tests imported does not count.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.ui.conftest import view_of, wait_until
from tui.core.analysis.engine import NlpEngine
from tui.ui.app import make_app
from tui.ui.screens.reader import ReaderScreen, SearchBar

# Modules that only dialogs and other screens need: the export dialog's formats (pyld, and the
# requests it pulls in: a tenth of a second), the note dialogs, the reading list of feeds.
NOT_BEFORE_THE_PAINT = ("tui.ui.screens.export", "tui.ui.screens.annotate", "tui.ui.screens.feeds",
                        "tui.ui.screens.fetching", "tui.core.formats", "pyld", "requests")  # fmt: skip

_CHILD = """
import asyncio, json, sys
from tui.core.analysis.engine import NlpEngine
from tui.core.config import Config
from textual.widgets import Footer
from tui.ui.app import make_app
from tui.ui.widgets.article_view import ArticleView

later = {later!r}
seen = {{}}
render_line = ArticleView.render_line

def first_render_line(self, y):
    if not seen:
        seen["imported"] = sorted(n for n in sys.modules if any(n == m or n.startswith(m + ".") for m in later))
        seen["widgets"] = sorted({{type(w).__name__ for w in self.screen.walk_children()}})
        seen["region"] = list(self.region)
    return render_line(self, y)

ArticleView.render_line = first_render_line
builds = []
compose = Footer.compose

def counting_compose(self):
    keys = list(compose(self))
    if keys:
        builds.append(len(keys))
    return keys

Footer.compose = counting_compose

async def main():
    config = Config.defaults()
    config.keys = {keys!r}
    app = make_app(None, engine=NlpEngine(in_process=True), db={db!r}, config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.screen.query("FooterKey"):
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        seen["after"] = sorted({{type(w).__name__ for w in app.screen.walk_children()}})
        seen["region_after"] = list(app.screen.query_one(ArticleView).region)
        seen["footer_builds"] = builds
        seen["keymap"] = app.keymap

asyncio.run(main())
print(json.dumps(seen))
"""


def first_paint(tmp_path: Path, keys: dict[str, str]) -> dict[str, Any]:
    """Run the sample in a child: what was imported and mounted at the first paint, and after."""
    code = _CHILD.format(later=NOT_BEFORE_THE_PAINT, db=str(tmp_path / "db.json"), keys=keys)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_keys_in_the_config_the_first_paint_imports_no_other_screen(tmp_path: Path) -> None:
    seen = first_paint(tmp_path, {})
    assert seen["imported"] == []


def test_keys_in_the_config_are_still_checked_against_every_screen(tmp_path: Path) -> None:
    seen = first_paint(tmp_path, {"export.cancel": "ctrl+g", "reader.no_such_action": "z"})
    assert seen["keymap"] == {"export.cancel": "ctrl+g"}


def test_the_key_bar_comes_after_the_first_paint_built_once_and_the_text_stays_put(tmp_path: Path) -> None:
    seen = first_paint(tmp_path, {})
    assert "Footer" not in seen["widgets"] and "TabbedContent" not in seen["widgets"]
    assert {"Footer", "FooterKey", "TabbedContent", "FactsPanel"} <= set(seen["after"])
    assert len(seen["footer_builds"]) == 1, seen["footer_builds"]  # not rebuilt per change of bindings
    assert seen["region"] == seen["region_after"]  # its row was kept: no re-wrap, no jump


def test_the_search_bar_comes_after_the_first_paint_on_its_own_layer(tmp_path: Path) -> None:
    seen = first_paint(tmp_path, {})
    assert "SearchBar" not in seen["widgets"] and "SearchBar" in seen["after"]


async def test_a_search_typed_before_the_bar_is_mounted_still_searches(tmp_path: Path) -> None:
    app = make_app(None, engine=NlpEngine(in_process=True), db=str(tmp_path / "db.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, ReaderScreen)
        # As if / came before the screen's first refresh had mounted the bar.
        for bar in app.screen.query(SearchBar):
            await bar.remove()
        await pilot.press("slash", *"Rusia", "enter")
        await wait_until(pilot, lambda: "for Rusia" in str(app.screen.query_one("#status-message").render()))
        bar = app.screen.query_one(SearchBar)
        assert bar.value == "Rusia" and not bar.display and view_of(app).has_focus


def test_the_reader_starts_with_the_garbage_collector_off(monkeypatch) -> None:
    """Its full passes walked every object while the interface was imported and built (some
    30-40 ms before the first paint); the app turns it back on once painted (next test)."""
    import gc

    import tui.cli

    during: list[bool] = []
    monkeypatch.setattr(tui.cli, "_run_reader", lambda argv, terminal: during.append(gc.isenabled()) or 0)
    assert gc.isenabled()
    assert tui.cli.run_reader([]) == 0
    assert during == [False] and gc.isenabled()  # on again however the reader ended


async def test_the_app_turns_the_collector_back_on_after_the_first_paint(tmp_path: Path) -> None:
    import gc

    app = make_app(None, engine=NlpEngine(in_process=True), db=str(tmp_path / "db.json"))
    gc.disable()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: view_of(app).wrapped is not None)
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what the start made is out of the collector's walks
    finally:
        gc.unfreeze()  # (not to keep this test's objects from the collector in the tests after it)
        gc.enable()


async def test_the_work_after_the_paint_waits_for_textual_to_let_frames_out(tmp_path: Path) -> None:
    """While Textual holds frames (the app mounting: App.batch_update) the screen's first refresh is
    not written; the side panel and the rest wait for a refresh after the hold, so the article's
    text comes first. (If Textual renames ``_batch_count``, this fails.)"""
    app = make_app(None, engine=NlpEngine(in_process=True), db=str(tmp_path / "db.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await wait_until(pilot, lambda: screen.side_ready)
        assert app._batch_count == 0
        calls: list[int] = []
        screen.mount_side = lambda: calls.append(app._batch_count) or asyncio.sleep(0)  # type: ignore[method-assign]
        app._batch_count += 1  # as while the app mounts
        task = asyncio.ensure_future(screen.after_first_paint())
        await asyncio.sleep(0.1)
        assert calls == []  # held: nothing mounted yet
        app._batch_count -= 1
        await task
        await wait_until(pilot, lambda: calls == [0])
