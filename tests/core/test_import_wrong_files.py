"""`sorot import` given a file that is not a w3c or jsonl export says what the file is and what
imports, instead of where its JSON broke: Sorot's other exports, a database, a plain text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.conftest import Run
from tui.core.annotations import DocumentRef, make_annotation
from tui.core.entities import Entity
from tui.core.exchange import ExchangeError, run_export, run_import
from tui.core.store import Store

TEXT = "Banjir melanda Semarang\n\nWali Kota Hevearita Gunaryanti Rahayu meminta warga mengungsi.\n"
ONLY = "Sorot imports w3c (JSON-LD) and jsonl exports only"


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """A database with a highlight and an entity correction of an article, and its exports in every format."""
    article = tmp_path / "banjir.txt"
    article.write_text(TEXT, encoding="utf-8")
    doc = DocumentRef.for_text(TEXT, str(article.resolve()), "Banjir melanda Semarang")
    start = TEXT.index("Hevearita")
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.document_opened(doc)
        store.save_many(
            [
                make_annotation(TEXT, 0, 6, "highlight", document=doc),
                make_annotation(TEXT, start, start + 27, "entity-add", document=doc, label="PERSON"),
            ]
        )
    semarang = TEXT.index("Semarang")

    def find(text: str) -> list[Entity]:
        return [Entity(semarang, semarang + 8, "LOC", "Semarang")]

    with Store.open(db, read_only=True) as store:
        for fmt, name in [
            ("csv", "banjir.csv"),
            ("md", "banjir.md"),
            ("prodigy", "tugas.jsonl"),
            ("spacy", "latih.spacy"),
            ("brat", "brat"),
            ("jsonl", "catatan.jsonl"),
        ]:
            run_export(store, fmt, out=tmp_path / name, find=find)
    return tmp_path


def import_error(source: Path | str, tmp_path: Path) -> str:
    with pytest.raises(ExchangeError) as raised:
        run_import(source, tmp_path / "baru.json")
    message = str(raised.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("banjir.csv", "a CSV export"),
        ("banjir.md", "a Markdown report"),
        ("tugas.jsonl", "a Prodigy task file"),
        ("latih.spacy", "a spaCy DocBin (training data)"),
        ("brat/banjir.ann", "a brat annotation file (.ann)"),
        ("brat/annotation.conf", "a brat configuration file"),
        ("brat", "a brat export (a directory)"),
    ],
)
def test_another_export_is_named_with_the_formats_that_import(name: str, what: str, exported: Path) -> None:
    path = exported / name
    assert import_error(path, exported) == f"{path} is {what}: {ONLY}"
    assert not (exported / "baru.json").exists()


def test_a_csv_export_with_another_separator_is_named_too(exported: Path) -> None:
    with Store.open(exported / "sorot.json", read_only=True) as store:
        run_export(store, "csv", out=exported / "titik-koma.csv", find=lambda text: [], options={"delimiter": ";"})
    assert import_error(exported / "titik-koma.csv", exported).endswith(f"is a CSV export: {ONLY}")


def test_the_jsonl_export_still_imports(exported: Path) -> None:
    report = run_import(exported / "catatan.jsonl", exported / "baru.json")
    assert report.added == 2


def test_a_database_and_its_dump_say_which_command_reads_them(exported: Path, sorot: Run) -> None:
    db = exported / "sorot.json"
    assert import_error(db, exported) == (
        f"{db} is an annotation database: export its annotations with `sorot export -f jsonl --db {db}`, "
        "then import that"
    )
    dump = exported / "cadangan.json"
    assert sorot("db", "dump", "--db", db, "-o", dump).returncode == 0
    result = sorot("import", dump, "--db", exported / "baru.json")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        f"sorot: {dump} is a database dump, not exported annotations: make a database of it with `sorot db restore`\n"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Banjir melanda Semarang\n", "line 1, column 1: not valid JSON (Expecting value); " + ONLY),
        (b"\xff\xfe\x00", "not UTF-8 text (byte 0); " + ONLY),
    ],
)
def test_a_file_that_is_not_json_at_all_says_what_imports(content: str | bytes, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "berita.txt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert import_error(path, tmp_path) == f"{path}: {expected}"


def test_a_broken_export_names_its_lines_and_nothing_else(exported: Path) -> None:
    lines = (exported / "catatan.jsonl").read_text(encoding="utf-8").splitlines()
    broken = exported / "rusak.jsonl"
    broken.write_text(lines[0] + "\n" + lines[1][:-3] + "\n", encoding="utf-8")
    message = import_error(broken, exported)
    assert message.startswith(f"{broken}: line 2: not valid JSON") and ONLY not in message


def test_standard_input_is_named_as_such(exported: Path, sorot: Run) -> None:
    csv_text = (exported / "banjir.csv").read_text(encoding="utf-8")
    result = sorot("import", "-", "--db", exported / "baru.json", stdin=csv_text)
    assert result.returncode == 1
    assert result.stderr == f"sorot: standard input is a CSV export: {ONLY}\n"
