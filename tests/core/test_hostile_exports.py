"""Exports read in a terminal (``sorot export -f csv | less``, ``cat notes.md``) carry no raw
control characters: a note imported from elsewhere cannot set the window title or the clipboard."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.conftest import Run
from tests.core.test_cli_exchange import FLOOD, TEXT_FORMATS, annotate
from tui.core.annotations import DocumentRef
from tui.core.store import Store

# OSC 52 (clipboard), OSC 0 (window title), CSI colour, a lone CR, C1 CSI, NUL, DEL, a bidi override.
HOSTILE = "set \x1b]52;c;aGVsbG8=\x07 title \x1b]0;pwned\x07 red \x1b[31mR\r cr \x9b1m c1 \x00\x7f \u202eabc"
SHOWN = "set ␛]52;c;aGVsbG8=␇ title ␛]0;pwned␇ red ␛[31mR␍ cr �1m c1 ␀␡ �abc"
# Raw controls a terminal acts on; tab and newline are text, and CSV's CR only ends a line (CRLF).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def sorot(tmp_path: Path) -> Run:
    """``python -m tui ARGS``; stdout and stderr exactly as a terminal would get them (no newline translation)."""
    env = {**os.environ, "SOROT_CACHE_DIR": str(tmp_path / "cache"), "SOROT_DB": str(tmp_path / "default.json")}

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "tui", *map(str, args)], capture_output=True, timeout=120, env=env)
        stdout, stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
        return subprocess.CompletedProcess(done.args, done.returncode, stdout, stderr)

    return run


def strings(data) -> list[str]:
    """Every string value in parsed JSON."""
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings(value)]
    return [data] if isinstance(data, str) else []


@pytest.fixture
def hostile(tmp_path: Path) -> dict:
    """A database whose note, tags, label and document title carry escape sequences."""
    article = tmp_path / "banjir.txt"
    article.write_text(FLOOD, encoding="utf-8")
    doc = DocumentRef.for_text(FLOOD, str(article.resolve()), "Banjir \x1b]0;judul\x07 \x9b")
    note = annotate(
        FLOOD, doc, "1.200 rumah terendam", "note", note=HOSTILE + "\nbaris dua\tdengan tab\r\nbaris tiga",
        tags=["tag\x1b[5m", "\x9bx"],
    )  # fmt: skip
    entity = annotate(FLOOD, doc, "Kali Garang", "entity-add", label="LOC\x1b]0;x\x07")
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.document_opened(doc)  # as the reader does: export reads the article only from such a path
        store.save_many([note, entity])
    return {"db": db, "note": note, "tmp": tmp_path}


def without_crlf(text: str) -> str:
    return text.replace("\r\n", "\n")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_no_text_export_writes_a_raw_control_character(fmt: str, hostile: dict, sorot: Run, english_model) -> None:
    out = hostile["tmp"] / "catatan-\x1b]0;nama\x07"
    for args in ([], ["-o", out]):
        run = sorot("export", "-f", fmt, "--db", hostile["db"], "--model", english_model, *args)
        assert run.returncode == 0, run.stderr
        data = run.stdout or out.read_bytes().decode("utf-8")
        shown = without_crlf(data) if fmt == "csv" else data
        assert not RAW_CONTROL.findall(shown), fmt
        assert not RAW_CONTROL.findall(run.stderr)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.removeprefix("\ufeff"), newline="")))
        note = next(row for row in rows if row["kind"] == "note")
        # The note's own line breaks and tab stay, CRLF included; every other control is its symbol.
        assert note["note"] == SHOWN + "\nbaris dua\tdengan tab\r\nbaris tiga"
        assert note["title"] == "Banjir ␛]0;judul␇ �"
        assert json.loads(note["tags"]) == ["tag\x1b[5m", "\x9bx"]  # a JSON array: escaped there, exact back
    elif fmt == "md":
        # A bare CR is a line end to CommonMark: the report breaks the line there (a hard break),
        # so no line of the note can start a heading or a list.
        md_shown = SHOWN.replace("[", "\\[").replace("]", "\\]").replace("R␍ cr", "R\\\ncr")
        assert md_shown in data and "*tag␛\\[5m*" in data
    elif fmt in ("w3c", "jsonl"):
        # JSON escapes them instead: lossless, the exact note comes back.
        parsed = json.loads(data) if fmt == "w3c" else [json.loads(line) for line in data.splitlines()]
        assert hostile["note"].note in strings(parsed)


def test_an_escaped_json_export_imports_back_exactly(hostile: dict, sorot: Run) -> None:
    for fmt in ("w3c", "jsonl"):
        exported = hostile["tmp"] / f"out.{fmt}"
        assert sorot("export", "-f", fmt, "--db", hostile["db"], "-o", exported).returncode == 0
        fresh = hostile["tmp"] / f"fresh-{fmt}.json"
        assert sorot("import", exported, "--db", fresh).returncode == 0
        with Store.open(fresh) as store:
            (note,) = [a for a in store.all_annotations() if a.kind == "note"]
        assert (note.note, note.tags) == (hostile["note"].note, hostile["note"].tags)


def test_extract_json_escapes_control_characters(tmp_path: Path, sorot: Run) -> None:
    path = tmp_path / "berita-\x9b31m-\x7f-\u202e.txt"
    path.write_text("Banjir di Jakarta kemarin.\n", encoding="utf-8")
    run = sorot("extract", path, "--json", "--model", "sorot-id-rules")
    assert run.returncode == 0, run.stderr
    assert not RAW_CONTROL.findall(run.stdout)
    assert "\\u009b31m-\\u007f-\\u202e.txt" in run.stdout
    assert json.loads(run.stdout)["document"]["path"] == str(path)


def test_json_writes_the_line_and_paragraph_separators_escaped() -> None:
    """U+2028/9 end a line in some terminals and in JavaScript: JSON carries them as escapes."""
    from tui.core.formats import json_text

    data = {"note": "baris\u2028paragraf\u2029akhir"}
    written = json_text(data)
    assert "\u2028" not in written and "\u2029" not in written and "\\u2028" in written
    assert json.loads(written) == data
