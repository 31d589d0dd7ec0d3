"""Training Sorot's NER: corpora in, a loadable Indonesian pipeline out, and honest scores."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab
from thinc.api import Config

from tui.core.nlp import MODEL_DIR
from tui.core.nlp.ensemble import add_rules
from tui.core.nlp.tokenizer import SorotTokenizer
from tui.core.nlp.training.corpora import (
    CORPORA,
    DEFAULT_DATA_DIR,
    convert,
    map_tag,
    parse_conll,
    repair_bio,
)
from tui.core.nlp.training.evaluate import (
    Score,
    bio_spans,
    evaluate_sentences,
    score_spans,
)
from tui.core.nlp.training.package import package
from tui.core.nlp.training.train import train

HAVE_DATA = all((DEFAULT_DATA_DIR / c.folder).is_dir() for c in CORPORA)

NERUI = (
    "Kata\tO\nJoko\tB-PERSON\nWidodo\tI-PERSON\ndi\tO\nJakarta\tB-LOCATION\n\n"
    "Komisi\tI-ORGANIZATION\nPemilihan\tI-ORGANIZATION\nUmum\tI-ORGANIZATION\n"
)
IDNER = (
    "Presiden NOUN O\r\nJokowi PROPN B-PER\r\nke ADP O\r\nIndonesia? PROPN B-LOC\r\n\r\n"
    "Partai PROPN B-ORG\r\nKebangkitan PROPN I-ORG\r\nBangsa PROPN I-ORG\r\n(PKB) PROPN I-ORG\r\nmenang VERB O\r\n"
)
NERGRIT = (
    "Ia\tO\nlahir\tO\ndi\tO\nBandung\tB-PLACE\nJawa\tI-PERSON\nBarat\tI-PLACE\n\n"
    "Universitas\tB-ORGANISATION\nIndonesia\tI-ORGANISATION\n"
)


def write_corpora(root: Path, copies: int = 1) -> Path:
    """The three corpora's folder layout under ``root``, each split holding the samples above."""
    samples = {"nerui-indolem": NERUI, "idner-news-2k": IDNER, "nergrit-indonlu": NERGRIT}
    for spec in CORPORA:
        folder = root / spec.folder
        folder.mkdir(parents=True)
        text = samples[spec.name]
        sep = "\r\n\r\n" if "\r\n" in text else "\n\n"
        for filename in spec.splits.values():
            (folder / filename).write_bytes((sep.join([text.rstrip("\r\n")] * copies) + sep).encode())
    return root


def entities(sentence) -> list[tuple[str, str]]:
    doc = sentence.to_doc(Vocab())
    return [(e.text, e.label_) for e in doc.ents]


# -- reading the corpora -------------------------------------------------------------------------


def test_every_corpus_label_maps_to_person_org_or_loc() -> None:
    assert [map_tag(t) for t in ("B-PER", "I-ORGANIZATION", "B-ORGANISATION", "I-PLACE", "B-LOCATION", "O")] == [
        "B-PERSON",
        "I-ORG",
        "B-ORG",
        "I-LOC",
        "B-LOC",
        "O",
    ]
    with pytest.raises(ValueError, match="unknown NER tag"):
        map_tag("B-MISC")


def test_an_i_tag_without_its_b_tag_starts_a_new_entity() -> None:
    tags, repairs = repair_bio(["I-ORG", "I-ORG", "O", "I-LOC", "B-PERSON", "I-LOC", "I-LOC"])
    assert tags == ["B-ORG", "I-ORG", "O", "B-LOC", "B-PERSON", "B-LOC", "I-LOC"]
    assert repairs == 3


def test_ner_ui_sentences_become_docs_with_mapped_and_repaired_entities() -> None:
    sentences, stats = parse_conll(NERUI)
    assert [entities(s) for s in sentences] == [
        [("Joko Widodo", "PERSON"), ("Jakarta", "LOC")],
        [("Komisi Pemilihan Umum", "ORG")],
    ]
    assert stats.repairs == 1 and stats.sentences == 2 and stats.entities == {"PERSON": 1, "LOC": 1, "ORG": 1}


def test_nergrit_place_after_a_person_tag_is_two_entities() -> None:
    sentences, stats = parse_conll(NERGRIT)
    assert entities(sentences[0]) == [("Bandung", "LOC"), ("Jawa", "PERSON"), ("Barat", "LOC")]
    assert entities(sentences[1]) == [("Universitas Indonesia", "ORG")]
    assert stats.repairs == 2


