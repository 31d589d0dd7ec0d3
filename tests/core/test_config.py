"""The config file: each setting from the flag, the environment, the file or the default, in that
order; a bad value is one line naming its key, and that setting keeps its default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.core.config import SETTINGS, check_keys, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default(tmp_path: Path) -> None:
    path = write(tmp_path, 'db = "/from/file.json"\nmeasure = 72\n')
    env = {"SOROT_DB": "/from/env.json"}

    assert load_config(path, env={}).sources["db"] == str(path)
    assert load_config(path, env={})["db"] == "/from/file.json"
    from_env = load_config(path, env=env)
    assert (from_env["db"], from_env.sources["db"]) == ("/from/env.json", "$SOROT_DB")
    from_flag = load_config(path, env=env, flags={"db": "/from/flag.json"})
    assert (from_flag["db"], from_flag.sources["db"]) == ("/from/flag.json", "--db")
    # The other settings go on coming from where they were.
    assert (from_flag["measure"], from_flag.sources["measure"]) == (72, str(path))
    assert (from_flag["theme"], from_flag.sources["theme"]) == ("textual-dark", "default")
    assert from_flag.problems == []


def test_a_named_config_file_that_is_missing_is_one_problem_and_every_default(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml", env={})
    assert {name: config[name] for name in SETTINGS} == {name: s.default for name, s in SETTINGS.items()}
    assert config.problems == [f"{tmp_path / 'absent.toml'}: no such file; using the defaults"]


def test_the_config_file_comes_from_sorot_config(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "nord"\n')
    assert load_config(env={"SOROT_CONFIG": str(path)})["theme"] == "nord"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('panel = "middle"', "panel: must be one of 'right', 'left', 'bottom'"),
        ("panel_width = 5", "panel_width: must be a whole number of columns, 10 to 200"),
        ('measure = "wide"', "measure: must be a whole number of columns, 20 to 400 (0: no limit)"),
        ("measure = true", "measure: must be a whole number"),
        ('colours = "millions"', "colours: must be one of 'auto', 'truecolor', '256', '16', 'none'"),
        ("theme = 3", "theme: must be a non-empty string"),
        ('db = "a\\u001b[2Jb"', "db: must not contain control characters"),
    ],
)
def test_a_bad_value_is_one_line_naming_its_key_and_the_default_stays(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text + "\n")
    config = load_config(path, env={})
    assert len(config.problems) == 1
    line = config.problems[0]
    assert "\n" not in line and line.startswith(f"{path}: {problem}")
    name = text.split(" ")[0]
    assert config[name] == SETTINGS[name].default


def test_the_good_settings_of_a_file_with_a_bad_one_still_apply(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'panel = "middle"\npanel_width = 30\nbogus = 1\n'), env={})
    assert config["panel_width"] == 30 and config["panel"] == "right"
    assert [p.split(": ")[1] for p in config.problems] == ["panel", "bogus"]


def test_a_file_that_is_not_toml_is_one_line_and_every_default(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "theme = [\n"), env={})
    assert len(config.problems) == 1 and "not valid TOML" in config.problems[0]
    assert config["theme"] == "textual-dark"
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe")
    assert load_config(tmp_path / "bin.toml", env={}).problems == [
        f"{tmp_path / 'bin.toml'}: not UTF-8 text; using the defaults"
    ]


def test_keys_take_a_preset_and_binding_ids(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\npreset = "vim"\n"reader.start_search" = "slash, ctrl+f"\n"article.top" = ""\n')
    config = load_config(path, env={})
    assert config.preset == "vim" and config.sources["keys.preset"] == str(path)
    assert config.keys == {"reader.start_search": "slash,ctrl+f"}
    assert config.problems == [f'{path}: keys.article.top: must be keys separated by commas, e.g. "j,down"; ignored']
    bad = load_config(write(tmp_path, '[keys]\npreset = "emacs"\n'), env={})
    assert bad.preset == "default" and "keys.preset: must be one of 'default', 'vim', 'less'" in bad.problems[0]


def test_a_key_is_a_character_or_a_key_name() -> None:
    assert check_keys("j, down ,ctrl+f,question_mark,?") == "j,down,ctrl+f,question_mark,?"
    with pytest.raises(ValueError, match="'a b' is not a key"):
        check_keys("a b")


def test_the_colour_depth_comes_from_textual_or_no_color(tmp_path: Path) -> None:
    assert load_config(tmp_path / "x", env={"TEXTUAL_COLOR_SYSTEM": "standard"})["colours"] == "16"
    config = load_config(write(tmp_path, 'colours = "256"\n'), env={"NO_COLOR": "1"})
    assert (config["colours"], config.sources["colours"]) == ("none", "$NO_COLOR")


def test_sorot_config_prints_each_value_and_where_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, 'db = "/from/file.json"\ntheme = "nord"\n[keys]\npreset = "less"\n"app.quit" = "Q"\n')
    monkeypatch.setenv("SOROT_DB", "/from/env.json")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)
    assert main(["config", "--config", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"# config file: {path}"
    assert 'db = "/from/env.json"  # $SOROT_DB' in lines
    assert f'theme = "nord"  # {path}' in lines
    assert "measure = 0  # default" in lines
    assert f'preset = "less"  # {path}' in lines
    assert f'"app.quit" = "Q"  # {path}' in lines
    assert main(["config", "--config", str(path), "--db", "/flag.json"]) == 0
    assert 'db = "/flag.json"  # --db' in capsys.readouterr().out.splitlines()


def test_sorot_config_says_what_is_wrong_one_line_each_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, 'panel_width = "wide"\nmodel = "no_such_pipeline_xyz"\n[keys]\n"nope.x" = "z"\n')
    assert main(["config", "--config", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "panel_width = 46  # default" in out
    assert 'model = "sorot-id"  # default: the built-in Indonesian pipeline, ' in out
    assert err.splitlines() == [
        f"sorot: {path}: panel_width: must be a whole number of columns, 10 to 200; using the default",
        f"sorot: {path}: model: no such path and no installed spaCy pipeline by that name",
        f"sorot: {path}: keys.nope.x: no such binding (sorot config --keys lists them); ignored",
    ]


def test_sorot_config_keys_lists_every_binding_id_with_the_preset_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[keys]\npreset = "less"\n"reader.start_search" = "ctrl+f"\n')
    assert main(["config", "--config", str(path), "--keys"]) == 0
    rows = dict(line.split("\t")[:2] for line in capsys.readouterr().out.splitlines())
    assert rows["reader.start_search"] == "ctrl+f"
    assert rows["article.page_down"].startswith("space,f,")
    assert rows["app.quit"] == "q" and rows["facts.first"] == "g,home"


def test_sorot_config_names_a_theme_that_does_not_exist_and_lists_only_bindings_that_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, 'theme = "nope"\n[keys]\n"no.such" = "x"\n"reader.start_search" = "slash,ctrl+f"\n')
    assert main(["config", "--config", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "theme: no theme 'nope'" in err and "keys.no.such: no such binding" in err
    assert '"no.such"' not in out and f'"reader.start_search" = "slash,ctrl+f"  # {path}' in out


def test_a_key_the_user_binds_is_taken_from_the_preset() -> None:
    from tui.ui.app import bound_classes
    from tui.ui.keymaps import PRESETS, binding_ids, keymap

    assert "ctrl+f" in PRESETS["less"]["article.page_down"]
    chosen, problems = keymap("less", {"reader.start_search": "slash,ctrl+f"}, binding_ids(bound_classes()), "c")
    assert problems == [] and chosen["reader.start_search"] == "slash,ctrl+f"
    assert "ctrl+f" not in chosen["article.page_down"].split(",") and chosen["article.page_down"]


def test_a_config_nested_too_deeply_is_one_line_and_every_default(tmp_path: Path) -> None:
    path = write(tmp_path, "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    config = load_config(path)
    assert config.problems == [f"{path}: nested too deeply to be a config file; using the defaults"]
    assert config.values["theme"] == SETTINGS["theme"].default


def test_a_config_that_is_a_fifo_is_never_opened(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    config = load_config(fifo)  # opening it would block for ever: no writer
    assert config.problems == [f"{fifo}: not a regular file; using the defaults"]
    assert config.describe()[0] == f"# config file: {fifo} (not a regular file)"


def test_a_binding_takes_each_key_once_and_a_few_at_most() -> None:
    assert check_keys("j, down, j") == "j,down"
    with pytest.raises(ValueError, match="more than 16 keys for one binding"):
        check_keys(",".join(f"ctrl+{c}" for c in "abcdefghijklmnopq"))
