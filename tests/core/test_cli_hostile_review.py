"""What a hostile review of the command line and the config file found: argparse quoting escape
codes raw, a dump that left damaged data out silently, key names that are not keys, unquoted
binding ids, and unclear messages for an empty --config, a global flag and a missing model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.core.test_store import DOC, TEXT, note
from tui.cli import main
from tui.core.config import NAMED_KEYS, check_keys, is_key, load_config
from tui.core.store import Store, data_folder

HOSTILE = "x\x1b]0;PWN\x07"


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOROT_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("SOROT_DB", str(tmp_path / "default.json"))


@pytest.mark.parametrize(
    "argv",
    [
        ["c1.toml", HOSTILE],  # the reader's parser
        ["config", "--bogus", HOSTILE],
        ["db", "dump", "--bogus", HOSTILE],  # a subcommand's action
        ["export", "--format", HOSTILE],
        ["library", "--nope", HOSTILE],
    ],
)
def test_argparse_errors_show_control_characters_as_symbols(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "x␛]0;PWN␇" in err or "'x\\x1b]0;PWN\\x07'" in err  # (a choice is quoted by its repr)


def test_a_dump_of_a_database_with_a_damaged_part_warns_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.document_opened(DOC)
        store.add(note(TEXT, "Joko Widodo", note="satu"))
    buckets = sorted((data_folder(db) / "docs").glob("*.json"))
    assert buckets
    for bucket in buckets:
        bucket.write_bytes(b"garbage")
    assert main(["db", "dump", "--db", str(db), "-o", str(tmp_path / "out.json")]) == 1
    err = capsys.readouterr().err
    assert "warning:" in err and "dumped 0 annotations" in err


@pytest.mark.parametrize("key", ["qq", "ctrl+", "pgdown", "esc", "ctrl+ff", "ctrl+ctrl+a", "Escape", "a b", "hyper+"])
def test_words_that_are_not_keys_are_refused_naming_the_key(key: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"'{key}' is not a key")):
        check_keys(f"x,{key}")


@pytest.mark.parametrize(
    "key",
    ["q", "é", "ж", "?", "question_mark", "slash", "space", "pagedown", "escape", "f1", "f35", "ctrl+f", "shift+tab",
     "alt+é", "ctrl+shift+home", "super+a", "full_stop", "plus", "+"],
)  # fmt: skip
def test_textual_s_keys_are_taken(key: str) -> None:
    assert is_key(key)


def test_a_bad_key_leaves_the_binding_to_its_default(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[keys]\n"app.quit" = "qq"\n', encoding="utf-8")
    config = load_config(path, env={})
    assert "app.quit" not in config.keys
    assert config.problems == [f"{path}: keys.app.quit: 'qq' is not a key (a key is a character or a name such as "
                               "ctrl+f or pagedown); ignored"]  # fmt: skip


def test_the_named_keys_are_textual_s() -> None:
    from textual._keyboard_protocol import FUNCTIONAL_KEYS
    from textual.keys import Keys

    names = {key.value.split("+")[-1] for key in Keys} | set(FUNCTIONAL_KEYS.values())
    assert {name for name in names if len(name) > 1 and not name.startswith("<") and name != "ctrl-at"} == NAMED_KEYS


def test_unquoted_binding_ids_are_read_as_the_dotted_ids_they_mean(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[keys]\napp.quit = "x"\nreader.start_search = "slash,ctrl+f"\n', encoding="utf-8")
    config = load_config(path, env={})
    assert config.keys == {"app.quit": "x", "reader.start_search": "slash,ctrl+f"}
    assert config.problems == []


def test_an_empty_config_path_is_said_to_be_empty(capsys: pytest.CaptureFixture) -> None:
    assert main(["--config=", "config"]) == 1
    err = capsys.readouterr().err
    assert "--config: the path is empty" in err and "not a regular file" not in err


def test_a_global_flag_the_command_does_not_take_is_quoted_as_typed(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["--max-size", "0", "config"])
    assert "unrecognized arguments: --max-size 0\n" in capsys.readouterr().err


def test_config_with_a_model_that_is_not_installed_fails_as_the_reader_does(capsys: pytest.CaptureFixture) -> None:
    assert main(["config", "--model", "nonexistent_model_xyz"]) == 2
    assert "--model nonexistent_model_xyz: no such path and no installed spaCy pipeline" in capsys.readouterr().err
