"""A long article goes through the pipeline one piece at a time, so memory stays flat whatever its size.

spaCy keeps a whole batch of Docs (and the network's activations for all of them) alive until the
batch is done: fed every piece of a 5 MB article at once, the pipeline took 11.8 GB. Here a stand-in
component counts the Docs still alive each time it sees a new piece.
"""

from __future__ import annotations

import weakref

import pytest
import spacy
from spacy.language import Language
from spacy.util import minibatch

from tui.core.nlp import CHUNK_CHARS, find_entities, split_for_nlp
from tui.core.nlp.engine import NlpEngine

PARAGRAPH = "Ada Lovelace menulis surat kepada Babbage dari London pada tahun 1843.\n"
# Four pieces or more: every piece but the first is read while an earlier one could still be alive.
LONG_TEXT = PARAGRAPH * (4 * CHUNK_CHARS // len(PARAGRAPH))


class DocCounter:
    """Remembers, for each Doc it sees, how many Docs it saw before are still alive.

    Its ``pipe`` batches as spaCy's trained components (tok2vec, ner) do.
    """

    def __init__(self) -> None:
        self.seen: list[weakref.ref] = []
        self.alive_before: list[int] = []

    def __call__(self, doc):
        self.alive_before.append(sum(ref() is not None for ref in self.seen))
        self.seen.append(weakref.ref(doc))
        return doc

    def pipe(self, docs, *, batch_size: int = 128):
        for batch in minibatch(docs, batch_size):
            for doc in batch:
                self(doc)
            yield from batch


@Language.factory("sorot_test_doc_counter")
def _doc_counter(nlp: Language, name: str) -> DocCounter:
    return DocCounter()


@pytest.fixture
def counting_nlp() -> Language:
    nlp = spacy.blank("id")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": "Babbage"}, {"label": "LOC", "pattern": "London"}])
    nlp.add_pipe("sorot_test_doc_counter", first=True)  # after the patterns, which go through the pipeline too
    return nlp


def test_each_piece_is_freed_before_the_next_one_goes_through_the_pipeline(counting_nlp: Language) -> None:
    pieces = list(split_for_nlp(LONG_TEXT))
    assert len(pieces) >= 4
    done = []
    entities = find_entities(counting_nlp, LONG_TEXT, progress=lambda end, total: done.append(end))
    counter = counting_nlp.get_pipe("sorot_test_doc_counter")
    assert counter.alive_before == [0] * len(pieces)
    assert done == [end for _, end in pieces]  # each piece reported as it is finished
    assert len(entities) == 2 * LONG_TEXT.count(PARAGRAPH)
    assert all(LONG_TEXT[e.start : e.end] == e.text for e in entities)
    assert {e.label for e in entities} == {"PERSON", "LOC"}


def test_the_exports_engine_also_reads_one_piece_at_a_time(counting_nlp: Language, monkeypatch) -> None:
    # `sorot extract` and the spacy/prodigy/brat exports run the pipeline in this process.
    from tui.core.nlp import engine as engine_module

    monkeypatch.setitem(engine_module._pipelines, "counting", counting_nlp)
    engine = NlpEngine("counting", in_process=True)
    try:
        assert len(engine.find_entities(LONG_TEXT)) == 2 * LONG_TEXT.count(PARAGRAPH)
    finally:
        engine.close()
    counter = counting_nlp.get_pipe("sorot_test_doc_counter")
    assert counter.alive_before == [0] * len(list(split_for_nlp(LONG_TEXT)))
