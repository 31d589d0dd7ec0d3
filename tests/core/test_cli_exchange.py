"""``sorot export`` and ``sorot import`` run as a user runs them: pipes, files, edited articles, bad input.

The story: a reader annotated a flood report (a highlight, a note with commas, quotes and a line
break, two entity corrections). They export it in every format, edit the article and export it
again, carry the annotations to a fresh database and back, and make the mistakes users make.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import socket
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from tests.core.conftest import Run
from tui import cli
from tui.core.annotations import Annotation, DocumentRef, make_annotation
from tui.core.formats import FORMATS
from tui.core.session import DocumentSession
from tui.core.store import Store

FLOOD = (
    "Banjir melanda Semarang\n\n"
    "Hujan deras sejak Minggu malam membuat Kali Garang meluap. Wali Kota Hevearita Gunaryanti Rahayu "
    "meminta warga di bantaran sungai mengungsi ke balai kelurahan.\n\n"
    "Sejumlah jalan utama ditutup sejak pagi karena genangan setinggi lutut orang dewasa, kata polisi.\n\n"
    "Menurut data sementara dari pemerintah kota, Badan Penanggulangan Bencana Daerah mencatat 1.200 rumah "
    "terendam di empat kecamatan.\n"
)
# The paragraph a later edit deletes; the other passages are far enough from it to keep their context.
ROADS = "Sejumlah jalan utama ditutup sejak pagi karena genangan setinggi lutut orang dewasa, kata polisi.\n\n"
NOTE = 'Angka "resmi"? Cek lagi, bandingkan\ndengan data kecamatan'
TEXT_FORMATS = [name for name, spec in FORMATS.items() if spec.output == "text"]


def annotate(text: str, doc: DocumentRef, passage: str, kind: str = "highlight", **kwargs) -> Annotation:
    start = text.index(passage)
    return make_annotation(text, start, start + len(passage), kind, document=doc, **kwargs)


@pytest.fixture
def flood(tmp_path: Path) -> dict:
    """The article on disk and a database holding the reader's annotations of it."""
    article = tmp_path / "banjir.txt"
    article.write_text(FLOOD, encoding="utf-8")
    doc = DocumentRef.for_text(FLOOD, str(article.resolve()), "Banjir melanda Semarang")
    annotations = [
        annotate(FLOOD, doc, "Kali Garang meluap", tags=["sungai", "banjir"], colour="kuning"),
        annotate(FLOOD, doc, "1.200 rumah terendam", "note", note=NOTE, tags=["angka"]),
        annotate(FLOOD, doc, "Hevearita Gunaryanti Rahayu", "entity-add", label="PERSON"),
        annotate(FLOOD, doc, "Badan Penanggulangan Bencana Daerah", "entity-relabel", label="ORG"),
        annotate(FLOOD, doc, "genangan setinggi lutut", tags=["jalan"]),
    ]
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.document_opened(doc)  # the reader opened the file with this database
        store.save_many(annotations)
    return {"article": article, "db": db, "annotations": annotations, "tmp": tmp_path}


def stored(db: Path) -> list[dict]:
    with Store.open(db, read_only=True) as store:
        return sorted((a.to_dict() for a in store.all_annotations()), key=lambda a: a["id"])


def w3c_items(text: str) -> list[dict]:
    return json.loads(text)["first"]["items"]


