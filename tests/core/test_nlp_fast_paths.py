"""The rule components' and tokenizer's shortcuts give what the spaCy machinery they replace gives."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import spacy
from spacy.lang.id import Indonesian
from spacy.matcher import Matcher
from spacy.util import compile_prefix_regex

from tui.core.nlp.gazetteer import load_gazetteer
from tui.core.nlp.names import ORG_HEADS_LIST, TITLES_LIST, phrase_matches, phrase_table
from tui.core.nlp.numbers import NumberRules, SparseMatcher
from tui.core.nlp.rules import build_rule_pipeline
from tui.core.nlp.tokenizer import (
    AFFIX_CACHE_LONGEST,
    TOKENIZER_NAME,
    AffixSearch,
    anchored_prefix_search,
    top_level_branches,
)
from tui.core.nlp.training.corpora import CORPORA, DEFAULT_DATA_DIR, available_corpora, read_split

ODD_TEXTS = [
    "",
    "2024",
    "Sejak 2021, sekitar 10 persen; pukul 10.30 WIB",
    "lebih dari tiga tahun lalu dan Rp3,7 triliun pada Senin (2/12/2014) pagi.",
    "tiga hari setelah panggilan telepon ini berakhir",
    "Presiden Joko Widodo, Wakil Presiden, wali kota Bogor, Menkeu, Menurut Mendagri",
    "Kementerian Luar Negeri dan Universitas Indonesia, pengadilan tinggi, rumah sakit",
    "x<a href=y>z <b/> (Jakarta) US$5 ... 'kata' ab-cd",
    "kedua ke-3 abad ke-21 abad XX tahun 1990-an 2019",
]


@pytest.fixture(scope="module")
def nlp():
    return build_rule_pipeline()


def number_sentences() -> list[str]:
    """Sentences full of dates, times, money, quantities and counts, made from the gazetteer's own
    months, days, units and currencies: enough matches for these tests without the corpora."""
    gaz = load_gazetteer()
    days, months, month_abbr = sorted(gaz.days), sorted(gaz.months), sorted(gaz.month_abbr)
    units, date_units, currencies = sorted(gaz.quantity_units), sorted(gaz.date_units), sorted(gaz.currency_codes)
    amounts = ["3", "10.000", "2,5", "tiga", "dua puluh", "sekitar 40", "lebih dari 12", "ribuan"]
    templates = [
        "Pada {day} ({n}/{m}/2014) pukul 10.{n}0 WIB, sejak {month} {year} dan {amount} {unit} di akhir {year}.",
        "Sebanyak {amount} orang, {amount} kali, {amount} persen atau Rp{amount} triliun dan {cur} {amount} juta.",
        "{amount} {date_unit} lalu, tahun {year}, bulan {month}, {n} {month_abbr} {year}, kuartal ke{ord} {year}.",
        "Harga naik {amount} % menjadi US$ {amount} miliar; {amount} {unit} per {date_unit}, yang ke-{n}.",
    ]
    out = []
    for i in range(600):
        out.append(
            templates[i % len(templates)].format(
                day=days[i % len(days)],
                month=months[i % len(months)],
                month_abbr=month_abbr[i % len(month_abbr)],
                n=1 + i % 28,
                m=1 + i % 12,
                year=1990 + i % 40,
                amount=amounts[i % len(amounts)],
                unit=units[i % len(units)],
                date_unit=date_units[i % len(date_units)],
                cur=currencies[i % len(currencies)],
                ord=["dua", "tiga", "empat"][i % 3],
            )
        )
    return out


@pytest.fixture(scope="module")
def texts(sample_path: Path) -> list[str]:
    article = sample_path.read_text(encoding="utf-8")
    found = [article, "\n\n".join([article] * 5), *ODD_TEXTS, " ".join(number_sentences())]
    specs = available_corpora(DEFAULT_DATA_DIR, CORPORA)
    for spec in specs:
        sentences, _ = read_split(DEFAULT_DATA_DIR, spec, "dev")
        found.append("\n".join("".join(w + " " * s for w, s in zip(x.words, x.spaces)) for x in sentences))
    return found


def test_top_level_branches_leave_groups_classes_and_escapes_whole() -> None:
    assert top_level_branches(r"^a|b(c|d)|[|]x|\|y|[]|]z|[^]|]w") == ["^a", "b(c|d)", "[|]x", r"\|y", "[]|]z", "[^]|]w"]


def test_the_prefix_search_finds_what_spacys_regex_search_finds(texts) -> None:
    regex = compile_prefix_regex(Indonesian.Defaults.prefixes)
    search = anchored_prefix_search(regex)
    strings = {chunk for text in texts for chunk in text.split()} | {"", "x<a b>", "xx<a href='y'>", "<b/>x", "«x"}
    assert len(strings) > 500
    for string in strings:
        expected, got = regex.search(string), search(string)
        assert (expected and expected.span()) == (got and got.span()), string


def test_long_text_tokenizes_as_spacy_does_and_the_tokenizer_still_pickles(texts) -> None:
    ours = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}}).tokenizer
    theirs = spacy.blank("id").tokenizer
    copy = pickle.loads(pickle.dumps(ours))
    for text in texts:
        expected = [(t.idx, t.text) for t in theirs(text)]
        assert [(t.idx, t.text) for t in ours(text)] == expected
        assert [(t.idx, t.text) for t in ours(text)] == expected  # answers from the affix caches
        assert [(t.idx, t.text) for t in copy(text)] == expected


def test_phrase_matches_are_the_matchers_matches(nlp, texts) -> None:
    for phrases in (TITLES_LIST, ORG_HEADS_LIST):
        matcher = Matcher(nlp.vocab)
        matcher.add("PHRASE", [[{"LOWER": w} for w in phrase.split()] for phrase in phrases])
        table = phrase_table(phrases)
        for text in texts:
            doc = nlp.make_doc(text)
            expected = sorted((s, e) for _, s, e in matcher(doc))
            assert sorted(phrase_matches([t.lower_ for t in doc], table)) == expected


def test_the_sparse_matcher_finds_the_matchers_matches_in_the_same_order(nlp, texts) -> None:
    numbers = nlp.get_pipe("sorot_numbers")
    assert isinstance(numbers, NumberRules)
    plain = Matcher(nlp.vocab)
    for key, patterns in NumberRules._patterns(numbers.gaz).items():
        plain.add(key, patterns, greedy="LONGEST")
    words = [t for text in texts for t in text.split()]
    cases = [*texts, *(" ".join(words[i : i + 7]) for i in range(0, min(len(words), 20_000), 7))]
    found = 0
    for text in cases:
        doc = nlp.make_doc(text)
        expected = plain(doc)
        assert numbers.matcher(doc) == expected, text
        found += len(expected)
    assert found > 1000


def test_the_sparse_matcher_takes_only_patterns_it_can_run_on_a_copy(nlp) -> None:
    matcher = SparseMatcher(nlp.vocab)
    with pytest.raises(ValueError, match="cannot skip"):
        matcher.add("X", [[{"POS": "NOUN"}]])
    with pytest.raises(ValueError, match="cannot skip"):
        matcher.add("X", [[{"LOWER": "a"}, {"LOWER": "b", "OP": "!"}]])
    with pytest.raises(ValueError, match="cannot skip"):
        matcher.add("X", [[{}]])
    matcher.add("AB", [[{"LOWER": "a", "OP": "?"}, {"LOWER": "b", "OP": "*"}]], greedy="LONGEST")
    doc = nlp.make_doc("a b b x a y b")
    plain = Matcher(nlp.vocab)
    plain.add("AB", [[{"LOWER": "a", "OP": "?"}, {"LOWER": "b", "OP": "*"}]], greedy="LONGEST")
    assert matcher(doc) == plain(doc)


def test_the_affix_caches_keep_words_but_not_long_tokens() -> None:
    # spaCy asks again for each shorter string while it strips a long token's affixes: cached,
    # "((((…))))" would hold memory quadratic in its length.
    search = AffixSearch(compile_prefix_regex(Indonesian.Defaults.prefixes), "prefix")
    assert search.find("(Jakarta") is not None and search.find("Jakarta") is None
    assert search._cached.cache_info().currsize == 2
    long = "(" * (AFFIX_CACHE_LONGEST + 1)
    assert search.find(long).group() == "("
    assert search._cached.cache_info().currsize == 2