def test_idner_crlf_lines_and_glued_punctuation_are_split_off_the_entity() -> None:
    sentences, stats = parse_conll(IDNER, glued_punctuation=True)
    first, second = (s.to_doc(Vocab()) for s in sentences)
    assert [t.text for t in first] == ["Presiden", "Jokowi", "ke", "Indonesia", "?"]
    assert first.text == "Presiden Jokowi ke Indonesia?"  # the "?" stays glued, no "\r" anywhere
    assert [(e.text, e.label_, e.end_char) for e in first.ents] == [("Jokowi", "PERSON", 15), ("Indonesia", "LOC", 28)]
    # The bracket ends the party's long name; the acronym is an entity of its own, as in the sample's gold.
    assert second.text == "Partai Kebangkitan Bangsa (PKB) menang"
    assert [(e.text, e.label_) for e in second.ents] == [("Partai Kebangkitan Bangsa", "ORG"), ("PKB", "ORG")]
    assert stats.glued == 2 and stats.repairs == 0


def test_convert_writes_train_and_dev_per_corpus_and_combined(tmp_path: Path) -> None:
    stats = convert(write_corpora(tmp_path / "data"), tmp_path / "corpus")
    assert set(stats) == {"nerui-indolem", "idner-news-2k", "nergrit-indonlu", "news", "all"}
    for name in stats:
        for split in ("train", "dev"):
            docs = list(DocBin().from_disk(tmp_path / "corpus" / name / f"{split}.spacy").get_docs(Vocab()))
            assert len(docs) == stats[name][split].sentences
    assert stats["all"]["train"].entities == {"PERSON": 3, "LOC": 4, "ORG": 4}
    assert stats["news"]["dev"].sentences == 4


@pytest.mark.skipif(not HAVE_DATA, reason="needs ../shared/data")
def test_the_real_corpora_convert_with_the_documented_sizes(tmp_path: Path) -> None:
    stats = convert(DEFAULT_DATA_DIR, tmp_path)
    sizes = {name: (s["train"].sentences, s["dev"].sentences) for name, s in stats.items()}
    assert sizes["nerui-indolem"] == (1530, 170)
    assert sizes["idner-news-2k"] == (1464, 367)
    assert sizes["nergrit-indonlu"] == (1672, 209)
    assert stats["idner-news-2k"]["train"].glued > 100


# -- training ------------------------------------------------------------------------------------


def test_smoke_training_gives_a_loadable_indonesian_pipeline(tmp_path: Path) -> None:
    data = write_corpora(tmp_path / "data", copies=3)
    extra = tmp_path / "corrections.spacy"
    doc = Doc(Vocab(), words=["Prabowo", "ke", "Bali"], ents=["B-PERSON", "O", "B-LOC"])
    DocBin(docs=[doc]).to_disk(extra)

    best = train(data, tmp_path / "out", corpus="all", extra=[extra], smoke=True)

    trained = spacy.load(best)
    assert trained.lang == "id"
    assert trained.pipe_names == ["tok2vec", "ner"]
    assert set(trained.get_pipe("ner").labels) == {"PERSON", "ORG", "LOC"}
    assert trained.meta["name"] == "sorot_id_ner" and "CC BY 4.0" in trained.meta["license"]
    merged = list(DocBin().from_disk(tmp_path / "out" / "corpus" / "all+extra" / "train.spacy").get_docs(Vocab()))
    assert len(merged) == 3 * 6 + 1
    trained("Presiden Joko Widodo berkunjung ke Jakarta.")  # runs on raw text

    shipped = spacy.load(package(best, tmp_path / "shipped"))
    assert isinstance(shipped.tokenizer, SorotTokenizer)
    assert shipped.pipe_names[:2] == ["tok2vec", "ner"] and shipped.pipe_names[-1] == "sorot_consistency"
    assert shipped.meta["name"] == "sorot_id" and len(shipped.meta["sorot_weights"]) == 16
    assert {"CC BY 4.0", "MIT"} <= {source["license"] for source in shipped.meta["sources"]}
    doc = shipped("Presiden Joko Widodo berkunjung ke Jakarta pada 24 April 2024.")
    assert ("24 April 2024", "DATE") in [(e.text, e.label_) for e in doc.ents]  # the rules run after the NER
    # A retrain configures the rules as the shipped pipeline does: one gazetteer, referred to.
    config, ours = (Config().from_disk(d / "config.cfg", interpolate=False) for d in (tmp_path / "shipped", MODEL_DIR))
    rules = [name for name in ours["components"] if name.startswith("sorot_")]
    assert [config["components"][name] for name in rules] == [ours["components"][name] for name in rules]
    assert config["sorot"] == ours["sorot"]