# -- export ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_text_formats_go_to_stdout_and_the_same_data_to_the_o_file(
    fmt: str, flood: dict, sorot: Run, english_model: Path
) -> None:
    # --model: the training formats correct a pipeline's entities; a tiny one keeps this fast.
    args = ["export", "--format", fmt, "--db", flood["db"], "--model", english_model]
    piped = sorot(*args)
    assert piped.returncode == 0, piped.stderr
    assert f"exported 5 annotations from 1 document as {fmt} to standard output" in piped.stderr
    assert "Traceback" not in piped.stderr

    out = flood["tmp"] / f"out.{fmt}"
    written = sorot(*args, "-o", out)
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""  # data only where it was asked for
    assert f"as {fmt} to {out}" in written.stderr
    on_disk = out.read_text(encoding="utf-8")
    assert on_disk.removeprefix("\ufeff") == piped.stdout  # csv files carry a BOM for spreadsheets

    data = piped.stdout
    if fmt == "w3c":
        assert sorted(item["target"]["selector"][0]["exact"] for item in w3c_items(data)) == sorted(
            a.quote.exact for a in flood["annotations"]
        )
    elif fmt == "jsonl":
        assert sorted(json.loads(line)["id"] for line in data.splitlines()) == sorted(
            a.id for a in flood["annotations"]
        )
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data, newline="")))
        assert len(rows) == 5 and NOTE in [row["note"] for row in rows]
    elif fmt == "md":
        assert "Banjir melanda Semarang" in data and "Kali Garang meluap" in data
    else:  # prodigy: one binary task per entity the reader corrected
        found = [json.loads(line) for line in data.splitlines()]
        assert {task["text"] for task in found} == {FLOOD} and {task["answer"] for task in found} == {"accept"}
        spans = {(FLOOD[s["start"] : s["end"]], s["label"]) for task in found for s in task["spans"]}
        assert spans == {("Hevearita Gunaryanti Rahayu", "PERSON"), ("Badan Penanggulangan Bencana Daerah", "ORG")}


def test_spacy_and_brat_write_a_file_and_a_directory(flood: dict, sorot: Run, english_model: Path) -> None:
    corrections = flood["tmp"] / "corrections.spacy"
    result = sorot(
        "export", "-f", "spacy", "--db", flood["db"], "-o", corrections, "--model", english_model, "--labels", "PERSON"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    (doc,) = DocBin().from_disk(corrections).get_docs(spacy.blank("id").vocab)
    assert doc.text == FLOOD
    assert [(e.text, e.label_) for e in doc.ents] == [("Hevearita Gunaryanti Rahayu", "PERSON")]  # --labels kept

    brat = flood["tmp"] / "brat"
    result = sorot("export", "-f", "brat", "--db", flood["db"], "-o", brat, "--model", english_model)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in brat.iterdir()) == ["annotation.conf", "banjir.ann", "banjir.txt", "visual.conf"]
    assert (brat / "banjir.txt").read_text(encoding="utf-8") == FLOOD
    for line in (brat / "banjir.ann").read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            _, kind_offsets, covered = line.split("\t")
            kind, *offsets = kind_offsets.replace(";", " ").split()
            spans = list(zip(offsets[::2], offsets[1::2]))
            assert " ".join(FLOOD[int(s) : int(e)] for s, e in spans) == covered


@pytest.mark.parametrize("fmt", ["spacy", "brat"])
def test_binary_and_directory_formats_without_o_are_a_clear_error(fmt: str, flood: dict, sorot: Run) -> None:
    result = sorot("export", "-f", fmt, "--db", flood["db"])
    assert result.returncode != 0
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("sorot: ") and "-o" in line and fmt in line


def test_labels_on_a_format_without_entities_is_a_warning(flood: dict, sorot: Run) -> None:
    result = sorot("export", "-f", "jsonl", "--db", flood["db"], "--labels", "PERSON,ORG")
    assert result.returncode == 0
    assert "--labels applies to spacy, prodigy and brat only" in result.stderr
    assert len(result.stdout.splitlines()) == 5


def test_o_writes_into_a_fifo_or_a_device_and_through_a_link_never_replacing_them(flood: dict, sorot: Run) -> None:
    """``-o`` naming a FIFO, ``/dev/null`` or a link was replaced by a regular file (as root,
    ``-o /dev/null`` replaced the system's)."""
    tmp = flood["tmp"]
    args = ["export", "-f", "jsonl", "--db", flood["db"]]
    expected = sorot(*args).stdout
    fifo = tmp / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    done = sorot(*args, "-o", fifo)
    assert done.returncode == 0, done.stderr
    assert reader.communicate(timeout=30)[0] == expected
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)

    try:  # a /dev/null of the test's own: a failure must not replace the system's
        os.mknod(tmp / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        pass  # no device nodes here (not root): the FIFO above stands for them
    else:
        assert sorot(*args, "-o", tmp / "null").returncode == 0
        assert (tmp / "null").is_char_device()

    target, link = tmp / "notes.jsonl", tmp / "latest.jsonl"
    target.write_text("old", encoding="utf-8")
    link.symlink_to(target.name)
    assert sorot(*args, "-o", link).returncode == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == expected

    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp / "sock"))
        refused = sorot(*args, "-o", tmp / "sock")
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith("not a regular file (a socket)") and refused.stderr.count("\n") == 1


