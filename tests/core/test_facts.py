"""The facts panel's core: what an article states, each fact tied to the text it came from.

The sample article is read with the real rule pipeline (once per module); constructed Indonesian
sentences with hand-made entities check that the rules are general, not fit to one article.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date

import pytest

from tui.core.entities import Entity
from tui.core.facts import (
    FACT_KINDS,
    ClaimFact,
    DateFact,
    EntityFact,
    Facts,
    NumberFact,
    RelationFact,
    detect_article_date,
    extract_facts,
    split_sentences,
)

# The sample article has no date of its own; this one stands in for "the day it was read".
READ_ON = date(2025, 8, 15)


@pytest.fixture(scope="module")
def article(sample_path) -> tuple[str, list[Entity]]:
    from tui.core.nlp import find_entities, load_pipeline

    text = sample_path.read_text(encoding="utf-8")
    return text, find_entities(load_pipeline(), text)


@pytest.fixture(scope="module")
def facts(article) -> Facts:
    text, entities = article
    return extract_facts(text, entities)


@pytest.fixture(scope="module")
def dated(article) -> Facts:
    text, entities = article
    return extract_facts(text, entities, reference_date=READ_ON)


def entities(text: str, **names: str) -> list[Entity]:
    """Every occurrence of each name as an entity (longest names first, no overlaps).

    Keyword names use "_" for spaces: ``entities(text, Joko_Widodo="PERSON")``.
    """
    found: list[Entity] = []
    taken: set[int] = set()
    for name, label in sorted(names.items(), key=lambda item: -len(item[0])):
        surface = name.replace("_", " ")
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            if taken.isdisjoint(range(m.start(), m.end())):
                taken.update(range(m.start(), m.end()))
                found.append(Entity(m.start(), m.end(), label, surface))
    return sorted(found)


def facts_of(text: str, reference_date: date | None = None, **names: str) -> Facts:
    return extract_facts(text, entities(text, **names), reference_date)


def entity_named(facts: Facts, name: str) -> EntityFact:
    matches = [e for e in facts.entities if e.text == name or name in e.aliases]
    assert len(matches) == 1, (name, [(e.text, e.aliases) for e in facts.entities])
    return matches[0]


def date_at(facts: Facts, text: str) -> DateFact:
    matches = [d for d in facts.dates if d.text == text]
    assert matches, (text, [d.text for d in facts.dates])
    return matches[0]


def number_at(facts: Facts, text: str) -> NumberFact:
    matches = [n for n in facts.numbers if n.text == text]
    assert matches, (text, [n.text for n in facts.numbers])
    return matches[0]


# -- the sample article --------------------------------------------------------------------------

# Gold date -> the value we expect (without a reference date, and read on READ_ON).
# Matching rule: a gold expression is found when a fact of its kind overlaps its span; the fact
# with the largest overlap must carry the expected normalised value. Spans may differ slightly
# between pipelines, values may not.
GOLD_DATE_VALUES = {
    "tiga hari setelah panggilan telepon ini": (None, None),  # three days after an event in the text
    "2021": ("2021", "2021"),
    "lebih dari tiga tahun": ("P3Y", "P3Y"),
    "beberapa tahun terakhir": ("PXY", "PXY"),
    "Tahun lalu": (None, "2024"),
    "bulan April": ("XXXX-04", "2025-04"),
    "tahun 2024": ("2024", "2024"),
    "tahun 2019": ("2019", "2019"),
}
GOLD_NUMBER_VALUES = {
    "lebih dari 10.000 tentara": (10000, "tentara", ">"),
    "tiga kali": (3, "kali", None),
}


def best_overlap(found, start: int, end: int):
    overlaps = [(min(end, f.end) - max(start, f.start), f) for f in found if f.start < end and start < f.end]
    assert overlaps, f"nothing overlaps [{start}, {end})"
    return max(overlaps, key=lambda o: o[0])[1]


def test_every_gold_date_is_a_date_fact_with_its_normalised_value(facts, dated, gold) -> None:
    assert len(gold["dates"]) == len(GOLD_DATE_VALUES) == 8
    for item in gold["dates"]:
        undated, read_on = GOLD_DATE_VALUES[item["text"]]
        assert best_overlap(facts.dates, item["start"], item["end"]).value == undated, item["text"]
        assert best_overlap(dated.dates, item["start"], item["end"]).value == read_on, item["text"]


def test_relative_dates_stay_relative_without_the_articles_date(facts, dated) -> None:
    assert facts.reference_date is None and facts.reference_source is None
    assert dated.reference_date == READ_ON and dated.reference_source == "given"
    last_year = date_at(facts, "Tahun lalu")
    assert (last_year.relative, last_year.anchor, last_year.offset) == (True, "article", "-P1Y")
    after_call = date_at(facts, "tiga hari setelah panggilan telepon ini")
    assert (after_call.anchor, after_call.offset, after_call.value) == ("event", "+P3D", None)
    assert date_at(facts, "lebih dari tiga tahun").qualifier == ">"
    assert date_at(facts, "lebih dari tiga tahun").type == "duration"


def test_the_timeline_puts_dated_facts_in_order(dated) -> None:
    values = [d.value for d in dated.timeline() if d.type == "date" and d.value and d.value[0].isdigit()]
    assert values == sorted(values)
    assert values[:2] == ["2019", "2021"]


def test_both_gold_numbers_have_value_unit_and_qualifier(facts, gold) -> None:
    assert len(gold["numbers"]) == 2
    for item in gold["numbers"]:
        fact = best_overlap(facts.numbers, item["start"], item["end"])
        assert (fact.value, fact.unit, fact.qualifier) == GOLD_NUMBER_VALUES[item["text"]], item["text"]


def test_putin_trump_and_amerika_serikat_are_each_one_entity_with_their_aliases(facts, article) -> None:
    text, _ = article
    putin = entity_named(facts, "Putin")
    assert (putin.text, putin.aliases, putin.label) == ("Vladimir Putin", ("Putin",), "PERSON")
    assert len(putin.mentions) == text.count("Putin")
    trump = entity_named(facts, "Trump")
    assert (trump.text, trump.aliases) == ("Donald Trump", ("Trump",))
    assert len(trump.mentions) == text.count("Trump")
    america = entity_named(facts, "AS")
    assert (america.text, america.aliases) == ("Amerika Serikat", ("AS",))
    assert len(america.mentions) == 1 + len(re.findall(r"\bAS\b", text))
    for fact in (putin, trump, america):
        assert {text[s:e] for s, e in fact.mentions} == {fact.text, *fact.aliases}


def test_roles_come_from_appositions(facts) -> None:
    assert entity_named(facts, "Vladimir Putin").role == "Presiden Rusia"
    assert entity_named(facts, "Donald Trump").role == "Presiden Amerika Serikat"
    assert entity_named(facts, "Kim Jong Un").role == "Pemimpin Tertinggi Korea Utara"
    assert entity_named(facts, "Yang Moo Jin").role == "Presiden Universitas Studi Korea Utara di Seoul"
    assert entity_named(facts, "KCNA").role == "Media Korea Utara"


def test_entities_are_sorted_by_importance(facts) -> None:
    keys = [(-len(e.mentions), e.mentions[0][0]) for e in facts.entities]
    assert keys == sorted(keys)
    assert [e.id for e in facts.entities] == [f"e{n}" for n in range(1, len(facts.entities) + 1)]
    assert facts.entities[0].text == "Korea Utara"


def test_claims_by_kcna_the_kremlin_and_both_of_yang_moo_jins(facts) -> None:
    by_speaker: dict[str, list[ClaimFact]] = {}
    for claim in facts.claims:
        by_speaker.setdefault(claim.speaker, []).append(claim)
    kcna = by_speaker["KCNA"]
    assert [(c.verb, c.content[:24]) for c in kcna] == [("melaporkan", "kedua pemimpin menegaska")]
    kremlin = by_speaker["Kremlin"]
    assert [c.verb for c in kremlin] == ["mengkonfirmasi", "menyatakan"]
    assert kremlin[0].content == "adanya panggilan telepon tersebut"
    assert kremlin[1].content.startswith("Putin berbagi informasi dengan Kim Jong Un")
    yang = by_speaker["Yang Moo Jin"]
    assert [(c.verb, c.speaker_text) for c in yang] == [
        ("berpendapat", "Yang Moo Jin"),
        ("menambahkan", "Ia"),  # "Ia juga menambahkan ...": the pronoun resolved to the last named speaker
        ("berpendapat", "Yang Moo Jin"),
    ]
    assert yang[0].content.startswith("publikasi percakapan kedua pemimpin")
    assert yang[2].content.startswith("jika Trump dan Putin mencapai kesepakatan damai")
    assert len({c.speaker_id for c in yang}) == 1 and yang[0].speaker_id == entity_named(facts, "Yang Moo Jin").id


def test_the_phone_call_and_the_three_meetings_are_relations(facts) -> None:
    triples = {(r.subject, r.predicate, r.object): r for r in facts.relations}
    call = triples[("Vladimir Putin", "melakukan panggilan telepon dengan", "Kim Jong Un")]
    assert call.text.startswith("Vladimir Putin")
    meetings = triples[("Donald Trump", "bertemu dengan", "Kim Jong Un")]
    assert [(a.kind, a.text) for a in meetings.attachments] == [("number", "tiga kali")]
    assert facts.get(meetings.attachments[0].id) is not None
    assert meetings.subject_id == entity_named(facts, "Trump").id
    assert call.reported_by is None and meetings.reported_by is None
    # "Kremlin ... menyatakan bahwa Putin berbagi informasi dengan Kim Jong Un": the Kremlin says so.
    shared = triples[("Vladimir Putin", "berbagi informasi dengan", "Kim Jong Un")]
    reporter = facts.get(shared.reported_by or "")
    assert isinstance(reporter, ClaimFact) and (reporter.speaker, reporter.verb) == ("Kremlin", "menyatakan")


def test_every_fact_keeps_its_evidence_inside_its_sentence(facts, dated, article) -> None:
    text, _ = article
    for fact in [*facts.all(), *dated.all()]:
        assert text[fact.start : fact.end] == fact.text, fact
        assert fact.sentence[0] <= fact.start <= fact.end <= fact.sentence[1], fact
        assert text[fact.sentence[0] : fact.sentence[1]].strip() == text[fact.sentence[0] : fact.sentence[1]]
    for claim in facts.claims:
        s, e = claim.content_span
        assert text[s:e] == claim.content and claim.start <= s and e <= claim.end


REQUIRED_KEYS = {
    "entity": {"label", "aliases", "mentions", "role"},
    "date": {"value"},
    "number": {"value", "unit", "qualifier"},
    "claim": {"speaker", "verb", "content"},
    "relation": {"subject", "predicate", "object"},
}


def test_the_json_has_the_contracts_keys_for_every_kind(facts) -> None:
    rows = json.loads(json.dumps(facts.to_json(), ensure_ascii=False))
    assert {row["kind"] for row in rows} == set(FACT_KINDS)
    for row in rows:
        assert {"kind", "text", "start", "end", "sentence"} | REQUIRED_KEYS[row["kind"]] <= row.keys(), row
        assert isinstance(row["start"], int) and isinstance(row["end"], int)
        assert len(row["sentence"]) == 2
    entity = next(row for row in rows if row["kind"] == "entity" and row["text"] == "Vladimir Putin")
    assert entity["aliases"] == ["Putin"] and all(len(m) == 2 for m in entity["mentions"])
    number = next(row for row in rows if row["kind"] == "number" and row["text"] == "lebih dari 10.000 tentara")
    assert (number["value"], number["unit"], number["qualifier"]) == (10000, "tentara", ">")
    assert facts.counts() == {kind: sum(row["kind"] == kind for row in rows) for kind in FACT_KINDS}


# -- constructed sentences: entities -------------------------------------------------------------


def test_acronyms_defined_in_the_text_or_spelled_by_initials_merge_with_the_name() -> None:
    text = (
        "Komisi Pemberantasan Korupsi (KPK) menahan seorang pejabat. KPK menyita uang tunai. "
        "Perserikatan Bangsa-Bangsa mengirim bantuan. Menurut PBB, bantuan tiba kemarin. "
        "Kementerian Kesehatan (Kemenkes) mencatat kasus baru."
    )
    facts = facts_of(
        text,
        Komisi_Pemberantasan_Korupsi="ORG",
        KPK="ORG",
        **{"Perserikatan Bangsa-Bangsa": "ORG"},
        PBB="ORG",
        Kementerian_Kesehatan="ORG",
    )
    kpk = entity_named(facts, "KPK")
    assert (kpk.text, len(kpk.mentions)) == ("Komisi Pemberantasan Korupsi", 3)
    assert entity_named(facts, "PBB").text == "Perserikatan Bangsa-Bangsa"
    # "Kemenkes" is no entity of the pipeline's, but the text defines it: an alias all the same.
    assert entity_named(facts, "Kementerian Kesehatan").aliases == ("Kemenkes",)


def test_country_names_used_side_by_side_are_one_place() -> None:
    text = "China menolak usulan itu. Tiongkok lalu mengirim utusan. RRT membantah tuduhan Korut."
    facts = facts_of(text, China="LOC", Tiongkok="LOC", RRT="LOC", Korut="LOC")
    china = entity_named(facts, "China")
    assert {china.text, *china.aliases} == {"China", "Tiongkok", "RRT"} and len(china.mentions) == 3
    assert entity_named(facts, "Korut").aliases == ()  # no "Korea Utara" here to join


def test_a_short_name_shared_by_two_people_goes_to_the_nearest_one_before_it() -> None:
    text = "Kim Jong Un tiba lebih dulu. Kim Yo Jong menyusul. Kim lalu berpidato. Partai Golkar menang; Golkar senang."
    facts = facts_of(text, Kim_Jong_Un="PERSON", Kim_Yo_Jong="PERSON", Kim="PERSON", Partai_Golkar="ORG", Golkar="ORG")
    assert len(entity_named(facts, "Kim Yo Jong").mentions) == 2
    assert len(entity_named(facts, "Kim Jong Un").mentions) == 1
    assert entity_named(facts, "Golkar").text == "Partai Golkar"


def test_titles_kept_in_a_pipelines_span_do_not_split_a_person() -> None:
    text = "Presiden Joko Widodo membuka acara. Widodo lalu pulang."
    facts = extract_facts(text, [Entity(0, 20, "PERSON", "Presiden Joko Widodo"), Entity(36, 42, "PERSON", "Widodo")])
    person = entity_named(facts, "Widodo")
    assert (person.text, person.start, len(person.mentions)) == ("Joko Widodo", 9, 2)


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Menteri Keuangan Sri Mulyani hadir.", "Sri Mulyani", "Menteri Keuangan"),
        (
            "Rapat dipimpin juru bicara Kementerian Luar Negeri Teuku Faizasyah.",
            "Teuku Faizasyah",
            "juru bicara Kementerian Luar Negeri",
        ),
        (
            "Budi Santoso, pengamat politik dari Universitas Indonesia, menilai hal itu wajar.",
            "Budi Santoso",
            "pengamat politik dari Universitas Indonesia",
        ),
        ("Wakil Presiden, Ma'ruf Amin, membuka rapat.", "Ma'ruf Amin", "Wakil Presiden"),
        ("Dalam rapat itu, Ma'ruf Amin tidak hadir.", "Ma'ruf Amin", None),
        ("Warga bertemu Budi Santoso, lalu pulang.", "Budi Santoso", None),
    ],
)
def test_roles_come_from_titles_and_appositions(text: str, name: str, role: str | None) -> None:
    found = facts_of(text, **{name: "PERSON", "Kementerian Luar Negeri": "ORG", "Universitas Indonesia": "ORG"})
    assert entity_named(found, name).role == role


# -- constructed sentences: dates ----------------------------------------------------------------

ARTICLE_DAY = date(2014, 12, 2)  # a Tuesday


DATE_CASES = [
    ("Acara dibuka pada 17 Agustus 1945 di Jakarta.", "17 Agustus 1945", "1945-08-17"),
    ("Rapat digelar Selasa (2/12/2014).", "Selasa (2/12/2014)", "2014-12-02"),
    (
        "Rapat digelar Selasa (2/12/2014) pukul 10.30 WIB.",
        "Selasa (2/12/2014) pukul 10.30 WIB",
        "2014-12-02T10:30+07:00",
    ),
    ("Ia lahir (2/12/1990) di Bogor.", "2/12/1990", "1990-12-02"),
    ("Rapat digelar pukul 10.30 WIB.", "pukul 10.30 WIB", "T10:30+07:00"),
    ("Kemarin ia tiba.", "Kemarin", "2014-12-01"),
    ("Besok ia pergi.", "Besok", "2014-12-03"),
    ("Harga naik sejak awal tahun ini.", "awal tahun ini", "2014"),
    ("Proyek itu dimulai tiga tahun lalu.", "tiga tahun lalu", "2011"),
    ("Ia berangkat Senin lalu.", "Senin lalu", "2014-12-01"),
    ("Ekonomi tumbuh pada kuartal III 2024.", "kuartal III 2024", "2024-Q3"),
    ("Musik itu populer sejak tahun 1990-an.", "tahun 1990-an", "199X"),
    ("Masalah itu muncul pada abad ke-21.", "abad ke-21", "20XX"),
    ("Ia menjabat selama dua pekan.", "dua pekan", "P2W"),
    ("Ia menunggu sekitar setengah jam.", "sekitar setengah jam", "PT0.5H"),
    ("Sidang digelar bulan lalu.", "bulan lalu", "2014-11"),
    ("Periode 2019-2024 berakhir.", "Periode 2019-2024", "2019/2024"),
    ("Banjir terjadi pada Mei lalu.", "Mei lalu", "2014-05"),
    ("Warga berjaga setiap malam.", "setiap malam", "TNI"),
    ("Warga mudik jelang Lebaran 2024.", "Lebaran 2024", "2024"),
    ("Malam Natal dirayakan meriah.", "Malam Natal", "2014-12-24"),
    ("Rapat digelar pada hari Senin.", "hari Senin", "2014-12-01"),
    ("Kota itu berdiri pada tahun 901.", "tahun 901", "0901"),
    ("Pasar turun Rabu (10-Jan) lalu.", "Rabu (10-Jan)", "2014-01-10"),
    ("Acara digelar Kamis malam.", "Kamis malam", "2014-11-27TNI"),
    ("Minggu lalu hujan deras.", "Minggu lalu", "2014-W48"),
    ("Ia akan menunggu setahun lagi.", "setahun lagi", "2015"),
    ("Sengketa itu berlangsung bertahun-tahun.", "bertahun-tahun", "PXY"),
]


@pytest.mark.parametrize(("sentence", "expression", "value"), DATE_CASES)
def test_dates_are_normalised_against_the_articles_date(sentence: str, expression: str, value: str | None) -> None:
    fact = date_at(facts_of(sentence, reference_date=ARTICLE_DAY), expression)
    assert fact.value == value
    if expression == "setiap malam":
        assert fact.type == "set"


def test_reading_only_sentences_with_trigger_words_finds_what_a_full_scan_finds(monkeypatch, article) -> None:
    """Over a whole article each date rule reads only the sentences holding its trigger words."""
    from tui.core.facts import temporal

    sample, sample_entities = article
    text = " ".join(sentence for sentence, _, _ in DATE_CASES) + " Penutup tanpa tanggal." * 20 + "\n" + sample
    found = entities(text, Gerakan_30_September="ORG") + [
        Entity(e.start + len(text) - len(sample), e.end + len(text) - len(sample), e.label, e.text)
        for e in sample_entities
    ]
    # The hand-made sentences have no date entities: the scan alone finds their dates.
    quick = extract_facts(text, found, ARTICLE_DAY, pipeline_numbers=False).dates
    assert {(expression, value) for _, expression, value in DATE_CASES} <= {(d.text, d.value) for d in quick}
    everywhere = {name: [(0, len(text))] for name in [*temporal._FAMILIES.groupindex, "digit"]}
    monkeypatch.setattr(temporal, "_family_runs", lambda text, sentences: everywhere)
    assert extract_facts(text, found, ARTICLE_DAY, pipeline_numbers=False).dates == quick


def test_the_article_date_is_read_from_its_first_lines() -> None:
    text = "JAKARTA, KOMPAS.com - Presiden membuka pameran, Selasa (2/12/2014). Kemarin ia tiba."
    found = detect_article_date(text)
    assert found is not None and (found.value, text[found.start : found.end]) == (ARTICLE_DAY, "Selasa (2/12/2014)")
    facts = extract_facts(text, [])
    assert facts.reference_source == "text" and date_at(facts, "Kemarin").value == "2014-12-01"
    assert detect_article_date("Diterbitkan 24 April 1971. Isi berita.").value == date(1971, 4, 24)
    assert detect_article_date("Tanpa tanggal sama sekali. " * 40 + "Lalu 2 Desember 2014.") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Sebanyak 2000 orang hadir.",  # a count, not a year
        "Pasal 1945 tidak ada.",
        "Jaringan 5G menjangkau 1/2 kota.",  # a fraction with no day name
        "Gerakan 30 September dikenang.",  # inside a name
    ],
)
def test_numbers_that_are_not_dates_are_left_alone(sentence: str) -> None:
    facts = facts_of(sentence, Gerakan_30_September="ORG")
    assert facts.dates == ()


# -- constructed sentences: numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expression", "value", "unit", "qualifier"),
    [
        ("Defisit mencapai Rp3,7 triliun.", "Rp3,7 triliun", 3_700_000_000_000, "IDR", None),
        ("Inflasi sekitar 2,9 persen.", "sekitar 2,9 persen", 2.9, "%", "~"),
        ("Harga cabai naik 10-20 persen.", "10-20 persen", 10, "%", None),
        ("Sedikitnya 7 orang tewas.", "Sedikitnya 7 orang", 7, "orang", ">="),
        ("Ribuan warga berunjuk rasa.", "Ribuan warga", 1000, "warga", ">="),
        ("Dua ratus lima puluh siswa lulus.", "Dua ratus lima puluh siswa", 250, "siswa", None),
        ("Ekspor senilai 5 juta dolar AS.", "5 juta dolar AS", 5_000_000, "USD", None),
        ("Kecepatan angin 80 km/jam.", "80 km/jam", 80, "km/jam", None),
        ("Gempa bermagnitudo 5,6 mengguncang.", "5,6", 5.6, "magnitudo", None),
        ("Hampir 1.250.000 pemilih datang.", "Hampir 1.250.000 pemilih", 1_250_000, "pemilih", "<"),
        ("Kurang dari 5% suara sah.", "Kurang dari 5%", 5, "%", "<"),
        ("Bantuan US$5 miliar cair.", "US$5 miliar", 5_000_000_000, "USD", None),
        ("Mereka bertemu dua kali.", "dua kali", 2, "kali", None),
        ("Kredit macet turun ke 8 persen.", "8 persen", 8, "%", None),
        ("Margin berkisar antara 60-70 persen.", "antara 60-70 persen", 60, "%", None),
        ("Frekuensi kerjanya 900 MHz.", "900 MHz", 900, "MHz", None),
    ],
)
def test_numbers_have_value_unit_and_qualifier(sentence, expression, value, unit, qualifier) -> None:
    fact = number_at(facts_of(sentence), expression)
    assert (fact.value, fact.unit, fact.qualifier) == (value, unit, qualifier)


def test_references_codes_and_scores_are_not_amounts() -> None:
    text = (
        "Pasal 3 ayat 1 UU No. 12 mengatur hal itu. Salah satu warga menelepon 081234567890. "
        "Jaringan 5G dan Covid-19 dibahas di G20. Tim itu menang 2-1."
    )
    assert facts_of(text).numbers == ()


# -- constructed sentences: claims ---------------------------------------------------------------


def claims_of(text: str, **names: str) -> list[tuple[str, str, str, str]]:
    return [(c.speaker, c.verb, c.content, c.speaker_text) for c in facts_of(text, **names).claims]


def test_a_quotation_with_kata_and_a_pronoun_with_ujarnya() -> None:
    text = (
        "Menteri Keuangan Sri Mulyani Indrawati mengatakan, defisit masih aman. "
        '"Kami tidak akan menaikkan pajak. Kami akan efisien," kata Sri Mulyani. '
        '"Belanja dipangkas," ujarnya.'
    )
    assert claims_of(text, Sri_Mulyani_Indrawati="PERSON", Sri_Mulyani="PERSON") == [
        ("Sri Mulyani Indrawati", "mengatakan", "defisit masih aman", "Sri Mulyani Indrawati"),
        ("Sri Mulyani Indrawati", "kata", "Kami tidak akan menaikkan pajak. Kami akan efisien", "Sri Mulyani"),
        ("Sri Mulyani Indrawati", "ujar", "Belanja dipangkas", "ujarnya"),
    ]


def test_a_quotation_before_its_speaker_and_an_addressee_before_bahwa() -> None:
    text = (
        '"Kami akan terus berjuang," Budi menambahkan. '
        "Juru bicara Kremlin Dmitry Peskov mengatakan kepada wartawan bahwa pertemuan itu penting."
    )
    facts = facts_of(text, Budi="PERSON", Kremlin="ORG", Dmitry_Peskov="PERSON")
    assert [(c.speaker, c.verb, c.content) for c in facts.claims] == [
        ("Budi", "menambahkan", "Kami akan terus berjuang"),
        ("Dmitry Peskov", "mengatakan", "pertemuan itu penting"),
    ]
    assert facts.claims[0].text == '"Kami akan terus berjuang," Budi menambahkan'


def test_menurut_before_or_after_the_content() -> None:
    text = "Menurut Budi Santoso, harga beras turun. Panen melimpah tahun ini, menurut dia."
    assert claims_of(text, Budi_Santoso="PERSON") == [
        ("Budi Santoso", "menurut", "harga beras turun", "Budi Santoso"),
        ("Budi Santoso", "menurut", "Panen melimpah tahun ini", "dia"),
    ]


def test_a_source_that_is_no_entity_and_a_verb_that_needs_bahwa() -> None:
    text = (
        "Laporan lembaga itu menyebutkan bahwa angka kemiskinan naik. "
        "Budi menyampaikan apresiasinya kepada warga. Budi menyampaikan bahwa bantuan tiba besok."
    )
    assert claims_of(text, Budi="PERSON") == [
        ("Laporan lembaga itu", "menyebutkan", "angka kemiskinan naik", "Laporan lembaga itu"),
        ("Budi", "menyampaikan", "bantuan tiba besok", "Budi"),
    ]


def test_a_spokesperson_with_a_bare_title_and_a_bracketed_acronym() -> None:
    text = (
        "Komisi Pemberantasan Korupsi (KPK) menyatakan penahanan dilakukan selama 20 hari. "
        '"Tersangka langsung ditahan," ujar juru bicara KPK Ali Fikri. Mereka juga mengatakan kasus itu berlanjut.'
    )
    assert claims_of(text, Komisi_Pemberantasan_Korupsi="ORG", KPK="ORG", Ali_Fikri="PERSON") == [
        (
            "Komisi Pemberantasan Korupsi",
            "menyatakan",
            "penahanan dilakukan selama 20 hari",
            "Komisi Pemberantasan Korupsi",
        ),
        ("Ali Fikri", "ujar", "Tersangka langsung ditahan", "Ali Fikri"),
        # "Mereka" (they) goes to the last named speaker, person or not.
        ("Ali Fikri", "mengatakan", "kasus itu berlanjut", "Mereka"),
    ]


# -- constructed sentences: relations ------------------------------------------------------------


def relations_of(text: str, **names: str) -> list[tuple[str, str, str, bool]]:
    return [(r.subject, r.predicate, r.object, r.negated) for r in facts_of(text, **names).relations]


def test_relations_with_a_direct_object_a_preposition_and_a_negation() -> None:
    text = (
        "Presiden Joko Widodo bertemu Perdana Menteri Jepang Fumio Kishida di Tokyo. "
        "Widodo tiba di Tokyo pada Senin pagi. "
        "Kishida tidak bertemu dengan Menteri Luar Negeri Rusia Sergei Lavrov."
    )
    names = dict(Joko_Widodo="PERSON", Widodo="PERSON", Jepang="LOC", Fumio_Kishida="PERSON", Kishida="PERSON")
    names.update(Tokyo="LOC", Rusia="LOC", Sergei_Lavrov="PERSON")
    assert relations_of(text, **names) == [
        ("Joko Widodo", "bertemu", "Fumio Kishida", False),
        ("Joko Widodo", "tiba di", "Tokyo", False),
        ("Fumio Kishida", "bertemu dengan", "Sergei Lavrov", True),
    ]
    visit = facts_of(text, **names).relations[1]
    assert [a.text for a in visit.attachments] == ["Senin pagi"]


def test_no_relation_from_a_condition_a_verb_of_saying_or_a_possessor() -> None:
    text = (
        "Jika Widodo dan Kishida sepakat dengan Lavrov, harga turun. "
        "Kemlu mengatakan Widodo menandatangani perjanjian dengan Kishida. "
        "Lavrov menjanjikan dukungan penuh Widodo."
    )
    assert relations_of(text, Widodo="PERSON", Kishida="PERSON", Lavrov="PERSON", Kemlu="ORG") == [
        ("Widodo", "menandatangani perjanjian dengan", "Kishida", False)
    ]


def test_coordinated_subjects_each_get_the_relation() -> None:
    text = "Sementara itu, Jepang dan Korea Selatan menandatangani perjanjian dengan Indonesia."
    assert relations_of(text, Jepang="LOC", Korea_Selatan="LOC", Indonesia="LOC") == [
        ("Jepang", "menandatangani perjanjian dengan", "Indonesia", False),
        ("Korea Selatan", "menandatangani perjanjian dengan", "Indonesia", False),
    ]


# -- sentences -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Dia tinggal di Jl. Sudirman No. 5, Jakarta. Rapat dimulai pukul 10.30 WIB. Inflasi 2,9 persen.",
            ["Dia tinggal di Jl. Sudirman No. 5, Jakarta.", "Rapat dimulai pukul 10.30 WIB.", "Inflasi 2,9 persen."],
        ),
        (
            "Dr. Budi dan H. Agus Salim hadir. Prof. Ir. Tan pulang.",
            ["Dr. Budi dan H. Agus Salim hadir.", "Prof. Ir. Tan pulang."],
        ),
        (
            '"Kami siap. Besok kami berangkat," kata Budi. Ia pergi.',
            ['"Kami siap. Besok kami berangkat," kata Budi.', "Ia pergi."],
        ),
        (
            "Judul Tanpa Titik\nParagraf baru.\n\nParagraf lain",
            ["Judul Tanpa Titik", "Paragraf baru.", "Paragraf lain"],
        ),
        ("Teks yang dipotong di\ntengah kalimat. Lalu usai.", ["Teks yang dipotong di\ntengah kalimat.", "Lalu usai."]),
        ("Apa? Tidak tahu... lalu pergi! Selesai", ["Apa?", "Tidak tahu... lalu pergi!", "Selesai"]),
    ],
)
def test_sentences_split_the_indonesian_way(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


# -- the pipeline's own spans, odd input, and the core's independence -------------------------------


def test_pipeline_spans_the_rules_do_not_know_are_kept_and_wider_ones_win() -> None:
    text = "Di masa depan harga naik 5 persen. Pada tahun 2024 lalu warga pindah."
    spans = [
        Entity(3, 13, "DATE", "masa depan"),  # a pipeline's date that the rules do not make
        Entity(40, 54, "DATE", "tahun 2024 lal"),  # partial overlap with a rule's span: the rule's stays
        Entity(25, 33, "CARDINAL", "5 persen"),
    ]
    facts = extract_facts(text, spans)
    assert [(d.text, d.value) for d in facts.dates] == [("masa depan", None), ("tahun 2024 lalu", "2024")]
    assert [(n.text, n.value, n.unit) for n in facts.numbers] == [("5 persen", 5, "%")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n ",
        "[bold]x[/] [@click=app.quit]y[/]",
        "2/2/2/2 -- ,,, (( )) 1.1.1.1 Rp",
        "\u202e" * 5 + "Ia berkata.",
    ],
)
def test_odd_input_gives_no_error(text: str) -> None:
    bogus = [Entity(0, len(text), "PERSON", text)] if text.strip() else []
    facts = extract_facts(text, bogus)
    found = list(facts.all())
    assert all(text[fact.start : fact.end] == fact.text for fact in found)
    assert bool(found) == bool(bogus)  # the entity given is a fact; nothing is made up of nothing


def test_the_facts_core_imports_neither_spacy_nor_textual() -> None:
    code = (
        "import sys, tui.core.facts as f\n"
        "f.extract_facts('Budi mengatakan bahwa harga naik 5 persen kemarin.', [])\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('spacy', 'textual', 'thinc'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_kinds_and_ids() -> None:
    facts = facts_of(
        "Budi mengatakan bahwa Ani bertemu dengan Budi pada 2 Mei 2024 sebanyak 3 kali.", Budi="PERSON", Ani="PERSON"
    )
    assert [f.kind for f in facts.all()] == ["entity", "entity", "date", "number", "claim", "relation"]
    assert [f.id for f in facts.all()] == ["e1", "e2", "d1", "n1", "c1", "r1"]
    assert isinstance(facts.relations[0], RelationFact) and facts.get("r1") is facts.relations[0]


def test_the_sentence_at_an_offset_includes_its_end_and_not_the_gap() -> None:
    text = "Budi datang ke Jakarta.  Ia pulang Senin."
    found = facts_of(text, Budi="PERSON", Jakarta="LOC")
    first, second = found.sentences
    assert found.sentence_at(0) == tuple(first) and found.sentence_at(first[1]) == tuple(first)
    assert found.sentence_at(second[0]) == tuple(second) and found.sentence_at(len(text)) == tuple(second)
    assert found.sentence_at(first[1] + 1) is None  # between the two sentences
    assert Facts().sentence_at(0) is None
