"""Flags of sorot itself before a subcommand (``sorot --config PATH config``), as in git and docker."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import _global_flags, main


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The headless commands put the config's database into $SOROT_DB: undone after the test.
    monkeypatch.delenv("SOROT_DB", raising=False)
    monkeypatch.delenv("SOROT_CONFIG", raising=False)
    path = tmp_path / "my.toml"
    path.write_text(f'theme = "nord"\ndb = "{tmp_path / "from-config.json"}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("form", ["spaced", "joined"])
def test_config_before_the_config_command_is_the_config_file(
    config_file: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    flags = ["--config", str(config_file)] if form == "spaced" else [f"--config={config_file}"]
    assert main([*flags, "config"]) == 0
    out = capsys.readouterr().out
    assert f"# config file: {config_file}" in out
    assert f'theme = "nord"  # {config_file}' in out


def test_db_before_the_command_is_a_flag_and_one_after_it_wins(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", "/before.json", "--config", str(config_file), "config"]) == 0
    assert 'db = "/before.json"  # --db' in capsys.readouterr().out
    assert main(["--db", "/before.json", "config", "--db", "/after.json"]) == 0
    assert 'db = "/after.json"  # --db' in capsys.readouterr().out


def test_global_flags_reach_a_subcommand_whose_flags_belong_to_its_action(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["--db", str(missing), "feed", "list"]) == 1
    assert str(missing) in capsys.readouterr().err
    # --config before a headless command: the database comes from that file.
    assert main(["--config", str(config_file), "db", "dump", "-o", str(tmp_path / "out")]) == 1
    assert str(tmp_path / "from-config.json") in capsys.readouterr().err


def test_a_flag_the_subcommand_does_not_take_is_a_usage_error(config_file: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--max-size", "1M", "feed", "list"])
    assert exit_.value.code == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["article.txt"],
        ["--db", "x.json", "article.txt"],
        ["--db", "x.json", "--", "config"],  # a file named config
        ["--", "-weird-name.txt"],
        ["--db"],  # missing its value: the reader's parser says so
        ["--version", "config"],
    ],
)
def test_a_path_after_global_flags_is_still_an_article(argv: list[str]) -> None:
    assert _global_flags(argv) is None


def test_a_file_named_like_a_flag_still_opens_after_global_flags(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--db", str(tmp_path / "x.json"), "--", "-weird-name.txt"]) == 1
    assert "-weird-name.txt: no such file" in capsys.readouterr().err
