"""``sorot extract PATH... --jsonl``: many articles, in parallel, in order or not, resumed after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.conftest import Run
from tests.news_site import WEB, NewsSite
from tui.cli import main
from tui.core.batch import BatchError, Completed, Outcome, completed_in, list_sources, run_batch

REALNEWS = Path(__file__).resolve().parents[2] / "training" / "realnews" / "articles"


def news(count: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(REALNEWS.glob("*.txt"))]
    return [texts[i % len(texts)] for i in range(count)]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Five articles: three at the top (.txt, .md), two in a subdirectory, and files that are not articles."""
    root = tmp_path / "arsip"
    (root / "2017" / "09").mkdir(parents=True)
    (root / ".hidden").mkdir()
    first, second, third, fourth, fifth = news(5)
    (root / "a.txt").write_text(first, encoding="utf-8")
    (root / "b.md").write_text(second, encoding="utf-8")
    (root / "c.txt").write_text(third, encoding="utf-8")
    (root / "2017" / "09" / "d.txt").write_text(fourth, encoding="utf-8")
    (root / "2017" / "e.TXT").write_text(fifth, encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    (root / ".hidden" / "x.txt").write_text(first, encoding="utf-8")
    return root


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_sources_are_listed_recursively_by_name(archive: Path) -> None:
    assert list(list_sources([str(archive)])) == [
        str(archive / "2017" / "09" / "d.txt"),
        str(archive / "2017" / "e.TXT"),
        str(archive / "a.txt"),
        str(archive / "b.md"),
        str(archive / "c.txt"),
    ]


def test_a_directory_in_parallel_equals_one_job(sorot: Run, archive: Path) -> None:
    parallel = sorot("extract", archive, "--jobs", "2")
    alone = sorot("extract", archive, "--jobs", "1")
    assert parallel.returncode == alone.returncode == 0, parallel.stderr + alone.stderr
    assert parallel.stderr == alone.stderr == ""
    assert parallel.stdout == alone.stdout
    found = records(parallel.stdout)
    assert [r["document"]["input"] for r in found] == list(list_sources([str(archive)]))
    assert all(r["entities"] for r in found)
    # Each record is the object sorot extract --json writes for that article, with where it came from.
    single = json.loads(sorot("extract", archive / "a.txt", "--json").stdout)
    record = found[2]
    assert record["document"].pop("input") == str(archive / "a.txt")
    assert len(record["document"].pop("input_sha256")) == 64
    assert record == single


def test_unordered_writes_the_same_records(sorot: Run, archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    ordered = sorot("extract", archive, "--jobs", "2", "-o", out)
    assert ordered.returncode == 0 and ordered.stdout == ""
    in_order = out.read_text(encoding="utf-8").splitlines()
    unordered = sorot("extract", archive, "--jobs", "2", "--unordered", "-o", out)
    assert unordered.returncode == 0
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == sorted(in_order) and len(in_order) == 5


def test_a_bad_file_is_one_line_and_skipped(sorot: Run, archive: Path) -> None:
    (archive / "empty.txt").write_bytes(b"")
    (archive / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    result = sorot("extract", archive, archive / "missing.txt", "--jobs", "2")
    assert result.returncode == 1
    assert [r["document"]["input"] for r in records(result.stdout)] == [
        str(archive / name) for name in ("2017/09/d.txt", "2017/e.TXT", "a.txt", "b.md", "c.txt")
    ]
    assert result.stderr.splitlines() == [
        f"sorot: {archive / 'binary.txt'}: looks like a binary file, not text",
        f"sorot: {archive / 'empty.txt'}: the file is empty",
        f"sorot: {archive / 'missing.txt'}: no such file or directory",
        "sorot: 3 of 8 articles failed",
    ]


def test_paths_from_standard_input(sorot: Run, archive: Path) -> None:
    listed = sorot("extract", "--paths-from", "-", "--jobs", "2", stdin=f"{archive / 'c.txt'}\n\n{archive / '2017'}\n")
    given = sorot("extract", archive / "c.txt", archive / "2017", "--jobs", "1")
    assert listed.returncode == given.returncode == 0, listed.stderr
    assert listed.stdout == given.stdout and len(records(listed.stdout)) == 3


def test_killed_half_way_then_resumed_has_each_article_once(tmp_path: Path, archive: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    texts = news(60)
    for i in range(20):  # three articles a file: long enough to be killed while the run goes on
        (many / f"{i:02}.txt").write_text("\n\n".join(texts[3 * i : 3 * i + 3]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "tui", "extract", str(many), "--jobs", "2", "-o", str(out)]
    run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.read_bytes().count(b"\n") < 3) and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its workers, as a power cut would
    run.wait()
    written = out.read_bytes()
    complete = written.count(b"\n")
    assert 3 <= complete < 20, "the run was not stopped half way"
    if written.endswith(b"\n"):  # stopped between two lines: cut the next one short as a kill mid-write does
        out.write_bytes(written + written.splitlines(keepends=True)[0][:100])
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    torn = len(written) - written.rindex(b"\n") - 1 if not written.endswith(b"\n") else 100
    assert resumed.stderr.splitlines() == [
        f"sorot: {out}: cut an unfinished last line of {torn:,} bytes (it is redone)",
        f"sorot: {complete} already in {out}; skipped",
    ]
    inputs = [r["document"]["input"] for r in records(out.read_text(encoding="utf-8"))]
    assert sorted(inputs) == [str(many / f"{i:02}.txt") for i in range(20)]
    assert out.read_bytes().startswith(written[: written.rindex(b"\n") + 1])


def test_resume_redoes_a_changed_file_only(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Banjir di Jakarta.", encoding="utf-8")
    from tui.core.batch import file_sha256

    def done() -> Completed:
        completed = Completed()
        completed.add(str(path), sha256)
        return completed

    sha256 = file_sha256(str(path)) or ""
    assert done().has(str(path)) and not done().has(str(tmp_path / "b.txt"))
    path.write_text("Banjir di Bandung.", encoding="utf-8")
    assert not done().has(str(path))


def test_resume_refuses_a_file_that_is_not_its_output(tmp_path: Path) -> None:
    out = tmp_path / "notes.txt"
    out.write_text("my notes\nmore\n", encoding="utf-8")
    with pytest.raises(BatchError, match="line 1 is not a record of sorot extract"):
        with open(out, "r+b") as handle:
            completed_in(handle, str(out))
    assert out.read_text(encoding="utf-8") == "my notes\nmore\n"


def test_a_url_among_files(httpserver, tmp_path: Path, capsys) -> None:
    site = NewsSite(httpserver)
    url = site.article("/read/banjir", "kompas_banjir.html")
    article = tmp_path / "berita.txt"
    article.write_text("Banjir di Jakarta\n\nAir naik pada Selasa.", encoding="utf-8")
    assert main(["extract", url, str(article), "--jobs", "1", "--model", "sorot-id-rules"]) == 0
    web, plain = records(capsys.readouterr().out)
    assert web["document"]["input"] == web["document"]["url"] == url
    assert web["document"]["text"].strip() == (WEB / "kompas_banjir.body.txt").read_text(encoding="utf-8").strip()
    assert plain["document"]["input"] == str(article) and plain["document"]["title"] == "Banjir di Jakarta"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{a}", "-"], "give it alone"),
        (["{a}", "--resume"], "-o OUT"),
        (["{a}", "{a}", "--format", "html"], "one article"),
        (["{a}", "{a}", "--corrected"], "one article"),
        (["--jsonl"], "give the articles"),
    ],
)
def test_batch_usage_errors_are_one_line(archive: Path, args: list[str], message: str, capsys) -> None:
    assert main(["extract", *(arg.format(a=archive / "a.txt") for arg in args)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and message in captured.err


class Backwards:
    """Workers that finish the partitions in flight last first: the worst order for the reorder buffer."""

    def __init__(self, window: int) -> None:
        self.window, self.partition = window, 1
        self.flight: list[list[tuple[int, str]]] = []
        self.most_in_flight = 0

    def submit(self, items: list[tuple[int, str]]) -> None:
        self.flight.append(items)
        self.most_in_flight = max(self.most_in_flight, len(self.flight))

    def finished(self) -> list[tuple[int, Outcome]]:
        return [(i, Outcome(s, record=json.dumps(s))) for i, s in self.flight.pop()]

    def close(self) -> None:
        pass


@pytest.mark.parametrize("ordered", [True, False])
def test_memory_stays_within_the_window_whatever_the_order(ordered: bool) -> None:
    workers, written, waiting = Backwards(window=4), [], []

    def sources() -> Iterator[str]:
        for i in range(1000):
            # Given out at most a window beyond the first article not yet written.
            waiting.append(i - len(written))
            yield f"{i}.txt"

    summary = run_batch(sources(), workers, written.append, lambda outcome: None, ordered=ordered)
    assert summary.written == 1000 and workers.most_in_flight <= 4 and max(waiting) <= 4
    assert (written == [json.dumps(f"{i}.txt") for i in range(1000)]) is ordered
    assert sorted(written) == sorted(json.dumps(f"{i}.txt") for i in range(1000))
