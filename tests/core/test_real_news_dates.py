"""Dates, times and measures said the long way in real-looking news sentences (issue 15).

The real-news dev set's gold marks a date with the words that make it one date: the period's
part ("awal musim kemarau"), its year said relatively ("September tahun lalu"), a range in words
("bulan Januari hingga September"), "up to" before a duration ("sampai 10 tahun"). Highlighting
only a piece ("tahun lalu", "10 tahun") splits one date in two or loses what it says. The
sentences below are written like news; none is copied from the dev set.
"""

from __future__ import annotations

import pytest

from tui.core.facts import extract_facts
from tui.core.nlp import find_entities, load_pipeline


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_pipeline()


# A sentence and the one DATE/TIME span it must highlight, word for word.
WHOLE_DATES = [
    # A month in a year said relatively, and a range of months in words.
    ("Harga cabai lebih rendah dibandingkan Agustus tahun lalu, kata pedagang.", "Agustus tahun lalu", "DATE"),
    ("Ekspor naik 4 persen sepanjang Februari-Juni tahun ini menurut data BPS.", "Februari-Juni tahun ini", "DATE"),
    ("Inflasi pada bulan Maret hingga Juni tercatat rendah.", "bulan Maret hingga Juni", "DATE"),
    ("Pameran itu digelar 12 sampai 15 Mei 2024 di Jakarta.", "12 sampai 15 Mei 2024", "DATE"),
    # Parts of a year and of a period.
    ("Laba perseroan sepanjang kuartal III 2023 ini naik tipis.", "sepanjang kuartal III 2023 ini", "DATE"),
    ("Penjualan semen pada semester pertama tahun ini turun.", "semester pertama tahun ini", "DATE"),
    ("Kinerja bank itu membaik dalam enam bulan pertama tahun ini.", "enam bulan pertama tahun ini", "DATE"),
    ("Petani mulai menanam padi pada awal musim hujan.", "awal musim hujan", "DATE"),
    ("Dua klub itu bertemu tengah pekan kemarin di Bandung.", "tengah pekan kemarin", "DATE"),
    ("Revisi undang-undang itu ditargetkan selesai pada akhir masa sidang ini.", "akhir masa sidang ini", "DATE"),
    ("Bursa transfer musim dingin kali ini sepi pembelian besar.", "musim dingin kali ini", "DATE"),
    # A past year said with "silam", a date with its year after "pada".
    ("Banjir serupa pernah melanda kota itu pada 2013 silam.", "2013 silam", "DATE"),
    ("Gempa besar mengguncang daerah itu pada 26 Desember pada 2004 silam.", "26 Desember pada 2004 silam", "DATE"),
    # A relative day with its calendar date in brackets.
    ("BPS merilis data itu hari ini (03/04/2023) di Jakarta.", "hari ini (03/04/2023)", "DATE"),
    ("Saham diperkirakan menguat pada hari selanjutnya (Kamis, 20/7).", "hari selanjutnya (Kamis, 20/7)", "DATE"),
    # The same period again, the year so far.
    ("Laba naik dibanding periode yang sama tahun sebelumnya.", "periode yang sama tahun sebelumnya", "DATE"),
    ("Kedua kejadian itu terjadi pada hari yang sama di desa berbeda.", "hari yang sama", "DATE"),
    ("Inflasi tahun berjalan mencapai 1,9 persen.", "tahun berjalan", "DATE"),
    ("Ia bersinar pada periode 2019/20 bersama klub itu.", "periode 2019/20", "DATE"),
    # "Up to" and "almost" belong to a duration; a weekday after "hari", even in lower case.
    ("Pelaku terancam hukuman penjara sampai 12 tahun.", "sampai 12 tahun", "DATE"),
    ("Perbaikan jembatan itu bisa memakan waktu hingga beberapa bulan.", "hingga beberapa bulan", "DATE"),
    ("Hampir setiap tahun banjir merendam kampung itu.", "Hampir setiap tahun", "DATE"),
    ("Rapat lanjutan akan digelar di hari kamis, kata dia.", "hari kamis", "DATE"),
    ("Pemain itu hanya bertahan satu musim di klub tersebut.", "satu musim", "DATE"),
    ("Gol penentu lahir dua menit terakhir sebelum laga usai.", "dua menit terakhir", "TIME"),
    ("Gempa susulan terasa pagi dini hari tadi di Padang.", "pagi dini hari tadi", "TIME"),
]


@pytest.mark.parametrize(("sentence", "expected", "label"), WHOLE_DATES, ids=[w[1] for w in WHOLE_DATES])
def test_a_date_said_the_long_way_is_one_span(nlp, sentence: str, expected: str, label: str) -> None:  # type: ignore[no-untyped-def]
    found = [(e.text, e.label) for e in find_entities(nlp, sentence) if e.label in {"DATE", "TIME"}]
    assert found == [(expected, label)]


def test_a_season_number_after_a_league_is_no_duration(nlp) -> None:  # type: ignore[no-untyped-def]
    # "Liga 1 musim 2023": the league's name and the season's year, not "1 musim" (one season).
    found = {(e.text, e.label) for e in find_entities(nlp, "Persib menjuarai Liga 1 musim 2023 dengan meyakinkan.")}
    assert ("musim 2023", "DATE") in found
    assert not any(text.startswith("1 musim") for text, _ in found)


