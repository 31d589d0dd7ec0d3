"""Keys as in less, vim and Textual apps, and the config file's theme, layout and key bindings."""

from __future__ import annotations

import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.ui.conftest import notifications, run, view_of, wait_for_nlp, wait_until
from tests.ui.test_many_annotations import annotations_on, database
from tui.core.analysis.engine import NlpEngine
from tui.core.config import Config, load_config
from tui.core.document import load_article, sample_article_path
from tui.ui.app import SorotApp, bound_classes, make_app
from tui.ui.keymaps import PRESETS, binding_ids
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.reader import ReaderScreen, SearchBar
from tui.ui.widgets.facts_panel import FactsPanel
from tui.ui.widgets.notes_panel import NotesPanel


def config_of(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env={})


@asynccontextmanager
async def configured(config: Config | None = None, size: tuple[int, int] = (120, 40)):
    with tempfile.TemporaryDirectory(prefix="sorot-db-") as fresh:
        app = make_app(in_process=True, db=Path(fresh) / "sorot.json", config=config)
        async with run(app, size=size) as pilot:
            await wait_for_nlp(pilot)
            await wait_until(pilot, lambda: app.screen.side_ready and app.screen.annotations_ready)
            yield app, pilot


def test_every_preset_rebinds_bindings_that_exist() -> None:
    known = binding_ids(bound_classes())
    for preset, keymap in PRESETS.items():
        assert set(keymap) <= known, preset


def test_every_binding_has_a_unique_id() -> None:
    seen: dict[str, str] = {}
    for cls in bound_classes():
        for binding in cls.__dict__.get("BINDINGS", []):
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            assert seen.setdefault(binding.id, binding.action) == binding.action, binding.id


async def test_a_rebound_key_runs_its_action_and_the_old_key_no_longer_does(tmp_path: Path) -> None:
    config = config_of(tmp_path, '[keys]\n"reader.start_search" = "ctrl+f"\n')
    async with configured(config) as (app, pilot):
        await pilot.press("slash")
        assert not app.screen.query_one(SearchBar).display
        await pilot.press("ctrl+f")
        assert app.screen.query_one(SearchBar).display
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        # The help lists the key the config gave.
        assert [keys for _, keys, what in app.screen.rows if what.startswith("Search:")] == ["^f"]


async def test_the_vim_preset_moves_with_h_and_l_and_pages_with_ctrl_f(tmp_path: Path) -> None:
    async with configured(config_of(tmp_path, '[keys]\npreset = "vim"\n')) as (app, pilot):
        view = view_of(app)
        await pilot.press("l", "l", "l")
        assert view.cursor == 3  # l moved right, not relabel
        await pilot.press("h")
        assert view.cursor == 2
        assert not isinstance(app.screen, HelpScreen) and len(app.screen_stack) == 2  # no dialog either
        await pilot.press("ctrl+f")
        assert view.scroll_y > 0
        await pilot.press("ctrl+b")
        assert view.scroll_y == 0


async def test_the_less_preset_pages_with_f_and_b_and_h_is_help(tmp_path: Path) -> None:
    async with configured(config_of(tmp_path, '[keys]\npreset = "less"\n')) as (app, pilot):
        view = view_of(app)
        await pilot.press("f")
        assert view.scroll_y > 0
        await pilot.press("b")
        assert view.scroll_y == 0
        await pilot.press("e", "e")  # down a line twice, not add-entity (moved to +)
        assert view.cursor > 0 and len(app.screen_stack) == 2
        await pilot.press("greater_than_sign")
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("h")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        assert isinstance(app.screen, ReaderScreen)


async def test_a_bad_config_is_one_warning_and_the_reader_starts_with_the_defaults(tmp_path: Path) -> None:
    config = config_of(tmp_path, 'theme = "no-such-theme"\n[keys]\n"nope.x" = "z"\n')
    async with configured(config) as (app, pilot):
        (warning,) = [n.message for n in notifications(app) if n.title == "Config"]
        assert "\n" not in warning
        assert "2 problems: theme: no theme 'no-such-theme'" in warning
        assert app.theme == "textual-dark"
        await pilot.press("slash")
        assert app.screen.query_one(SearchBar).display


async def test_theme_panel_and_measure_come_from_the_config(tmp_path: Path) -> None:
    config = config_of(tmp_path, 'theme = "nord"\npanel = "left"\npanel_width = 30\nmeasure = 60\n')
    async with configured(config) as (app, pilot):
        assert app.theme == "nord"
        side = app.screen.query_one("#side")
        view = view_of(app)
        assert side.region.x == 0 and side.outer_size.width == 30
        assert view.region.x >= 30 and view.outer_size.width == 61


@pytest.mark.parametrize("key", ["ctrl+c", "q"])
async def test_ctrl_c_quits_as_q_does_without_a_lecture(key: str) -> None:
    async with configured() as (app, pilot):
        exits = []
        app.exit = lambda *args, **kwargs: exits.append(args)  # type: ignore[method-assign]
        await pilot.press(key)
        assert exits == [()]
        assert not [n for n in notifications(app) if "quit" in n.message.lower()]


async def test_ctrl_z_suspends(monkeypatch: pytest.MonkeyPatch) -> None:
    suspended = []
    monkeypatch.setattr(SorotApp, "action_suspend_process", lambda self: suspended.append(True))
    async with configured() as (app, pilot):
        await pilot.press("ctrl+z")
        assert suspended == [True]


async def test_g_and_capital_g_go_to_the_first_and_last_fact() -> None:
    async with configured() as (app, pilot):
        await pilot.press("tab")
        panel = app.screen.query_one(FactsPanel)
        assert panel.has_focus
        await pilot.press("G")
        assert panel.cursor_line == panel.last_line > 0
        await pilot.press("g")
        assert panel.cursor_line == 0


async def test_space_and_capital_g_scroll_the_help() -> None:
    async with configured(size=(100, 20)) as (app, pilot):
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body")
        await pilot.press("space")
        assert body.scroll_y > 1
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y > 0
        await pilot.press("g")
        assert body.scroll_y == 0


async def test_after_t_space_still_pages_the_article() -> None:
    async with configured() as (app, pilot):
        view = view_of(app)
        await pilot.press("t")
        assert app.screen.query_one("#side-tabs").active == "tab-notes"
        assert view.has_focus
        await pilot.press("space")
        assert view.scroll_y > 0


async def test_the_notes_list_stops_at_its_last_note(tmp_path: Path) -> None:
    article = sample_article_path()
    app = SorotApp(
        load_article(article),
        engine=NlpEngine(None, in_process=True),
        db=database(tmp_path, annotations_on(article, 3)),
    )
    async with run(app, size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.annotations_ready and app.screen.side_ready)
        notes = app.screen.query_one(NotesPanel)
        await wait_until(pilot, lambda: len(notes.ids) == 3)
        await pilot.press("t", "tab")
        assert notes.has_focus
        await pilot.press("G")
        assert notes.highlighted == 2
        await pilot.press("j", "down")
        assert notes.highlighted == 2
        await pilot.press("g", "k", "up")
        assert notes.highlighted == 0