def test_an_export_never_writes_over_its_database_or_its_articles(flood: dict, sorot: Run) -> None:
    db, article, tmp = flood["db"], flood["article"], flood["tmp"]
    (tmp / "link.json").symlink_to(db.name)
    lock = Path(f"{db}.lock")
    lock.touch()  # as a reader or an import holding the database leaves it
    kept = {path: path.read_bytes() for path in (db, article, lock)}
    for args, what in (
        (["-o", db], "the database being exported"),
        (["-o", lock], "the lock file of the database being exported"),
        (["--db", tmp / "link.json", "-o", lock], "the lock file of the database being exported"),
        (["--db", tmp / "link.json", "-o", tmp / "link.json"], "the database being exported"),
        (["-o", tmp / "link.json"], "the database being exported"),
        (["--doc", article, "-o", article], "the article being exported"),
        (["-o", article], "an article being exported"),
    ):
        done = sorot("export", "-f", "csv", "--db", db, *args)
        assert done.returncode == 1 and done.stderr.count("\n") == 1, (args, done.stderr)
        assert f"is {what}: give another file" in done.stderr, done.stderr
    assert {path: path.read_bytes() for path in (db, article, lock)} == kept


def test_jsonld_names_the_w3c_format_as_its_files_are_named(flood: dict, sorot: Run) -> None:
    w3c, jsonld = (sorot("export", "-f", name, "--db", flood["db"]) for name in ("w3c", "jsonld"))
    assert jsonld.returncode == 0 and jsonld.stdout == w3c.stdout and "as w3c" in jsonld.stderr


@pytest.mark.parametrize("command", ["export", "import"])
def test_a_database_on_a_device_is_one_line(command: str, flood: dict, sorot: Run) -> None:
    """``--db /dev/zero`` was read until memory ran out."""
    args = ["export", "-f", "jsonl"] if command == "export" else ["import", flood["tmp"] / "in.jsonl"]
    if command == "import":
        (flood["tmp"] / "in.jsonl").write_text(sorot("export", "-f", "jsonl", "--db", flood["db"]).stdout)
    zero = flood["tmp"] / "zero"
    try:  # a /dev/zero of the test's own: a failure must not replace the system's
        os.mknod(zero, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
    except OSError:
        pytest.skip("cannot make a device node here")
    done = sorot(*args, "--db", zero)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert f"{zero} is not a regular file (a character device)" in done.stderr
    assert zero.is_char_device()


def test_doc_export_follows_a_passage_when_text_is_inserted_above_it(flood: dict, sorot: Run) -> None:
    edited = "PEMBARUAN: air mulai surut pada Selasa siang.\n\n" + FLOOD
    flood["article"].write_text(edited, encoding="utf-8")

    result = sorot("export", "-f", "w3c", "--db", flood["db"], "--doc", flood["article"])

    assert result.returncode == 0, result.stderr
    assert "(5 re-anchored)" in result.stderr and "orphan" not in result.stderr
    items = w3c_items(result.stdout)
    assert len(items) == 5
    for item in items:
        quote, position = item["target"]["selector"]
        assert edited[position["start"] : position["end"]] == quote["exact"]
        assert item["sorot:status"] == "moved"
    assert stored(flood["db"]) == sorted((a.to_dict() for a in flood["annotations"]), key=lambda a: a["id"])


def test_doc_export_reports_a_deleted_passage_on_stderr_and_marks_it_orphaned(flood: dict, sorot: Run) -> None:
    flood["article"].write_text(FLOOD.replace(ROADS, ""), encoding="utf-8")

    result = sorot("export", "-f", "jsonl", "--db", flood["db"], "--doc", flood["article"])

    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "orphaned" in line and "warning" in line]
    assert len(warnings) == 1 and "“genangan setinggi lutut”" in warnings[0] and "banjir.txt" in warnings[0]
    assert "(2 re-anchored, 1 orphaned)" in result.stderr  # the passages after the deleted one moved up
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["quote"]["exact"] for r in records if r["status"] == "orphaned"] == ["genangan setinggi lutut"]
    assert records[-1]["status"] == "orphaned"  # orphans come last

    md = sorot("export", "-f", "md", "--db", flood["db"], "--doc", flood["article"])
    assert "(orphaned)" in md.stdout


