"""A config file's problems in the reader (one warning that counts them) and keys two bindings want:
within one widget or screen the config's binding takes the key and the help says so; a key a
binding nearer the focus still has is a problem naming both."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import notifications, view_of
from tests.ui.test_keys_and_config import config_of, configured
from tui.cli import main
from tui.ui.app import binding_chains, bound_classes
from tui.ui.keymaps import PRESETS, effective_keymap, keymap, shadowed
from tui.ui.screens.annotate import ChoiceScreen, NoteScreen
from tui.ui.screens.help import HelpScreen

MANY_PROBLEMS = (
    'theme = "no-such-theme"\npanel = "middle"\nmeasure = 3\nwidth = 1\n'
    '[keys]\n"[red]x\\u0007" = "z"\n"reader.highlight" = "j"\n'
)


async def test_many_problems_are_one_warning_of_one_line_and_sorot_config_lists_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_of(tmp_path, MANY_PROBLEMS)
    async with configured(config) as (app, _pilot):
        warnings = [n for n in notifications(app) if n.title == "Config"]
        assert len(warnings) == 1
        message = warnings[0].message
        assert "\n" not in message and "\x07" not in message and not warnings[0].markup
        assert message.startswith("config.toml: 6 problems: theme: no theme")  # the file's order
        assert f"run sorot --config {tmp_path / 'config.toml'} config to see all" in message
    assert main(["--config", str(tmp_path / "config.toml"), "config"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 6 and all(line.startswith("sorot: ") for line in lines)
    assert any("keys.[red]x␇: no such binding" in line for line in lines)
    assert any("keys.reader.highlight: j is taken first by article.cursor_down" in line for line in lines)


async def test_a_key_taken_from_a_binding_of_the_same_screen_runs_the_new_action_and_help_drops_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_of(tmp_path, '[keys]\n"reader.highlight" = "a"\n')  # a: write a note, by default
    async with configured(config) as (app, pilot):
        assert not [n for n in notifications(app) if n.title == "Config"]  # Textual settles it: no problem
        await pilot.press("a")
        assert isinstance(app.screen, ChoiceScreen) and not isinstance(app.screen, NoteScreen)  # the colours
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {what: keys for _, keys, what in app.screen.rows}
        assert rows["Highlight the selection (or the word) in a colour"] == "a"
        assert not any(what.startswith("Write a note") for what in rows)  # no key writes a note now
    assert main(["--config", str(tmp_path / "config.toml"), "config", "--keys"]) == 0
    listed = dict(line.split("\t")[:2] for line in capsys.readouterr().out.splitlines())
    assert (listed["reader.highlight"], listed["reader.annotate"]) == ("a", "")


async def test_a_key_a_widget_nearer_the_focus_has_is_a_problem_and_runs_that_widgets_action(tmp_path: Path) -> None:
    config = config_of(tmp_path, '[keys]\n"reader.highlight" = "j"\n')
    async with configured(config) as (app, pilot):
        (warning,) = [n.message for n in notifications(app) if n.title == "Config"]
        assert "keys.reader.highlight: j is taken first by article.cursor_down (ArticleView)" in warning
        view = view_of(app)
        before = view.cursor
        await pilot.press("j")
        assert len(app.screen_stack) == 2 and view.cursor != before  # the cursor moved; no colour dialog


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_the_presets_take_no_key_from_another_binding(preset: str) -> None:
    classes = bound_classes()
    chosen, _ = keymap(preset, {}, set(), "x")
    assert effective_keymap(classes, chosen) == chosen
    assert shadowed(binding_chains(), chosen, chosen, "x") == []


def test_a_binding_given_a_key_of_an_outer_screen_says_which_loses() -> None:
    chosen, _ = keymap("default", {"article.next_word": "e"}, {"article.next_word"}, "c.toml")
    problems = shadowed(binding_chains(), effective_keymap(bound_classes(), chosen), chosen, "c.toml")
    assert problems == [
        "c.toml: keys.article.next_word: e is reader.add_entity's key too (ReaderScreen); "
        "article.next_word (ArticleView) comes first"
    ]
