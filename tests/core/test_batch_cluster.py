"""``sorot extract --cluster``: the same records from a Dask cluster of two worker processes on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster

from tests.core.test_batch_extract import news
from tui.cli import main
from tui.core import cluster


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as local:
        yield local.scheduler_address


def test_a_cluster_writes_what_this_machine_writes(scheduler: str, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cluster, "PARTITION", 3)  # ten articles: four partitions, in flight side by side
    archive = tmp_path / "arsip"
    archive.mkdir()
    for i, text in enumerate(news(10)):
        (archive / f"{i:02}.txt").write_text(text, encoding="utf-8")
    (archive / "05.txt").write_bytes(b"")  # a bad article is reported from the cluster too
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    assert main(["extract", str(archive), "--jobs", "1", "-o", str(here)]) == 1
    local_err = capsys.readouterr().err
    assert main(["extract", str(archive), "--cluster", scheduler, "-o", str(there)]) == 1
    cluster_err = capsys.readouterr().err.splitlines()
    assert cluster_err[0].startswith("sorot: cluster dashboard: http://127.0.0.1:")
    expected = [f"sorot: {archive / '05.txt'}: the file is empty", "sorot: 1 of 10 articles failed"]
    assert cluster_err[1:] == local_err.splitlines() == expected
    assert there.read_text(encoding="utf-8") == here.read_text(encoding="utf-8")
    assert here.read_text(encoding="utf-8").count("\n") == 9

    (archive / "05.txt").write_text(news(6)[5], encoding="utf-8")  # mended: a resumed run does it alone
    assert main(["extract", str(archive), "--cluster", scheduler, "-o", str(there), "--resume"]) == 0
    assert capsys.readouterr().err.splitlines()[1:] == [f"sorot: 9 already in {there}; skipped"]
    assert there.read_text(encoding="utf-8").count("\n") == 10


def test_no_scheduler_is_one_line(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 0.5)
    (tmp_path / "a.txt").write_text("Banjir di Jakarta.", encoding="utf-8")
    assert main(["extract", str(tmp_path), "--cluster", "tcp://127.0.0.1:9"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("sorot: --cluster tcp://127.0.0.1:9: cannot reach the scheduler")
