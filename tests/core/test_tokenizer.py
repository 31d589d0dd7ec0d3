"""Sorot's Indonesian tokenizer gives spaCy's tokens, and a saved pipeline keeps it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy
from spacy.lang.id import Indonesian
from spacy.vocab import Vocab

from tui.core.nlp.tokenizer import TOKENIZER_NAME, SorotTokenizer, split_exceptions
from tui.core.nlp.training.corpora import CORPORA, DEFAULT_DATA_DIR, available_corpora, read_split


@pytest.fixture(scope="module")
def spacy_tokenizer():
    return spacy.blank("id").tokenizer


@pytest.fixture(scope="module")
def ours() -> SorotTokenizer:
    return SorotTokenizer.for_vocab(Vocab())


def differences(texts, spacy_tokenizer, ours) -> list[tuple[str, list[str], list[str]]]:
    found = []
    for text in texts:
        expected = [t.text for t in spacy_tokenizer(text)]
        got = [t.text for t in ours(text)]
        if expected != got:
            found.append((text, expected, got))
    return found


def test_the_hyphenated_exceptions_move_to_a_set_and_the_rest_stay_special_cases() -> None:
    special, words = split_exceptions(Indonesian.Defaults.tokenizer_exceptions)
    assert len(words) > 15_000 and len(special) < 1_000
    assert "anak-anak" in words and "Beramah-tamah" in words
    assert ":-)" in special and "a." in special  # emoticons and abbreviations interact with affixes


def test_every_exception_and_hyphenated_word_in_context_tokenizes_as_spacy_does(spacy_tokenizer, ours) -> None:
    exceptions = list(Indonesian.Defaults.tokenizer_exceptions)
    hyphenated = [w for w in exceptions if "-" in w]
    contexts = [f'({w}), {w}-nya {w}. "{w}" {w}/{w} x-{w} {w}-{w}' for w in random.Random(0).sample(hyphenated, 1500)]
    assert differences(exceptions + contexts, spacy_tokenizer, ours) == []


def test_news_text_tokenizes_as_spacy_does(spacy_tokenizer, ours, sample_path: Path) -> None:
    texts = [
        sample_path.read_text(encoding="utf-8"),
        "Anak-anak bermain bolak-balik di Jl. Sudirman No. 5, pukul 10.30 WIB (2/12/2014); Rp3,7 triliun.",
        "AS-Korea Selatan, Israel-Hamas, e-KTP, COVID-19, https://kompas.com/x-y, dr. Andi, S.H., M.H.",
    ]
    assert differences(texts, spacy_tokenizer, ours) == []


@pytest.mark.skipif(not available_corpora(DEFAULT_DATA_DIR), reason="needs ../shared/data")
def test_the_corpora_tokenize_as_spacy_does(spacy_tokenizer, ours) -> None:
    texts = []
    for spec in available_corpora(DEFAULT_DATA_DIR, CORPORA):
        for split in ("train", "dev"):
            sentences, _ = read_split(DEFAULT_DATA_DIR, spec, split)
            texts += ["".join(w + " " * s for w, s in zip(x.words, x.spaces)) for x in sentences]
    assert len(texts) > 5000
    assert differences(texts, spacy_tokenizer, ours) == []


def test_a_saved_pipeline_loads_with_the_same_tokenizer(tmp_path: Path) -> None:
    nlp = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    nlp.to_disk(tmp_path / "p")
    assert "sorot.id_tokenizer.v1" in (tmp_path / "p" / "tokenizer").read_text()
    loaded = spacy.load(tmp_path / "p")
    assert isinstance(loaded.tokenizer, SorotTokenizer)
    assert [t.text for t in loaded("anak-anak (ibu-ibu) x-anak-anak")] == [
        "anak-anak",
        "(",
        "ibu-ibu",
        ")",
        "x",
        "-",
        "anak-anak",
    ]
    copy = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    assert [t.text for t in copy.from_bytes(nlp.to_bytes())("x-ibu-ibu")] == ["x", "-", "ibu-ibu"]


def test_a_foreign_tokenizer_file_is_refused(tmp_path: Path, ours) -> None:
    (tmp_path / "tokenizer").write_text('{"tokenizer": "something.else"}')
    with pytest.raises(ValueError, match="not a sorot.id_tokenizer.v1"):
        ours.from_disk(tmp_path / "tokenizer")