def test_up_to_stays_out_of_a_point_in_time(nlp) -> None:  # type: ignore[no-untyped-def]
    # "hingga 2025" is until a year: the year alone is the date, as before.
    found = [(e.text, e.label) for e in find_entities(nlp, "Program itu berjalan hingga 2025.") if e.label == "DATE"]
    assert found == [("2025", "DATE")]


def test_an_age_after_initials_is_a_quantity(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Polisi menangkap tersangka RS, 31 tahun, di rumahnya pada Senin malam."
    found = {(e.text, e.label) for e in find_entities(nlp, text)}
    assert ("31 tahun", "QUANTITY") in found
    assert ("31 tahun", "DATE") not in found


def test_the_facts_panel_still_reads_a_longer_date(nlp) -> None:  # type: ignore[no-untyped-def]
    # The longer span keeps the value of the date inside it.
    text = "Jakarta, 5 Oktober 2023. Harga beras lebih tinggi dibanding Agustus tahun lalu."
    facts = extract_facts(text, find_entities(nlp, text))
    (august,) = [d for d in facts.dates if "Agustus" in d.text]
    assert august.text == "Agustus tahun lalu"
    assert august.value is not None and str(august.value).startswith("2022-08")


def test_a_quarter_said_with_its_lead_word_keeps_its_value(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Jakarta, 5 Oktober 2023. Laba perseroan sepanjang kuartal III 2023 ini naik tipis."
    facts = extract_facts(text, find_entities(nlp, text))
    (quarter,) = [d for d in facts.dates if "kuartal" in d.text]
    assert quarter.value == "2023-Q3"


# -- numbers of disaster and crime reports ---------------------------------------------------------

SCALES = [
    ("Guncangan dirasakan di Padang dengan intensitas III SIG-BMKG (V MMI).", {"III SIG-BMKG", "V MMI"}),
    ("Di Bengkulu guncangan berada pada skala II SIG (II-III MMI).", {"II SIG", "II-III MMI"}),
    ("Pusat gempa berada di 2,15 LS dan 99,80 BT pada kedalaman 10 km.", {"2,15 LS", "99,80 BT", "10 km"}),
    (
        "Episenter terletak pada koordinat 3,41 Lintang Selatan dan 101,2 Bujur Timur.",
        {"3,41 Lintang Selatan", "101,2 Bujur Timur"},
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), SCALES, ids=[s[0][:30] for s in SCALES])
def test_intensities_and_coordinates_are_quantities(nlp, sentence: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    found = find_entities(nlp, sentence)
    assert {e.text for e in found if e.label == "QUANTITY"} == expected
    # "MMI" and "SIG" are scales, not organisations; the numbers are no bare counts.
    assert not [e for e in found if e.label in {"ORG", "CARDINAL"}]


def test_counted_suspects_and_cases_belong_to_their_number(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Polisi menetapkan 3 tersangka. Tahun ini ada 140 kasus kebakaran dan dua terdakwa bebas."
    found = {(e.text, e.label) for e in find_entities(nlp, text)}
    assert {("3 tersangka", "CARDINAL"), ("140 kasus", "CARDINAL"), ("dua terdakwa", "CARDINAL")} <= found


# -- item 12: the facts panel lists what the article highlights ---------------------------------

AGREE_TEXT = (
    "Jakarta, 5 Oktober 2023. Tersangka dijerat Pasal 80 UU Nomor 35 Tahun 2014 tentang Perlindungan Anak. "
    "Saat ini mobil roda empat masih dikenai pajak 10 persen, kata Ketua Komisi 1 DPR."
)


def test_the_facts_list_no_date_or_number_the_article_does_not_highlight(nlp) -> None:  # type: ignore[no-untyped-def]
    entities = find_entities(nlp, AGREE_TEXT)
    facts = extract_facts(AGREE_TEXT, entities)
    highlighted = [(e.start, e.end) for e in entities if e.label not in {"PERSON", "ORG", "LOC"}]
    for fact in (*facts.dates, *facts.numbers):
        assert any(s < fact.end and fact.start < e for s, e in highlighted), fact.text
    # The law's year, the kind of vehicle, the committee's number and "Saat ini" are in neither.
    assert {d.text for d in facts.dates} == {"5 Oktober 2023"}
    assert {n.text for n in facts.numbers} == {"10 persen"}


def test_without_date_or_number_labels_the_facts_scan_the_text_themselves(nlp) -> None:  # type: ignore[no-untyped-def]
    names = [e for e in find_entities(nlp, AGREE_TEXT) if e.label in {"PERSON", "ORG", "LOC"}]
    scanned = extract_facts(AGREE_TEXT, names)
    assert {"5 Oktober 2023", "Saat ini"} <= {d.text for d in scanned.dates}
    assert "10 persen" in {n.text for n in scanned.numbers}
    forced = extract_facts(AGREE_TEXT, find_entities(nlp, AGREE_TEXT), pipeline_numbers=False)
    assert len(forced.dates) > 1
