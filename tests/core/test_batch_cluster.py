"""``sorot extract --cluster``: the same records from a Dask cluster of two worker processes on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster

from tests.core.test_batch_extract import news
from tui.cli import main
from tui.core import cluster
from tui.core.batch import Options


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
    assert captured.err.startswith(
        "sorot: --cluster tcp://127.0.0.1:9: cannot reach a Dask scheduler there (connection refused)"
    )


def test_relative_paths_are_read_from_here_and_recorded_as_listed(
    scheduler: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    (tmp_path / "arsip").mkdir()
    for i, text in enumerate(news(2)):
        (tmp_path / "arsip" / f"{i}.txt").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the workers' directory is another one
    assert main(["extract", "arsip", "--jobs", "1", "-o", "here.jsonl"]) == 0
    assert main(["extract", "arsip", "--cluster", scheduler, "-o", "there.jsonl"]) == 0
    assert (tmp_path / "there.jsonl").read_text(encoding="utf-8") == (tmp_path / "here.jsonl").read_text(
        encoding="utf-8"
    )
    assert '"input": "arsip/0.txt"' in (tmp_path / "here.jsonl").read_text(encoding="utf-8")


def test_a_port_that_is_not_dask_is_one_line(tmp_path: Path, capsys) -> None:
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))

    def babble() -> None:  # an HTTP-ish server: what Dask reads as a frame length is absurd
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 64)

    threading.Thread(target=babble, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    (tmp_path / "a.txt").write_text("Banjir di Jakarta.", encoding="utf-8")
    try:
        assert main(["extract", str(tmp_path), "--cluster", address]) == 1
    finally:
        server.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"sorot: --cluster {address}: cannot reach a Dask scheduler there (")


def test_a_scheduler_without_workers_says_it_waits(monkeypatch) -> None:
    class Stop(BaseException):
        pass

    heard: list[str] = []

    def notify(line: str) -> None:
        heard.append(line)
        raise Stop  # the test ends the wait the user would see go on

    with LocalCluster(n_workers=0, protocol="tcp", host="127.0.0.1", dashboard_address=":0") as empty:
        with pytest.raises(Stop):
            cluster.DaskWorkers(empty.scheduler_address, Options(), notify=notify, notice_after=0.3)
    assert heard == [f"waiting for a Dask worker at {empty.scheduler_address}…"]