def test_doc_export_of_a_file_that_is_not_there(flood: dict, sorot: Run) -> None:
    result = sorot("export", "-f", "w3c", "--db", flood["db"], "--doc", flood["tmp"] / "hilang.txt")
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "hilang.txt" in line


@pytest.mark.parametrize("how", ["--db", "SOROT_DB"])
def test_export_from_a_database_that_does_not_exist(how: str, tmp_path: Path, sorot: Run) -> None:
    missing = tmp_path / "default.json"  # what the sorot fixture sets SOROT_DB to
    result = sorot("export", "-f", "w3c", *(["--db", missing] if how == "--db" else []))
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line == f"sorot: no annotation database at {missing} " + (
        "(check --db)" if how == "--db" else "(annotate in the reader first, or give --db PATH)"
    )
    assert not missing.exists()


def test_a_closed_pipe_ends_the_export_quietly(tmp_path: Path, sorot: Run) -> None:
    text = "Paragraf berita yang cukup panjang untuk ditandai berkali-kali. " * 40
    doc = DocumentRef.for_text(text, str(tmp_path / "panjang.txt"), "Panjang")
    db = tmp_path / "big.json"
    with Store.open(db) as store:
        store.save_many(
            make_annotation(text, i, i + 40, "note", document=doc, note="catatan " * 60) for i in range(800)
        )
    command = (
        f"{shlex.quote(sys.executable)} -m tui export -f w3c --db {shlex.quote(str(db))} | head -c 10; "
        'echo "${PIPESTATUS[0]}" >&2'
    )
    env = {**os.environ, "SOROT_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(["bash", "-c", command], capture_output=True, env=env, timeout=120)
    assert result.stdout == b'{\n  "@cont'
    assert result.stderr.decode().split() == ["141"]  # no traceback, no message: just the pipe's status


def test_doc_export_finds_the_annotations_from_the_original_and_from_an_edited_copy(flood: dict, sorot: Run) -> None:
    """The reader opened the article, then a copy of it, then the copy after it was edited."""
    copy = flood["tmp"] / "salinan" / "banjir.txt"
    copy.parent.mkdir()
    shutil.copy(flood["article"], copy)
    edited = "PEMBARUAN: air mulai surut pada Selasa siang.\n\n" + FLOOD
    with Store.open(flood["db"]) as store:
        DocumentSession.open(store, FLOOD, DocumentRef.for_text(FLOOD, str(copy), "Banjir"))
        copy.write_text(edited, encoding="utf-8")
        DocumentSession.open(store, edited, DocumentRef.for_text(edited, str(copy), "Banjir"))

    for path, status in ((flood["article"], "ok"), (copy, "moved")):
        result = sorot("export", "-f", "jsonl", "--db", flood["db"], "--doc", path)
        assert result.returncode == 0, result.stderr
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(records) == 5 and {r["status"] for r in records} == {status}, path
        text = path.read_text(encoding="utf-8")
        assert all(text[r["position"]["start"] : r["position"]["end"]] == r["quote"]["exact"] for r in records)


# -- export reads only the files the reader opened -------------------------------------------------

SECRET = (
    "Catatan rapat redaksi minggu ini tentang jadwal liputan banjir di Semarang dan sekitarnya.\n"
    "Kata sandi server: hunter2-rahasia. Jangan dibagikan ke siapa pun.\n"
)


def test_a_path_named_by_an_import_is_never_read_by_export(tmp_path: Path, sorot: Run, english_model: Path) -> None:
    """An annotation file says its document is the user's secrets (and another a FIFO): export
    must not copy the secret into its output, nor hang on the FIFO."""
    secret = tmp_path / "creds.txt"
    secret.write_text(SECRET, encoding="utf-8")
    fifo = tmp_path / "pipa.txt"
    os.mkfifo(fifo)
    lines = []
    for path in (secret, fifo):
        doc = DocumentRef.for_text(SECRET, str(path), "Catatan")
        ann = annotate(SECRET, doc, "Catatan rapat", "entity-add", label="PERSON")
        lines.append(json.dumps({**ann.to_dict(), "id": ann.id + path.stem}))
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "db.json"
    assert sorot("import", hostile, "--db", db).returncode == 0

    outputs = {"w3c": None, "jsonl": None, "md": None, "prodigy": None, "spacy": "out.spacy", "brat": "brat"}
    for fmt, name in outputs.items():
        out = ["-o", tmp_path / name] if name else []
        result = sorot("export", "-f", fmt, "--db", db, "--model", english_model, *out, timeout=30)
        assert result.returncode == 0, result.stderr
        written = b"".join(p.read_bytes() for p in (tmp_path / name).rglob("*") if p.is_file()) if name else b""
        assert b"hunter2" not in written + result.stdout.encode() + result.stderr.encode(), fmt
    # What the import said is exported as stored: the annotations are there, the file's text is not.
    assert len(sorot("export", "-f", "jsonl", "--db", db).stdout.splitlines()) == 2
    assert not [p for p in (tmp_path / "brat").iterdir() if p.suffix == ".txt"]


def test_export_reads_a_file_only_where_the_reader_opened_it(flood: dict, sorot: Run, tmp_path: Path) -> None:
    """The same annotations, with the path in their records changed by hand: export anchors them in
    the file the reader opened, never in the file the record names."""
    other = tmp_path / "lain.txt"
    other.write_text("Teks lain yang tidak pernah dibuka di pembaca.\n", encoding="utf-8")
    with Store.open(flood["db"]) as store:
        store.save_many(replace(a, document=replace(a.document, path=str(other))) for a in flood["annotations"])
    result = sorot("export", "-f", "w3c", "--db", flood["db"])
    assert result.returncode == 0, result.stderr
    assert "orphan" not in result.stderr
    sources = {item["target"]["source"] for item in w3c_items(result.stdout)}
    assert "tidak pernah dibuka" not in result.stdout and len(sources) == 1


# -- import ------------------------------------------------------------------------------------------


def test_w3c_then_jsonl_into_an_empty_database_gives_back_every_annotation(flood: dict, sorot: Run) -> None:
    w3c, jsonl = flood["tmp"] / "notes.jsonld", flood["tmp"] / "notes.jsonl"
    assert sorot("export", "-f", "w3c", "--db", flood["db"], "-o", w3c).returncode == 0
    assert sorot("export", "-f", "jsonl", "--db", flood["db"], "-o", jsonl).returncode == 0
    fresh = flood["tmp"] / "laptop" / "sorot.json"

    first = sorot("import", w3c, "--db", fresh)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    assert f"imported 5 annotations on 1 document from {w3c}: 5 new, 0 updated, 0 already there" in first.stderr
    assert stored(fresh) == stored(flood["db"])

    second = sorot("import", jsonl, "--db", fresh)
    assert second.returncode == 0, second.stderr
    assert "0 new, 0 updated, 5 already there" in second.stderr
    assert stored(fresh) == stored(flood["db"])


def test_importing_the_same_file_twice_adds_nothing(flood: dict, sorot: Run) -> None:
    export = sorot("export", "-f", "w3c", "--db", flood["db"])
    fresh = flood["tmp"] / "fresh.json"
    for _ in range(2):
        result = sorot("import", "-", "--db", fresh, stdin=export.stdout)  # - reads standard input
        assert result.returncode == 0, result.stderr
    assert "from standard input: 0 new, 0 updated, 5 already there" in result.stderr
    assert len(stored(fresh)) == 5


def test_importing_an_older_export_does_not_bring_back_what_was_deleted_since(flood: dict, sorot: Run) -> None:
    backup = flood["tmp"] / "cadangan.jsonl"
    assert sorot("export", "-f", "jsonl", "--db", flood["db"], "-o", backup).returncode == 0
    gone, edited = flood["annotations"][1], flood["annotations"][0]
    with Store.open(flood["db"]) as store:
        store.delete(gone.id)
        store.edit(edited.id, tags=["diperbarui"])
    result = sorot("import", backup, "--db", flood["db"])
    assert result.returncode == 0, result.stderr
    assert (
        "0 new, 0 updated, 3 already there, 1 older than the version here (kept), 1 deleted here since (left deleted)"
        in result.stderr
    )
    assert gone.id not in {a["id"] for a in stored(flood["db"])} and len(stored(flood["db"])) == 4
    assert next(a for a in stored(flood["db"]) if a["id"] == edited.id)["tags"] == ["diperbarui"]


def test_imported_times_are_read_as_times_not_as_text(flood: dict, sorot: Run) -> None:
    """``updated`` was compared as text: "…:23Z" beat "…:23.394Z", and "zzz" beat every time."""
    db, tmp = flood["db"], flood["tmp"]
    stored_first = json.loads(sorot("export", "-f", "jsonl", "--db", db).stdout.splitlines()[0])
    stamp = "2026-12-07T03:46:23.394Z"
    with Store.open(db) as store:
        store.update(Annotation.from_dict(stored_first | {"updated": stamp}))

    def imported(**fields) -> tuple[int, str]:
        source = tmp / "satu.jsonl"
        source.write_text(json.dumps(stored_first | fields) + "\n", encoding="utf-8")
        done = sorot("import", source, "--db", db)
        return done.returncode, done.stderr

    code, err = imported(updated="zzz", note="sampah")
    assert code == 1 and "item 1: updated 'zzz' is not a date and time (ISO 8601)" in err
    code, err = imported(updated="2026-12-07T03:46:23Z", note="lebih lama")  # 0.394 s older
    assert code == 0 and "1 older than the version here (kept)" in err
    code, err = imported(updated="2026-12-07T12:46:23.394+09:00", note="sama")  # the same instant, in Tokyo
    assert code == 0 and "1 updated" in err  # not older: a different version of that time replaces it
    saved = next(a for a in stored(db) if a["id"] == stored_first["id"])
    assert (saved["note"], saved["updated"]) == ("sama", stamp)


def test_an_id_given_twice_in_one_import_is_said(flood: dict, sorot: Run) -> None:
    lines = sorot("export", "-f", "jsonl", "--db", flood["db"]).stdout.splitlines()
    twice = json.loads(lines[0]) | {"tags": ["salinan"]}  # the same id and time, another content
    source = flood["tmp"] / "ganda.jsonl"
    source.write_text("\n".join([*lines, json.dumps(twice)]) + "\n", encoding="utf-8")
    result = sorot("import", source, "--db", flood["tmp"] / "baru.json")
    assert result.returncode == 0, result.stderr
    assert (
        "1 annotation given again under an id used before in the file: only the most recently updated "
        "version of each is imported" in result.stderr
    )
    assert "imported 5 annotations on 1 document" in result.stderr


def test_import_into_the_default_database(flood: dict, sorot: Run, tmp_path: Path) -> None:
    jsonl = flood["tmp"] / "notes.jsonl"
    assert sorot("export", "-f", "jsonl", "--db", flood["db"], "-o", jsonl).returncode == 0
    assert sorot("import", jsonl).returncode == 0
    assert stored(tmp_path / "default.json") == stored(flood["db"])  # SOROT_DB names it


def test_an_invalid_jsonl_file_names_its_lines_and_imports_nothing(flood: dict, sorot: Run) -> None:
    lines = sorot("export", "-f", "jsonl", "--db", flood["db"]).stdout.splitlines()
    lines[1] = lines[1][:-5]  # cut short
    lines[2] = json.dumps({**json.loads(lines[2]), "position": {"start": 9, "end": 3}})
    bad = flood["tmp"] / "rusak.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = flood["tmp"] / "target.json"
    with Store.open(target) as store:
        store.add(make_annotation(FLOOD, 0, 6, note="sudah ada"))
    before = target.read_bytes()

    result = sorot("import", bad, "--db", target)

    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"sorot: {bad}: ") and "line 2: not valid JSON" in line and "line 3:" in line
    assert "line 1" not in line and "line 4" not in line
    assert target.read_bytes() == before


