"""The CSV export read back by pandas, as a spreadsheet user's script reads it: every cell of a set of
hostile annotations (quotes, commas, semicolons, line breaks, CR, markup, formulas, non-BMP
characters, escape codes, tags holding the separator) comes back as it was, formulas shown as text
and control characters as their symbols; with a comma, a semicolon (``--delimiter ';'``, the
Indonesian spreadsheet's list separator) or a tab between cells."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas
import pytest

from tests.core.conftest import Run
from tui.core.annotations import Annotation, DocumentRef, make_annotation
from tui.core.document import inert_lines
from tui.core.exchange import ExchangeError, check_export, run_export
from tui.core.formats import ExportError, document_item, render
from tui.core.formats.tabular import CSV_COLUMNS
from tui.core.store import Store

# Passages of the article, each annotated: they become the quote and the prefix and suffix around it.
PASSAGES = [
    "=SUM(A1:A9)",
    "-5 persen",
    "+62 812 3456",
    "@Presiden",
    'kata "resmi", katanya; lalu',
    "Rp 2,1 triliun",
    "𝕏 dan 🇮🇩 juga 😀",
    "[bold]x[/] **tebal** <script>alert(1)</script>",
    "|calc",
    "%0A",
]
TEXT = "Judul berita\n\n" + "".join(f"Kalimat {i}: {p} selesai.\n" for i, p in enumerate(PASSAGES))
NOTES = [
    'Cek lagi: "biaya", angka, dan\nbaris kedua; koma, "kutip"',
    "=1+1",
    '=HYPERLINK("http://contoh.example/x","klik")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-5",
    "-",
    "@SUM(A1)",
    "\t=1+1",
    "\r\n=2+2",
    "baris satu\r\nbaris dua (CRLF)\nbaris tiga",
    "cr\rsaja di tengah",
    "escape \x1b]52;c;aGVsbG8=\x07 judul \x1b]0;pwned\x07 \x1b[31mmerah \x9b1m \x00\x7f \u202eabc",
    "tab\tdi tengah",
    "non-BMP 𝕏 🇮🇩 😀 𠀀",
    '""dua kutip"" dan \'satu\'',
    "NaN",
    "NA",
    "null",
    "#N/A",
    "007",
    "1e5",
    " spasi di depan",
    "",
]
TAGS = [
    ("Trump, Donald", "korupsi"),
    ("titik; koma", 'tanda "kutip"'),
    ("=1+1", "-5", "@x"),
    ("baris\nbaru", "tab\tdi", "esc\x1b[5m", "\x9bc1"),
    ('["bukan", "dua"]', "𝕏 😀"),
    (),
]
COLOURS = ["kuning", "=1+1", "hijau; biru", "merah\x1b[0m", ""]
TITLE = 'Banjir, "kutip"; =HYPERLINK("x") \x1b]0;judul\x07'
# What a spreadsheet runs as a formula (OWASP's list, and defusedcsv's | and %), unless it is a plain number.
FORMULA_START = ("=", "+", "-", "@", "|", "%", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9,.]+")


def hostile_annotations(doc: DocumentRef) -> list[Annotation]:
    """One annotation per note, over the passages in turn, with tags, colours and kinds varied."""
    anns = []
    for i, note in enumerate(NOTES):
        passage = PASSAGES[i % len(PASSAGES)]
        start = TEXT.index(passage)
        kind = ("note", "highlight", "entity-add")[i % 3]
        anns.append(
            make_annotation(
                TEXT,
                start,
                start + len(passage),
                kind,
                document=doc,
                note=note,
                tags=TAGS[i % len(TAGS)],
                colour=COLOURS[i % len(COLOURS)],
                label="LOC" if kind == "entity-add" else "",
            )
        )
    return anns


def shown(value: str) -> str:
    """A text cell as the CSV must show it: control characters as symbols (tab, LF and CRLF kept),
    and a cell a spreadsheet would run marked as text with a leading ``'`` (defusedcsv also escapes
    a ``|`` in a cell it marks, since DDE reads it)."""
    value = "\r\n".join(inert_lines(part) for part in value.split("\r\n"))
    if value[:1] in ("\t", "\r"):
        return "'" + value
    if value[:1] in FORMULA_START and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value.replace("|", "\\|")
    return value


def expected_rows(anns: list[Annotation], path: str) -> list[dict[str, str]]:
    rows = []
    for a in sorted(anns, key=lambda a: (a.start, a.end, a.created, a.id)):
        raw = {
            "document": path,
            "title": TITLE,
            "quote": a.quote.exact,
            "note": a.note,
            "label": a.label,
            "kind": a.kind,
            "created": a.created,
            "updated": a.updated,
            "status": "ok",
            "id": a.id,
            "colour": a.colour,
            "prefix": a.quote.prefix,
            "suffix": a.quote.suffix,
            "sha256": a.document.sha256,
        }
        row = {k: shown(v) for k, v in raw.items()}
        row |= {"start": str(a.start), "end": str(a.end)}
        rows.append(row)
    return rows


@pytest.fixture
def hostile_db(tmp_path: Path) -> dict:
    article = tmp_path / "berita.txt"
    article.write_text(TEXT, encoding="utf-8")
    doc = DocumentRef.for_text(TEXT, str(article.resolve()), TITLE)
    anns = hostile_annotations(doc)
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.document_opened(doc)  # as the reader does: the export anchors in the file again
        store.save_many(anns)
    return {"db": db, "anns": anns, "path": str(article.resolve()), "tmp": tmp_path}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_pandas_reads_every_hostile_cell_back(hostile_db: dict, delimiter: str) -> None:
    out = hostile_db["tmp"] / "anotasi.csv"
    with Store.open(hostile_db["db"], read_only=True) as store:
        report = run_export(store, "csv", out=out, options={"delimiter": delimiter})
    assert report.annotations == len(NOTES) and not report.orphans
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # As a user reads it: sep given (a comma is pandas' default), every cell kept as the text it is.
    read = {"sep": delimiter} if delimiter != "," else {}
    frame = pandas.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False, **read)
    assert tuple(frame.columns) == CSV_COLUMNS
    rows = frame.to_dict("records")
    want = expected_rows(hostile_db["anns"], hostile_db["path"])
    assert len(rows) == len(want)
    checked = 0
    for got, expected in zip(rows, want):
        # The tags are a JSON array: each tag whole, "Trump, Donald" one tag, control characters escaped.
        tags = json.loads(got.pop("tags"))
        assert tags == list(next(a for a in hostile_db["anns"] if a.id == got["id"]).tags)
        assert got == expected
        checked += len(expected) + 1
    assert checked == len(NOTES) * len(CSV_COLUMNS)
    trump = next(r for r in frame.to_dict("records") if "Trump" in r["tags"])
    assert json.loads(trump["tags"]) == ["Trump, Donald", "korupsi"]
    for row in frame.to_dict("records"):
        for column, cell in row.items():
            # No cell a spreadsheet would run: a formula start only as text (') or a plain number.
            assert cell[:1] not in FORMULA_START or PLAIN_NUMBER.fullmatch(cell), (column, cell)
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]", cell), (column, cell)


def test_a_number_stays_a_number_and_a_formula_is_text() -> None:
    doc = DocumentRef(DocumentRef.for_text(TEXT).sha256, "berita.txt", "Judul")
    anns = hostile_annotations(doc)
    text, _ = render("csv", [document_item(TEXT, doc, anns)])
    notes = {r["id"]: r["note"] for r in csv.DictReader(io.StringIO(text, newline=""))}
    by_note = {a.note: notes[a.id] for a in anns}
    assert by_note["-5"] == "-5"  # a number a spreadsheet reads as -5, which it is
    assert by_note["=1+1"] == "'=1+1" and by_note["+1"] == "'+1" and by_note["-"] == "'-"
    assert by_note["=cmd|' /C calc'!A0"] == "'=cmd\\|' /C calc'!A0"
    assert by_note["\t=1+1"] == "'\t=1+1" and by_note["\r\n=2+2"] == "'\r\n=2+2"
    assert by_note["cr\rsaja di tengah"] == "cr␍saja di tengah"


def test_semicolon_file_keeps_commas_in_cells_and_the_csv_module_reads_it() -> None:
    doc = DocumentRef(DocumentRef.for_text(TEXT).sha256, "berita.txt", "Judul")
    anns = hostile_annotations(doc)[:1]
    text, _ = render("csv", [document_item(TEXT, doc, anns)], options={"delimiter": ";"})
    header, row = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert header == list(CSV_COLUMNS) and text.startswith(";".join(CSV_COLUMNS) + "\r\n")
    cells = dict(zip(header, row))
    assert json.loads(cells["tags"]) == ["Trump, Donald", "korupsi"] and cells["note"] == NOTES[0]
    tab, _ = render("csv", [document_item(TEXT, doc, anns)], options={"delimiter": "tab"})
    assert tab.startswith("\t".join(CSV_COLUMNS) + "\r\n")


@pytest.mark.parametrize(
    ("fmt", "options", "message"),
    [
        ("csv", {"delimiter": ":"}, "delimiter ':': give , or ; or tab"),
        ("csv", {"delimiter": ";;"}, "delimiter ';;': give , or ; or tab"),
        ("md", {"delimiter": ";"}, "--delimiter applies to csv only, not to md"),
        ("csv", {"split": "sentences"}, "--split applies to prodigy only, not to csv"),
    ],
)
def test_an_option_the_format_does_not_take_is_refused_before_anything_is_written(
    fmt: str, options: dict, message: str, tmp_path: Path
) -> None:
    doc = DocumentRef(DocumentRef.for_text(TEXT).sha256, "berita.txt", "Judul")
    with pytest.raises(ExportError, match=re.escape(message)):
        render(fmt, [document_item(TEXT, doc, hostile_annotations(doc))], options=options)
    with pytest.raises(ExchangeError, match=re.escape(message)):
        check_export(fmt, tmp_path / "keluar", options)
    assert not (tmp_path / "keluar").exists()


def test_cli_delimiter(hostile_db: dict, sorot: Run) -> None:
    db = hostile_db["db"]
    done = sorot("export", "-f", "csv", "--db", db, "--delimiter", ";")
    assert done.returncode == 0, done.stderr
    frame = pandas.read_csv(io.StringIO(done.stdout), sep=";", dtype=str, keep_default_na=False)
    assert len(frame) == len(NOTES) and ["Trump, Donald", "korupsi"] in [json.loads(t) for t in frame["tags"]]
    tab = sorot("export", "-f", "csv", "--db", db, "--delimiter", "tab")
    assert tab.returncode == 0 and tab.stdout.startswith("document\ttitle\t")
    for args, message in (
        (["-f", "md", "--delimiter", ";"], "sorot: --delimiter applies to csv only, not to md\n"),
        (["-f", "csv", "--delimiter", "|"], "sorot: --delimiter '|': give , or ; or tab\n"),
    ):
        wrong = sorot("export", *args, "--db", db, "-o", hostile_db["tmp"] / "keluar")
        assert (wrong.returncode, wrong.stderr, wrong.stdout) == (2, message, "")
        assert not (hostile_db["tmp"] / "keluar").exists()
