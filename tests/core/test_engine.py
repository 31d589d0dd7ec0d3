"""The NLP engine: the pipeline in a child process (or a thread), loaded once, stoppable at once."""

from __future__ import annotations

import os
import pickle
import signal
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui.core.analysis import engine as engine_module
from tui.core.analysis.engine import NlpEngine
from tui.core.nlp import PipelineError

TEXT = "Ada Lovelace wrote to Babbage from London.\n" * 3


@pytest.mark.parametrize("in_process", [False, True])
def test_entities_from_a_child_process_or_a_thread(english_model: Path, in_process: bool) -> None:
    engine = NlpEngine(str(english_model), in_process=in_process)
    try:
        assert engine.language() == "en"
        seen = []
        entities = engine.find_entities(TEXT, progress=lambda done, total: seen.append((done, total)))
        assert [(e.text, e.label) for e in entities[:3]] == [
            ("Ada Lovelace", "PERSON"),
            ("Babbage", "PERSON"),
            ("London", "GPE"),
        ]
        assert len(entities) == 9
        assert all(TEXT[e.start : e.end] == e.text for e in entities)
        assert seen[-1] == (len(TEXT), len(TEXT))
    finally:
        engine.close()


def test_a_pipeline_that_cannot_load_is_a_one_line_error(tmp_path: Path) -> None:
    engine = NlpEngine(str(tmp_path / "no-such-model"))
    try:
        with pytest.raises(PipelineError) as error:
            engine.language()
        assert "no-such-model" in str(error.value) and "\n" not in str(error.value)
    finally:
        engine.close()


def test_a_cancelled_caller_stops_waiting(english_model: Path) -> None:
    engine = NlpEngine(str(english_model))
    try:
        assert engine.find_entities(TEXT, cancelled=lambda: True) == []
        engine.language()
        checks = iter([False, True])  # give up while the child works on the first piece
        long_text = ("Ada Lovelace lived in London. " * 2000 + "\n") * 20
        partial = engine.find_entities(long_text, cancelled=lambda: next(checks, True))
        # At most the first piece (if the child answered before the caller looked again), never all.
        assert len(partial) < 2 * 2000 * 20 / 2
        # The engine still answers afterwards: the dropped reply is recognised by its id.
        assert len(engine.find_entities(TEXT)) == 9
    finally:
        engine.close()


def test_close_stops_the_child_and_later_calls_fail_cleanly(english_model: Path) -> None:
    engine = NlpEngine(str(english_model))
    engine.language()
    process = engine._process
    engine.close()
    assert not process.is_alive()
    with pytest.raises(PipelineError):
        engine.find_entities(TEXT)


def test_facts_of_a_long_article_come_from_the_child_and_match_the_ones_made_here(
    english_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core.analysis.engine import FACTS_HERE_CHARS
    from tui.core.entities import Entity
    from tui.core.facts import extract_facts

    sentence = "Presiden Joko Widodo mengatakan bahwa 10 persen warga Jakarta pindah pada tahun 2024.\n"
    text = sentence * (FACTS_HERE_CHARS // len(sentence) + 2)
    entities = []
    for k in range(0, len(text), len(sentence)):
        for word, label in (("Joko Widodo", "PERSON"), ("10 persen", "PERCENT"), ("Jakarta", "LOC")):
            at = text.index(word, k)
            entities.append(Entity(at, at + len(word), label, word))
    engine = NlpEngine(str(english_model))
    made: list[str] = []

    @contextmanager
    def making():  # around the unpickling of the answer only: the reader pauses its collector there
        made.append("in")
        yield
        made.append("out")

    def loads(data: bytes) -> object:
        made.append("loads")
        return pickle.loads(data)

    monkeypatch.setattr(engine_module, "pickle", SimpleNamespace(loads=loads))
    try:
        facts = engine.find_facts(text, entities, making=making)
        assert engine._process is not None and engine._process.is_alive()  # it really went to the child
    finally:
        engine.close()
    assert made == ["in", "loads", "out"]
    assert facts == extract_facts(text, entities)
    assert len(facts.claims) > 1000 and facts.entities[0].text == "Joko Widodo"


def test_the_child_ignores_a_ctrl_c_typed_while_the_reader_starts(english_model: Path) -> None:
    # A ctrl+c reaches every process of the terminal's group: before the interface takes the
    # keyboard, the child would die of it and print its traceback over the reader's screen.
    engine = NlpEngine(str(english_model))
    try:
        engine.start()
        os.kill(engine._process.pid, signal.SIGINT)
        time.sleep(0.3)
        assert engine._process.is_alive()
        assert [e.text for e in engine.find_entities(TEXT)][:2] == ["Ada Lovelace", "Babbage"]
    finally:
        engine.close()