def test_an_invalid_w3c_item_is_named_and_nothing_is_imported(flood: dict, sorot: Run) -> None:
    collection = json.loads(sorot("export", "-f", "w3c", "--db", flood["db"]).stdout)
    del collection["first"]["items"][2]["target"]
    fresh = flood["tmp"] / "fresh.json"

    result = sorot("import", "-", "--db", fresh, stdin=json.dumps(collection))

    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("sorot: standard input: item 3: ")
    assert not fresh.exists() or stored(fresh) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the input is empty"),
        ('{"@context": "x", "items": [1, 2', "line 1, column"),
        ("[1]", "item 1: expected an annotation object"),
    ],
)
def test_import_of_what_is_not_an_export(content: str, expected: str, tmp_path: Path, sorot: Run) -> None:
    source = tmp_path / "bukan.json"
    source.write_text(content, encoding="utf-8")
    result = sorot("import", source, "--db", tmp_path / "db.json")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert expected in line and "Traceback" not in line


def test_import_of_a_file_that_is_not_there(tmp_path: Path, sorot: Run) -> None:
    result = sorot("import", tmp_path / "hilang.jsonl", "--db", tmp_path / "db.json")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "hilang.jsonl" in line and "no such file" in line


def test_usage_errors_exit_2(sorot: Run) -> None:
    assert sorot("export").returncode == 2  # --format is required
    assert sorot("export", "-f", "pdf").returncode == 2
    assert sorot("import").returncode == 2