# -- evaluation ----------------------------------------------------------------------------------


def test_scores_count_only_exact_spans_with_the_right_label() -> None:
    gold = [(0, 0, 2, "PERSON"), (0, 3, 4, "ORG"), (1, 0, 1, "LOC")]
    predicted = [(0, 0, 2, "PERSON"), (0, 3, 4, "LOC"), (1, 0, 2, "LOC"), (1, 5, 6, "DATE")]
    scores = score_spans(gold, predicted, ["PERSON", "ORG", "LOC"])
    assert scores["PERSON"] == Score(tp=1, fp=0, fn=0)
    assert scores["ORG"] == Score(tp=0, fp=0, fn=1) and scores["ORG"].f1 == 0.0
    assert scores["LOC"] == Score(tp=0, fp=2, fn=1)
    overall = scores["ALL"]  # the DATE is not among the scored labels
    assert overall == Score(tp=1, fp=2, fn=2)
    assert (overall.precision, overall.recall) == (1 / 3, 1 / 3)
    assert overall.f1 == pytest.approx(1 / 3)


def test_bio_tags_read_back_as_token_spans() -> None:
    assert bio_spans(["B-PERSON", "I-PERSON", "O", "B-LOC", "B-LOC", "I-ORG"]) == [
        (0, 2, "PERSON"),
        (3, 4, "LOC"),
        (4, 5, "LOC"),
        (5, 6, "ORG"),
    ]


@pytest.fixture(scope="module")
def ruler_nlp() -> spacy.language.Language:
    """Stands in for a trained NER: fixed answers, with another corpus's label name (PER)."""
    nlp = spacy.blank("id")
    nlp.add_pipe("entity_ruler").add_patterns(
        [
            {"label": "PER", "pattern": "Joko Widodo"},
            {"label": "LOC", "pattern": "Jakarta"},
            {"label": "ORG", "pattern": "Bangsa"},
            {"label": "DATE", "pattern": [{"LOWER": "tahun"}, {"IS_DIGIT": True}]},
            # Wrong on purpose: the gazetteer knows Surabaya is a city.
            {"label": "ORG", "pattern": "Surabaya"},
            {"label": "PER", "pattern": "Xylo Barantu"},
            {"label": "LOC", "pattern": "Barantu"},  # a bare surname taken for a place, as models do
        ]
    )
    return nlp


def test_evaluation_on_gold_tokens_maps_label_names(ruler_nlp) -> None:
    sentences, _ = parse_conll(NERUI + "\n" + IDNER.replace("\r\n", "\n"), glued_punctuation=True)
    scores = evaluate_sentences(ruler_nlp, sentences)
    # gold: Joko Widodo, Jakarta, Komisi Pemilihan Umum, Jokowi, Indonesia, Partai Kebangkitan Bangsa, PKB
    assert scores["PERSON"] == Score(1, 0, 1)
    assert scores["LOC"] == Score(1, 0, 1)
    assert scores["ORG"] == Score(0, 1, 3)
    assert scores["ALL"] == Score(2, 1, 5)


@pytest.mark.parametrize(
    ("ensemble", "surabaya"),
    [("joint", "LOC"), ("rules-first", "LOC"), ("model-first", "ORG")],
)
def test_model_and_rules_combine_as_the_ensemble_says(ruler_nlp, ensemble: str, surabaya: str) -> None:
    # The "model" calls Surabaya an ORG (the gazetteer says LOC), finds a name no rule knows, and
    # calls its later bare surname a LOC.
    nlp, before = ruler_nlp, len(ruler_nlp.pipe_names)
    add_rules(nlp, ensemble)
    try:
        doc = nlp("Kemarin Xylo Barantu bertemu wartawan di Surabaya pada tahun 2024. Barantu pulang.")
    finally:
        for name in nlp.pipe_names[before:]:
            nlp.remove_pipe(name)
    found = {(e.text, e.label_) for e in doc.ents}
    assert {("Xylo Barantu", "PERSON"), ("Surabaya", surabaya), ("tahun 2024", "DATE")} <= found
    if ensemble != "rules-first":  # the full name decides what the surname is
        assert ("Barantu", "PERSON") in found
