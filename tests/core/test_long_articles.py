"""A long article takes flat memory whatever its size: the mechanisms, checked on small texts.

spaCy keeps a whole batch of Docs (and the network's activations for all of them) alive until the
batch is done: fed every piece of a 5 MB article at once, the pipeline took 11.8 GB. Here a stand-in
component counts the Docs still alive each time it sees a new piece. Then what ``sorot extract``
holds after the pipeline: its NLP process is gone, its JSON is written record by record, and the
mentions of one name share their strings. (The figures: ``benchmarks/extract_memory.py``.)
"""

from __future__ import annotations

import io
import json
import weakref
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.util import minibatch

from tui.core.analysis.engine import NlpEngine
from tui.core.entities import Entity
from tui.core.nlp import CHUNK_CHARS, find_entities, split_for_nlp

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
    from tui.core.analysis import engine as engine_module

    monkeypatch.setitem(engine_module._pipelines, "counting", counting_nlp)
    engine = NlpEngine("counting", in_process=True)
    try:
        assert len(engine.find_entities(LONG_TEXT)) == 2 * LONG_TEXT.count(PARAGRAPH)
    finally:
        engine.close()
    counter = counting_nlp.get_pipe("sorot_test_doc_counter")
    assert counter.alive_before == [0] * len(list(split_for_nlp(LONG_TEXT)))


def _gold_entities(gold: dict, text: str) -> list[Entity]:
    spans = [*gold["entities"], *gold["dates"], *gold["numbers"]]
    return sorted(Entity(s["start"], s["end"], s["label"], text[s["start"] : s["end"]]) for s in spans)


def test_the_extract_json_is_written_one_record_at_a_time(sample_path: Path, gold: dict) -> None:
    from tui.cli import write_extract_json
    from tui.core.facts import extract_facts

    text = sample_path.read_text(encoding="utf-8")
    entities = _gold_entities(gold, text)
    facts = extract_facts(text, entities).all()
    out = io.StringIO()
    written_when_pulled = []

    def pulled(records):
        for record in records:
            written_when_pulled.append(out.tell())
            yield record

    document = {"path": "-", "sha256": "0" * 64, "chars": len(text), "language": "id"}
    write_extract_json(out, document, pulled(entities), pulled(facts))
    # Every record is written before the next one is asked for.
    assert len(written_when_pulled) == len(entities) + len(facts)
    assert all(a < b for a, b in zip(written_when_pulled, written_when_pulled[1:]))
    # And the bytes are those json.dump(indent=2) gives for the whole result, as before.
    whole = {"document": document, "entities": [e.to_json() for e in entities], "facts": [f.to_json() for f in facts]}
    assert out.getvalue() == json.dumps(whole, ensure_ascii=False, indent=2) + "\n"


def test_an_extract_without_entities_or_facts_is_still_the_same_json() -> None:
    from tui.cli import write_extract_json

    out = io.StringIO()
    document = {"path": 'a\nb "c" é', "sha256": "0" * 64, "chars": 0, "language": "id"}
    write_extract_json(out, document, [], [])
    whole = {"document": document, "entities": [], "facts": []}
    assert out.getvalue() == json.dumps(whole, ensure_ascii=False, indent=2) + "\n"


def test_extract_runs_the_pipeline_in_a_process_that_ends_before_the_facts(
    tmp_path: Path, english_model: Path, monkeypatch
) -> None:
    # spaCy and the pipeline are not held while the facts of a long article take their memory.
    import multiprocessing

    import tui.core.facts
    from tui.cli import main
    from tui.core.analysis import engine as engine_module

    children_at_facts = []
    real = tui.core.facts.extract_facts

    def extract_facts(text, entities, reference_date=None):
        children_at_facts.append([c for c in multiprocessing.active_children() if c.name == "sorot-nlp"])
        return real(text, entities, reference_date)

    monkeypatch.setattr(tui.core.facts, "extract_facts", extract_facts)
    monkeypatch.setattr(engine_module, "_pipelines", {})  # what other tests loaded in this process
    monkeypatch.setenv("SOROT_CACHE_DIR", "off")
    path = tmp_path / "berita.txt"
    path.write_text("Ada Lovelace menulis kepada Babbage dari London.\n", encoding="utf-8")
    assert main(["extract", str(path), "--model", str(english_model)]) == 0
    assert str(english_model) not in engine_module._pipelines  # never loaded in this process
    assert children_at_facts == [[]]  # and the process that ran it is gone


def test_the_entity_cache_file_is_written_row_by_row_in_the_same_format(tmp_path: Path) -> None:
    from tui.core.analysis.cache import EntityCache

    entities = [Entity(0, 3, "PERSON", "Ada"), Entity(10, 16, 'A"B', "London")]
    EntityCache(tmp_path).put("0" * 64, "key", "en", entities)
    (written,) = tmp_path.glob("*.jsonl")
    rows = [[e.start, e.end, e.label] for e in entities]
    lines = [{"language": "en"}, rows, {"entities": 2}]
    expected = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    assert written.read_text(encoding="utf-8") == expected
    EntityCache(tmp_path).put("1" * 64, "key", "en", [])
    empty = '{"language":"en"}\n{"entities":0}\n'
    assert {p.read_text(encoding="utf-8") for p in tmp_path.glob("*.jsonl")} >= {empty}


def test_the_mentions_of_one_name_share_their_strings() -> None:
    # A 20 MB article has a third of a million mentions, most of them of a few names.
    from tui.core.facts.clusters import cluster_entities
    from tui.core.facts.sentences import SentenceIndex, split_sentences

    text = "Presiden Joko Widodo tiba di Bandung. Joko Widodo disambut warga.\n" * 50
    entities = [
        Entity(at, at + len("Joko Widodo"), "PERSON", "Joko Widodo")
        for at in range(len(text))
        if text.startswith("Joko Widodo", at)
    ]
    facts, index = cluster_entities(text, entities, SentenceIndex(split_sentences(text), len(text)))
    assert len(facts) == 1 and len(index.mentions) == 100
    assert len({id(m.key) for m in index.mentions}) == 1
    assert len({id(m.text) for m in index.mentions}) == 1
    assert not hasattr(index.mentions[0], "__dict__")