# -- the reader's --db ------------------------------------------------------------------------------------


class _FakeApp:
    return_code = 0
    failure = None

    def run(self) -> None:
        pass


def test_the_reader_gets_the_db_option_and_an_engine_not_started_yet(monkeypatch, tmp_path: Path) -> None:
    import tui.ui.app
    from tui.core.analysis import engine as engine_module

    calls: list[dict] = []
    started: list[bool] = []

    def make_app(path=None, *, db=None, engine=None, article=None, **_):
        calls.append({"path": str(path), "db": db, "engine": engine is not None, "article": article.title})
        return _FakeApp()

    monkeypatch.setattr(tui.ui.app, "make_app", make_app)
    monkeypatch.setattr(cli, "_draws_on_a_terminal", lambda: True)  # CI runs without a terminal
    monkeypatch.setattr(engine_module.NlpEngine, "start", lambda self: started.append(True))
    closed: list[bool] = []
    monkeypatch.setattr(engine_module.NlpEngine, "close", lambda self: closed.append(True))
    monkeypatch.setenv("SOROT_DB", str(tmp_path / "other.json"))
    article = tmp_path / "article.txt"
    article.write_text("Judul\n\nIsi berita.", encoding="utf-8")
    db = str(tmp_path / "notes.json")
    assert cli.main([str(article), "--db", db]) == 0
    assert calls == [{"path": str(article), "db": db, "engine": True, "article": "Judul"}]
    # The pipeline starts once the text is on screen (the reader starts it then), never before:
    # two Pythons starting beside the interface slowed its first paint.
    assert started == []
    assert closed == [True]  # whatever happens to the app, the child does not outlive the reader


def test_labels_are_read_in_any_case_and_one_no_entity_has_is_a_warning(flood: dict, sorot: Run) -> None:
    run = sorot("export", "-f", "prodigy", "--db", flood["db"], "--labels", "person,FOO")
    assert run.returncode == 0, run.stderr
    assert "warning: --labels FOO: the built-in pipeline gives no such label (PERSON, ORG" in run.stderr
    assert "--labels PERSON" not in run.stderr  # "person" is PERSON
    spans = {s["label"] for line in run.stdout.splitlines() for s in json.loads(line)["spans"]}
    assert spans == {"PERSON"}
