"""Importing hostile or oversized files: limits that refuse in one plain line, and flags that lift them.

The story: a reader is sent annotation files. Some are broken on purpose (JSON nested 100,000
deep, a number 5,000 digits long), some are just big (a full backup of a large database). The
broken ones are refused with one line naming the problem and where it is; the big ones are
refused early with the limit and the flag that raises it, and import whole with that flag.
Nothing is ever half imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import tui.core.formats.reading as reading
from tests.core.conftest import Run
from tui.cli import _import_bytes, import_parser
from tui.core.annotations import Annotation, DocumentRef, make_annotation
from tui.core.exchange import ExchangeError, run_import
from tui.core.formats import (
    DEFAULT_LIMITS,
    MAX_IMPORT_BYTES,
    AnnotationImportError,
    ImportLimits,
    parse_annotations,
)
from tui.core.formats.w3c import w3c_collection
from tui.core.store import Store

TEXT = (
    "Gempa mengguncang Cianjur\n\n"
    "Gempa bermagnitudo 5,6 mengguncang Cianjur, Jawa Barat, pada Senin siang. Badan Nasional "
    "Penanggulangan Bencana mencatat ratusan rumah rusak berat dan ribuan warga mengungsi.\n"
)
DOC = DocumentRef.for_text(TEXT, "/berita/gempa.txt", "Gempa mengguncang Cianjur")


def notes(n: int, note: str = "cek") -> list[Annotation]:
    """``n`` notes on the words of the article, each its own annotation."""
    words = [(i, TEXT.index(" ", i)) for i in range(len(TEXT)) if (i == 0 or TEXT[i - 1] == " ") and " " in TEXT[i:]]
    return [
        make_annotation(TEXT, *words[i % len(words)], "note", document=DOC, note=f"{note} {i}", tags=["gempa"])
        for i in range(n)
    ]


def jsonl(annotations: list[Annotation]) -> str:
    return "".join(json.dumps(a.to_dict()) + "\n" for a in annotations)


def w3c(annotations: list[Annotation]) -> str:
    return json.dumps(w3c_collection(annotations), indent=2) + "\n"


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "Traceback" not in line and "unexpected error" not in line and "Error" not in line
    return line


# -- hostile JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["json", "jsonl"])
def test_json_nested_100000_deep_is_one_plain_line(form: str, tmp_path: Path, sorot: Run) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    source = tmp_path / f"dalam.{form}"
    # As a file of its own, or as the second line of a JSON Lines file after a good annotation.
    source.write_text(deep if form == "json" else jsonl(notes(1)) + deep + "\n", encoding="utf-8")
    db = tmp_path / "db.json"

    line = one_line(sorot("import", source, "--db", db))

    assert "nested more than 64 levels deep" in line and "--max-depth" in line
    assert ("line 2" in line) if form == "jsonl" else ("line 1" in line)
    assert not db.exists() or Store.open(db, read_only=True).all_annotations() == []


@pytest.mark.parametrize("form", ["w3c", "jsonl"])
def test_a_5000_digit_number_is_one_plain_line_naming_its_item(form: str, tmp_path: Path, sorot: Run) -> None:
    # The second annotation's end offset becomes a number of 5,000 digits.
    text = _with_second_end(form, notes(3), "9" * 5000)
    source = tmp_path / f"angka.{form}"
    source.write_text(text, encoding="utf-8")

    line = one_line(sorot("import", source, "--db", tmp_path / "db.json"))

    assert ("item 2" if form == "w3c" else "line 2") in line
    assert "a number 5,000 digits long" in line and "--max-int-digits" in line


def _with_second_end(form: str, annotations: list[Annotation], number: str) -> str:
    if form == "jsonl":
        records = [a.to_dict() for a in annotations]
        records[1]["position"]["end"] = "@@"
        return "".join(json.dumps(r) + "\n" for r in records).replace('"@@"', number)
    data = w3c_collection(annotations)
    data["first"]["items"][1]["target"]["selector"][1]["end"] = "@@"
    return json.dumps(data, indent=2).replace('"@@"', number)


def test_a_long_number_anywhere_in_the_collection_is_refused_with_its_line() -> None:
    text = w3c(notes(2)).replace('"total": 2', '"total": ' + "1" * 200)
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(text)
    line = text[: text.index('"total": 111')].count("\n") + 1  # where the export writes the total
    assert str(caught.value).startswith(f"line {line}: a number 200 digits long (more than 100")


# -- how many, how long ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["w3c", "jsonl"])
def test_more_annotations_than_the_limit_are_refused_without_reading_on(form: str, tmp_path: Path) -> None:
    text = w3c(notes(10)) if form == "w3c" else jsonl(notes(10))
    # Cut off in the middle of the 8th annotation: a reader that parsed the whole file first would
    # report the broken end; one that stops at the limit never gets there.
    text = text[: text.index('"cek 7"') + 3]
    source = tmp_path / f"banyak.{form}"
    source.write_text(text, encoding="utf-8")
    db = tmp_path / "db.json"

    with pytest.raises(ExchangeError) as caught:
        run_import(source, db, limits=ImportLimits(annotations=3))

    message = str(caught.value)
    assert message == (
        f"{source}: more than 3 annotations (the limit of one import: --max-annotations N raises it, "
        "--no-limits lifts it)"
    )
    assert not db.exists() or len(Store.open(db, read_only=True)) == 0


@pytest.mark.parametrize(("form", "read"), [("w3c", 5), ("jsonl", 0)])
def test_annotations_are_parsed_one_at_a_time_and_parsing_stops_at_the_limit(form: str, read: int, monkeypatch) -> None:
    parsed = []
    real = reading.annotation_from_json
    monkeypatch.setattr(
        reading, "annotation_from_json", lambda item, readers: parsed.append(item) or real(item, readers)
    )
    with pytest.raises(AnnotationImportError):
        parse_annotations(w3c(notes(50)) if form == "w3c" else jsonl(notes(50)), ImportLimits(annotations=5))
    # A collection is read up to the first annotation too many; JSON Lines are counted before any is parsed.
    assert len(parsed) == read


def test_a_note_longer_than_the_limit_is_named_with_its_flag() -> None:
    anns = notes(3)
    anns[2] = anns[2].edited(note="x" * 101)
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(jsonl(anns), ImportLimits(text_chars=100))
    assert str(caught.value) == (
        "line 3: its note is 101 characters long (more than 100: --max-text-chars N raises it, --no-limits lifts it)"
    )


@pytest.mark.parametrize(
    ("field", "change", "what"),
    [
        ("quote", {"exact": "y" * 120}, "its quote"),
        ("tags", ["t" * 60, "u" * 60], "its tags together"),
        ("note", "n" * 120, "its note"),
    ],
)
def test_every_text_of_an_annotation_has_the_limit(field: str, change, what: str) -> None:
    record = notes(1)[0].to_dict()
    record[field] = {**record[field], **change} if isinstance(change, dict) else change
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(json.dumps(w3c_collection([Annotation.from_dict(record)])), ImportLimits(text_chars=100))
    assert str(caught.value).startswith(f"item 1: {what} is 120 characters long (more than 100")


def test_a_collection_nested_deeper_than_the_limit_is_refused() -> None:
    text = w3c(notes(2))  # collection > page > items > annotation > target > selectors > selector: 7 deep
    assert len(parse_annotations(text, ImportLimits(depth=7))) == 2
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations(text, ImportLimits(depth=6))
    line = text[: text.index("{", text.index('"items": ['))].count("\n") + 1  # where the first item starts
    assert str(caught.value).startswith(f"item 1 (line {line}): nested more than 6 levels deep")


def test_many_bad_lines_keep_a_bounded_list_of_problems() -> None:
    with pytest.raises(AnnotationImportError) as caught:
        parse_annotations("{}\n" * 5000)
    assert len(caught.value.errors) <= 100
    assert str(caught.value).endswith("(and 4,995 more problems)")


# -- the CLI: limits, flags, a backup restored ---------------------------------------------------


def test_a_backup_over_the_limits_imports_whole_with_the_flags(tmp_path: Path, sorot: Run) -> None:
    backup = tmp_path / "cadangan.jsonl"
    backup.write_text(jsonl(notes(12, note="catatan panjang " * 5)), encoding="utf-8")  # notes of 82-83 characters
    db = tmp_path / "db.json"

    refused = one_line(sorot("import", backup, "--db", db, "--max-annotations", "10"))
    too_long = one_line(sorot("import", backup, "--db", db, "--max-text-chars", "60"))
    assert refused == (
        f"sorot: {backup}: more than 10 annotations (the limit of one import: "
        "--max-annotations N raises it, --no-limits lifts it)"
    )
    assert "line 1: its note is 82 characters long (more than 60" in too_long
    assert not db.exists() or len(Store.open(db, read_only=True)) == 0

    raised = sorot("import", backup, "--db", db, "--max-annotations", "12", "--max-text-chars", "83")
    assert raised.returncode == 0 and "12 new" in raised.stderr
    again = sorot("import", backup, "--db", tmp_path / "other.json", "--max-annotations", "1", "--no-limits")
    assert again.returncode == 0 and "12 new" in again.stderr


def test_no_limits_also_lifts_the_file_size_cap_unless_max_size_is_given(tmp_path: Path, sorot: Run) -> None:
    backup = tmp_path / "cadangan.jsonl"
    backup.write_text(jsonl(notes(3)), encoding="utf-8")
    size = backup.stat().st_size
    small = str(size - 1)
    refused = one_line(sorot("import", backup, "--db", tmp_path / "a.json", "--max-size", small))
    assert refused.startswith(f"sorot: {backup}: more than ") and "raise --max-size" in refused
    # --no-limits with an explicit --max-size keeps that size; without one, any size reads.
    kept = sorot("import", backup, "--db", tmp_path / "b.json", "--no-limits", "--max-size", small)
    assert kept.returncode == 1 and "raise --max-size" in kept.stderr
    lifted = sorot("import", backup, "--db", tmp_path / "c.json", "--no-limits")
    assert lifted.returncode == 0 and "3 new" in lifted.stderr
    # The cap each command line asks for (a file over the 256 MB default is too big to make here).
    caps = {
        args: _import_bytes(import_parser().parse_args(["x.jsonl", *args]))
        for args in [(), ("--no-limits",), ("--no-limits", "--max-size", "1M")]
    }
    assert caps == {(): MAX_IMPORT_BYTES, ("--no-limits",): sys.maxsize, ("--no-limits", "--max-size", "1M"): 1 << 20}


def test_import_help_documents_every_limit_and_its_default(sorot: Run) -> None:
    text = " ".join(sorot("import", "--help").stdout.split())
    for flag, default in [
        ("--max-annotations N", f"{DEFAULT_LIMITS.annotations:,}"),
        ("--max-text-chars N", f"{DEFAULT_LIMITS.text_chars:,}"),
        ("--max-depth N", str(DEFAULT_LIMITS.depth)),
        ("--max-int-digits N", str(DEFAULT_LIMITS.int_digits)),
    ]:
        assert flag in text and f"default {default}" in text
    assert "--no-limits" in text


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_a_limit_that_is_not_a_positive_number_is_a_usage_error(value: str, sorot: Run, tmp_path: Path) -> None:
    result = sorot("import", tmp_path / "x.jsonl", "--max-annotations", value)
    assert result.returncode == 2 and "--max-annotations" in result.stderr


def _full_export_round_trip(n: int, tmp_path: Path) -> None:
    """A database of ``n`` annotations, exported whole as w3c, imports into an empty one with the defaults."""
    from tui.core.exchange import run_export

    db = tmp_path / "penuh.json"
    with Store.open(db) as store:
        store.save_many(notes(n))
    dump = tmp_path / "penuh.jsonld"
    with Store.open(db, read_only=True) as store:
        run_export(store, "w3c", out=dump)
    report = run_import(dump, tmp_path / "kosong.json")
    assert report.added == n


def test_a_full_export_imports_again_with_the_default_limits(tmp_path: Path) -> None:
    _full_export_round_trip(500, tmp_path)


@pytest.mark.slow
def test_a_full_export_of_100000_annotations_imports_again_with_the_default_limits(tmp_path: Path) -> None:
    _full_export_round_trip(DEFAULT_LIMITS.annotations, tmp_path)
