"""Found entities are cached by text and pipeline, so reopening an article needs no NLP at all."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tui.core.analysis.cache import EntityCache, default_cache_dir, pipeline_key
from tui.core.analysis.engine import NlpEngine
from tui.core.entities import Entity
from tui.core.nlp import RULES_MODEL, PipelineError

TEXT = "Ada Lovelace met Babbage in London."


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_result_comes_back_for_the_same_text_and_pipeline_only(tmp_path: Path) -> None:
    cache = EntityCache(tmp_path)
    found = [Entity(0, 12, "PERSON", "Ada Lovelace"), Entity(28, 34, "GPE", "London")]
    cache.put(sha(TEXT), "model-a", "en", found)
    assert cache.get(TEXT, sha(TEXT), "model-a") == ("en", found)
    assert cache.get(TEXT, sha(TEXT), "model-b") is None
    other = TEXT.replace("London", "Paris")
    assert cache.get(other, sha(other), "model-a") is None


@pytest.mark.parametrize("content", ["{not json", '{"language": "en", "entities": [[0, 999, "X"]]}', "[1, 2]", ""])
def test_a_damaged_cache_file_is_a_miss_not_an_error(tmp_path: Path, content: str) -> None:
    cache = EntityCache(tmp_path)
    cache.put(sha(TEXT), "k", "en", [Entity(0, 3, "PERSON", "Ada")])
    (path,) = tmp_path.glob("*.jsonl")
    path.write_text(content)
    assert cache.get(TEXT, sha(TEXT), "k") is None


def test_an_unwritable_cache_is_silently_unused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = EntityCache(blocker / "cache")  # under a file: the directory cannot be made
    cache.put(sha(TEXT), "k", "en", [Entity(0, 3, "PERSON", "Ada")])  # no exception
    assert cache.get(TEXT, sha(TEXT), "k") is None and sorted(tmp_path.iterdir()) == [blocker]


def test_the_oldest_results_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.core.analysis.cache.MAX_FILES", 3)
    cache = EntityCache(tmp_path)
    for i in range(5):
        cache.put(sha(str(i)), "k", "en", [])
    assert len(list(tmp_path.glob("*.jsonl"))) == 3
    assert cache.get("4", sha("4"), "k") is not None


def test_the_cache_directory_follows_the_environment(tmp_path: Path) -> None:
    assert default_cache_dir({"SOROT_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert default_cache_dir({"SOROT_CACHE_DIR": "off"}) is None
    assert default_cache_dir({}).name == "entities"


def test_the_key_names_the_pipeline_and_changes_with_its_files(tmp_path: Path) -> None:
    from tui.core.analysis.cache import _files_digest

    (tmp_path / "meta.json").write_text(json.dumps({"name": "x", "version": "1.0.0"}))
    (tmp_path / "config.cfg").write_text('[nlp]\npipeline = ["ner"]\n')
    first = pipeline_key(str(tmp_path))
    assert first is not None and first.startswith("x:1.0.0:")
    _files_digest.cache_clear()  # computed once per process; a new process sees the change
    (tmp_path / "config.cfg").write_text('[nlp]\npipeline = ["tok2vec", "ner"]\n')
    assert pipeline_key(str(tmp_path)) != first
    assert pipeline_key(RULES_MODEL).startswith(RULES_MODEL) and "spacy" in pipeline_key(RULES_MODEL)
    assert pipeline_key(None) is not None  # the bundled pipeline, hashed by content
    assert pipeline_key("some_installed_package") is None


@pytest.mark.parametrize(
    "entities",
    [
        [[True, 3, "PERSON"]],  # a boolean is no offset
        [[10, 20, "PERSON"], [0, 5, "ORG"]],  # out of order
        [[0, 10, "PERSON"], [5, 12, "ORG"]],  # overlapping
        [[0, 3, "\u001b[2J"]],  # a label that would reach the terminal
        [[0, 3, "[bold]x[/]"]],
    ],
)
def test_an_implausible_cached_result_is_a_miss(tmp_path: Path, entities: list) -> None:
    cache = EntityCache(tmp_path)
    cache.put(sha(TEXT), "k", "en", [])
    (path,) = tmp_path.glob("*.jsonl")
    rows = [json.dumps({"language": "en"}), json.dumps(entities), json.dumps({"entities": len(entities)})]
    path.write_text("\n".join(rows) + "\n")
    assert cache.get(TEXT, sha(TEXT), "k") is None


def test_a_long_result_is_kept_a_line_of_rows_at_a_time_and_a_cut_file_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each line is parsed alone: ``json.loads`` holds the interpreter's lock through a whole
    document, and the reader's keys wait for it (75 ms for the 85,000 entities of 3 MB)."""
    monkeypatch.setattr("tui.core.analysis.cache.ROWS_PER_LINE", 4)
    text = "Ada " * 10
    found = [Entity(4 * i, 4 * i + 3, "PERSON", "Ada") for i in range(10)]
    cache = EntityCache(tmp_path)
    cache.put(sha(text), "k", "en", found)
    (path,) = tmp_path.glob("*.jsonl")
    lines = path.read_text().splitlines()
    assert [len(json.loads(line)) for line in lines[1:-1]] == [4, 4, 2]
    assert cache.get(text, sha(text), "k") == ("en", found)
    path.write_text("\n".join([*lines[:2], lines[-1]]) + "\n")  # a line of rows lost
    assert cache.get(text, sha(text), "k") is None
    path.write_text("\n".join(lines[:-1]) + "\n")  # cut before its count
    assert cache.get(text, sha(text), "k") is None
    path.write_text("\n".join([*lines, lines[1]]) + "\n")  # rows after the count
    assert cache.get(text, sha(text), "k") is None


