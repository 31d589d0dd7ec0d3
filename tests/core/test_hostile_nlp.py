"""Text built to make the rules slow or wrong (issue 15's hostile review): long runs of the shapes
the new rules read. Each test checks the work done, not the time taken (the speed is
benchmarks/long_text_speed.py's): a rule that read a whole sentence or document again at each
match would make an article of such shapes take minutes."""

from __future__ import annotations

import pytest

from tui.core.facts import claims, extract_facts, temporal
from tui.core.nlp import find_entities, load_pipeline
from tui.core.nlp import numbers as numbers_module


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_pipeline()


def test_a_run_of_given_names_is_no_name_longer_than_a_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(["Budi", "Siti", "Agus", "Rina", "Dewi", "Andi"] * 100) + "."
    persons = [e for e in find_entities(nlp, text) if e.label == "PERSON"]
    assert all(len(e.text.split()) <= 8 for e in persons)


def test_an_attribution_reads_a_bounded_window_of_its_sentence(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    read: list[int] = []
    pattern = claims._TITLE_TOKEN

    class Counting:
        def finditer(self, text: str):  # type: ignore[no-untyped-def]
            read.append(len(text))
            return pattern.finditer(text)

    monkeypatch.setattr(claims, "_TITLE_TOKEN", Counting())
    # One sentence (no full stop) of 400 attributions.
    text = " ".join('"Ini benar," kata Budi,' for _ in range(400)) + "."
    extract_facts(text, [], pipeline_numbers=False)
    assert read and max(read) <= claims.TITLE_WINDOW


def test_the_tense_of_a_sentence_is_read_once_for_all_its_dates(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[tuple[int, int]] = []
    original = temporal._tense_from_sentence

    def counting(text: str, span):  # type: ignore[no-untyped-def]
        calls.append(span)
        return original(text, span)

    monkeypatch.setattr(temporal, "_tense_from_sentence", counting)
    text = " ".join("Senin (12/3) pukul 10.00 WIB hingga 14 Maret," for _ in range(50)) + "."
    facts = extract_facts(text, [], pipeline_numbers=False)
    assert len(facts.dates) >= 50
    assert len(calls) == len(set(calls))


def test_a_table_of_clubs_reads_the_documents_persons_once(nlp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    original = numbers_module.candidates

    def counting(doc):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(doc)

    monkeypatch.setattr(numbers_module, "candidates", counting)
    nlp(" ".join("Persib Bandung (14), Persija Jakarta (12)," for _ in range(50)))
    assert len(calls) <= 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A given name that is also a word ("budi" = mind) opening a sentence starts the person.
        ("Budi Santoso mengatakan hal itu kepada wartawan.", [("Budi Santoso", "PERSON")]),
        ("Polisi datang. Dewi Lestari mengatakan hal itu.", [("Dewi Lestari", "PERSON")]),
        # An office word before a one-word person is no first name.
        ("Menteri Luar Negeri Retno mengatakan hal itu.", [("Retno", "PERSON")]),
    ],
)
def test_names_at_a_sentences_start_and_after_an_office(nlp, text: str, expected) -> None:  # type: ignore[no-untyped-def]
    found = [(e.text, e.label) for e in find_entities(nlp, text) if e.label in {"PERSON", "ORG", "LOC"}]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # "akan" would put the date in the future, "sudah" in the past: the weekday decides.
        ("Jakarta, 12 Maret 2024 - Budi mengatakan akan datang, Senin (11/3).", "2024-03-11"),
        ("Jakarta, 12 Maret 2024 - Ia sudah pergi Rabu (13/3).", "2024-03-13"),
        ("Jakarta, 12 Maret 2024 - Rapat digelar Senin, 2 Desember.", "2024-12-02"),
    ],
)
def test_a_weekday_written_with_a_date_picks_its_year(text: str, value: str) -> None:
    dates = extract_facts(text, [], pipeline_numbers=False).dates
    assert dates[-1].value == value


def test_a_lone_surrogate_is_read_not_fatal(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Presiden Joko Widodo \ud800 bertemu Budi Santoso di Jakarta."
    found = find_entities(nlp, text)
    assert ("Budi Santoso", "PERSON") in {(e.text, e.label) for e in found}
    assert all(text[e.start : e.end] == e.text for e in found)
