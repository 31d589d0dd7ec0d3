"""``sorot library export``: the entity index as CSV or JSONL rows, one-line errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.core.test_library_index import FIRST, SECOND, THIRD, entities_of, write
from tui.cli import main
from tui.core.library import Library, library_path, refresh


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    """A directory of three articles, indexed beside the database ``db`` (with the test's names)."""
    folder = tmp_path / "berita"
    folder.mkdir()
    for name, text in (("a.txt", FIRST), ("b.txt", SECOND), ("c.txt", THIRD)):
        write(folder, name, text)
    db = tmp_path / "sorot.json"
    with Library(library_path(db)) as library:
        refresh(library, folder, sorted(folder.iterdir()), entities_of)
    return folder, db


def test_export_writes_the_index_as_csv_to_a_file(indexed: tuple[Path, Path], capsys) -> None:
    _folder, db = indexed
    out = db.parent / "mentions.csv"
    assert main(["library", "export", "--format", "csv", "-o", str(out), "--db", str(db)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    prabowo = [(Path(r["article"]).name, r["date"]) for r in rows if r["entity"] == "Prabowo Subianto"]
    assert prabowo == [*[("a.txt", "2025-12-01")] * 3, ("b.txt", "2025-12-03")]
    assert capsys.readouterr().err.strip() == f"sorot: {len(rows)} rows written"


def test_export_writes_jsonl_to_standard_output(indexed: tuple[Path, Path], capsys) -> None:
    _folder, db = indexed
    assert main(["library", "export", "--format", "jsonl", "--db", str(db)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"entity", "label", "article", "sentence", "date"} <= set(records[0])
    assert any(r["entity"] == "Tiongkok" and r["sentence"].endswith("impor dari China.") for r in records)


def test_export_of_a_directory_indexes_it_first_with_the_pipeline(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "berita"
    folder.mkdir()
    write(folder, "a.txt", FIRST)
    write(folder, "b.txt", SECOND)
    db = tmp_path / "sorot.json"
    assert main(["library", "export", "--format", "jsonl", "--db", str(db), str(folder)]) == 0
    captured = capsys.readouterr()
    assert "indexed 2 articles" in captured.err
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert {Path(r["article"]).name for r in records if r["entity"] == "Prabowo Subianto"} == {"a.txt", "b.txt"}
    # Again: nothing new to index.
    assert main(["library", "export", "--db", str(db), str(folder)]) == 0
    assert "indexed" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--db", "{tmp}/nowhere/sorot.json"], "no library index at {tmp}/nowhere/sorot.library.sqlite3 (check --db)"),
        (["{tmp}/missing"], "{tmp}/missing: not a directory of articles"),
        (["--db", "{tmp}/sorot.json", "-o", "{tmp}/no/such/dir/out.csv", "{tmp}"], None),
    ],
)
def test_bad_input_is_one_line_and_a_failure(tmp_path: Path, capsys, argv: list[str], message: str | None) -> None:
    write(tmp_path, "a.txt", THIRD)
    args = [a.format(tmp=tmp_path) for a in argv]
    assert main(["library", "export", *args]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    if message is not None:
        assert err == f"sorot: {message.format(tmp=tmp_path)}\n"
    else:
        assert err.startswith(f"sorot: {tmp_path}/no/such/dir/out.csv: cannot write")


def test_an_unknown_format_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["library", "export", "--format", "xml"])
    assert stopped.value.code == 2