def test_results_of_the_first_format_are_pruned_with_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.core.analysis.cache.MAX_FILES", 2)
    old = tmp_path / ("0" * 64 + ".json")
    old.write_text('{"language":"en","entities":[]}')
    os.utime(old, (1, 1))
    cache = EntityCache(tmp_path)
    for i in range(2):
        cache.put(sha(str(i)), "k", "en", [])
    assert not old.exists() and len(list(tmp_path.glob("*.jsonl"))) == 2


def test_a_cache_file_longer_than_its_text_could_need_is_not_read(tmp_path: Path, monkeypatch) -> None:
    cache = EntityCache(tmp_path)
    cache.put(sha(TEXT), "k", "en", [Entity(0, 3, "PERSON", "Ada")])
    (path,) = tmp_path.glob("*.jsonl")
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1] + " " * 5000, lines[2]]) + "\n")  # valid, but padded
    read: list[Path] = []
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: read.append(self) or open(self, *a, **k))
    assert cache.get(TEXT, sha(TEXT), "k") is None and read == []


def test_a_cache_file_that_overflows_the_json_parser_is_a_miss(tmp_path: Path) -> None:
    cache = EntityCache(tmp_path)
    cache.put(sha(TEXT), "k", "en", [])
    (path,) = tmp_path.glob("*.jsonl")
    path.write_text("[" * 200_000 + "]" * 200_000)
    assert cache.get(TEXT, sha(TEXT), "k") is None


def test_an_engine_stores_a_complete_result_and_answers_from_it_later(english_model: Path, tmp_path: Path) -> None:
    cache = EntityCache(tmp_path / "cache")
    engine = NlpEngine(str(english_model), in_process=True, cache=cache)
    first = engine.find_entities(TEXT)
    assert [e.text for e in first] == ["Ada Lovelace", "Babbage", "London"]
    # A second engine of the same pipeline answers without loading it: break the pipeline to prove it.
    broken = tmp_path / "same_meta"
    broken.mkdir()
    (broken / "meta.json").write_bytes((english_model / "meta.json").read_bytes())
    later = NlpEngine(str(broken), in_process=True, cache=cache)
    later._cache_key = engine._key()  # same pipeline identity, different path
    assert later.cached(TEXT) == ("en", first)
    assert later.find_entities(TEXT) == first
    with pytest.raises(PipelineError):
        later.language()  # it really could not have loaded


def test_a_cancelled_run_is_not_cached(english_model: Path, tmp_path: Path) -> None:
    cache = EntityCache(tmp_path)
    engine = NlpEngine(str(english_model), in_process=True, cache=cache)
    engine.find_entities(TEXT, cancelled=lambda: True)
    assert engine.cached(TEXT) is None
    engine.find_entities(TEXT)
    assert engine.cached(TEXT) is not None
