"""``sorot config`` prints the values in effect, and the file's problems in the file's order."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.core.config import load_config
from tui.core.nlp import DEFAULT_MODEL
from tui.core.store.api import default_db_path


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_theme_prints_the_theme_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config_file(tmp_path, 'theme = "nope"\n')
    assert main(["config", "--config", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert 'theme = "textual-dark"  # default' in out


def test_an_empty_db_and_model_print_the_database_and_pipeline_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOROT_DB", raising=False)
    path = config_file(tmp_path, 'db = ""\nmodel = ""\n')
    assert main(["config", "--config", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f'db = "{default_db_path({})}"  # {path}: empty, so the default' in out
    assert any(line.startswith(f'model = "{DEFAULT_MODEL}"  # {path}: empty, so the default') for line in out)
    assert not any(line.startswith(('db = ""', 'model = ""')) for line in out)


def test_a_key_given_twice_in_one_binding_is_a_problem(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, '[keys]\n"reader.annotate" = "a,a"\n'), env={})
    assert config.keys == {"reader.annotate": "a"}
    assert config.problems == [f"{config.path}: keys.reader.annotate: 'a' given twice (a binding takes each key once)"]


def test_problems_come_in_the_order_of_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config_file(tmp_path, 'theme = "nope"\npanel = "top"\n[keys]\n"no.such" = "z"\npreset = "emacs"\n')
    assert main(["config", "--config", str(path)]) == 1
    keys = [line.split(": ")[2] for line in capsys.readouterr().err.splitlines()]
    assert keys == ["theme", "panel", "keys.no.such", "keys.preset"]
