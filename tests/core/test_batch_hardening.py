"""``sorot extract PATH... --jsonl`` against a hostile user: OUT among the inputs, two runs on one
OUT, an OUT that is not a record file, FIFOs, edited and repeated inputs, too many jobs, a full disk."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_batch_extract import news
from tui.cli import main
from tui.core import batch
from tui.core.batch import BatchError


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    first, second = news(2)
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(first, encoding="utf-8")
    b.write_text(second, encoding="utf-8")
    return a, b


def inputs(out: Path) -> list[str]:
    return [json.loads(line)["document"]["input"] for line in out.read_text(encoding="utf-8").splitlines()]


def test_an_output_named_among_the_inputs_is_refused_untouched(two, tmp_path: Path, capsys) -> None:
    a, b = two
    before = a.read_bytes()
    link = tmp_path / "same.txt"
    link.symlink_to(a)
    assert main(["extract", str(a), str(b), "-o", str(link), "--jobs", "1"]) == 2
    assert capsys.readouterr().err == f"sorot: OUT is also an input: {a}\n"
    assert a.read_bytes() == before


def test_a_walk_passes_the_output_by(two, tmp_path: Path, capsys) -> None:
    out = tmp_path / "records.txt"  # an article's suffix, in the walked directory
    assert main(["extract", str(tmp_path), "-o", str(out), "--jobs", "1"]) == 0
    assert main(["extract", str(tmp_path), "-o", str(out), "--jobs", "1", "--resume"]) == 0
    assert inputs(out) == [str(two[0]), str(two[1])]
    assert capsys.readouterr().err == f"sorot: 2 already in {out}; skipped\n"


def test_a_listed_output_met_in_a_list_is_skipped(two, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("", encoding="utf-8")
    found = list(batch.list_sources([str(two[0]), str(out)], batch.file_id(out)))
    assert found[0] == str(two[0])
    assert isinstance(found[1], batch.Outcome) and "is the output file" in (found[1].error or "")


def test_a_second_writer_of_one_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"document": {"input": "a", "input_sha256": "0"}}\n', encoding="utf-8")
    handle, _ = batch.open_output(str(out), resume=True)
    try:
        with pytest.raises(BatchError, match="another sorot extract is writing it; not starting"):
            batch.open_output(str(out), resume=False)
        assert out.read_text(encoding="utf-8").count("\n") == 1  # not emptied by the refused run
        # Another process too (flock is per open file, so this is no accident of one process).
        code = "from tui.cli import main; import sys; sys.exit(main(['extract', 'x.txt', '-o', sys.argv[1]]))"
        run = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 1 and run.stderr.count("\n") == 1 and "another sorot extract" in run.stderr
    finally:
        handle.close()
    batch.open_output(str(out), resume=True)[0].close()  # released with the file


@pytest.mark.parametrize(
    "tail", [random.Random(18).randbytes(500).replace(b"\n", b"x"), b"not json at all"], ids=["random", "text"]
)
def test_resume_refuses_an_unfinished_line_that_is_no_record(tmp_path: Path, tail: bytes) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(tail)
    with pytest.raises(BatchError, match="line 1 is unfinished and not a record"):
        batch.open_output(str(out), resume=True)
    assert out.read_bytes() == tail


def test_resume_says_it_cut_an_unfinished_record(two, tmp_path: Path, capsys) -> None:
    a, b = two
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(a), "-o", str(out), "--jobs", "1"]) == 0
    whole = out.read_bytes()
    for cut in (40, 5):  # within the record, and within its first key
        out.write_bytes(whole + whole[:cut])
        capsys.readouterr()
        assert main(["extract", str(a), str(b), "-o", str(out), "--jobs", "1", "--resume"]) == 0
        err = capsys.readouterr().err
        assert f"sorot: {out}: cut an unfinished last line of {cut} bytes (it is redone)\n" in err
        assert inputs(out) == [str(a), str(b)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_a_batch_is_one_line_not_a_hang(two, tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "pipa.txt"
    os.mkfifo(fifo)
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(two[0]), str(fifo), "-o", str(out), "--jobs", "1"]) == 1
    assert f"sorot: {fifo}: not a regular file (a FIFO" in capsys.readouterr().err
    assert inputs(out) == [str(two[0])]


def test_an_article_is_read_once(two, tmp_path: Path, monkeypatch) -> None:
    reads: list[str] = []
    real = batch.read_input

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(str(source))
        return real(source, *args, **kwargs)

    monkeypatch.setattr(batch, "read_input", counting)
    monkeypatch.setattr("tui.core.document.read_input", counting)
    batch.load_worker_pipeline(None)
    outcome = batch.extract_one(str(two[0]), batch.Options())
    assert outcome.record is not None and reads == [str(two[0])]
    document = json.loads(outcome.record)["document"]
    import hashlib

    assert document["input_sha256"] == hashlib.sha256(two[0].read_bytes()).hexdigest()


def test_an_edited_input_is_reported_and_its_last_record_wins(two, tmp_path: Path, capsys) -> None:
    a, b = two
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(a), str(b), "-o", str(out), "--jobs", "1"]) == 0
    a.write_text(news(3)[2], encoding="utf-8")
    capsys.readouterr()
    assert main(["extract", str(a), str(b), "-o", str(out), "--jobs", "1", "--resume"]) == 0
    err = capsys.readouterr().err
    assert "sorot: 1 changed since its record; the new record is appended, the older one stays" in err
    assert inputs(out) == [str(a), str(b), str(a)]


def test_a_path_listed_twice_resumes_as_a_full_run(two, tmp_path: Path) -> None:
    a, b = two
    listing = tmp_path / "list"
    listing.write_text(f"{a}\n{b}\n{a}\n", encoding="utf-8")
    full, resumed = tmp_path / "full.jsonl", tmp_path / "resumed.jsonl"
    assert main(["extract", "--paths-from", str(listing), "-o", str(full), "--jobs", "1"]) == 0
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    resumed.write_text("".join(lines[:2]), encoding="utf-8")  # stopped after two of three
    assert main(["extract", "--paths-from", str(listing), "-o", str(resumed), "--jobs", "1", "--resume"]) == 0
    assert resumed.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")


def test_jobs_beyond_the_cores_are_capped(two, tmp_path: Path, monkeypatch, capsys) -> None:
    import tui.cli as cli

    monkeypatch.setattr(cli, "_cores", lambda: 1)
    assert main(["extract", str(two[0]), "-o", str(tmp_path / "o.jsonl"), "--jobs", "1000"]) == 0
    assert capsys.readouterr().err == "sorot: --jobs 1000: this machine runs 1 at once; using 1\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is Linux's")
def test_a_full_standard_output_is_one_line(two) -> None:
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-m", "tui", "extract", str(two[0]), "--jsonl", "--jobs", "1"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr == "sorot: standard output: cannot write (No space left on device)\n"


def test_an_interrupt_says_how_far_it_got(two, tmp_path: Path, monkeypatch, capsys) -> None:
    calls = {"n": 0}
    real = batch.extract_partition

    def interrupted(items, options, base=None):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(items, options, base)

    monkeypatch.setattr(batch, "extract_partition", interrupted)
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(two[0]), str(two[1]), "-o", str(out), "--jobs", "1"]) == 130
    assert capsys.readouterr().err == "sorot: interrupted; 1 record written, --resume continues\n"


def test_a_newline_in_a_file_name_shows_as_a_symbol(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "dua\nbaris.txt"
    bad.write_bytes(b"")
    good = tmp_path / "ok.txt"
    good.write_text(news(1)[0], encoding="utf-8")
    assert main(["extract", str(good), str(bad), "-o", str(tmp_path / "o.jsonl"), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert f"sorot: {tmp_path}/dua\u2424baris.txt: the file is empty\n" in err
