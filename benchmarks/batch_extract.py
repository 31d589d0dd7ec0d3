"""Batch extraction (``sorot extract DIR -o OUT``): words/s with 1 and 2 jobs, peak RSS of a worker,
one article cold against one in a batch, and a Dask cluster of 1 and 2 workers on this machine.

    python benchmarks/batch_extract.py [--mb 1] [--runs 3] [--no-cluster]

The archive is the real-news dev set (training/realnews/articles, 30 Indonesian news articles)
copied over and over to ``--mb`` megabytes. Each run is the command a user types, in a fresh
process, timed from start to exit (pipeline loading included); figures are medians of
``--runs``. Peak RSS is the largest process of the run (a pool worker with 2 jobs, the one
process with 1), from ``getrusage(RUSAGE_CHILDREN)`` of a wrapper that starts the run. Target: 2
jobs at least 1.7x the words/s of 1 on 2 cores. The cluster runs need ``sorot[cluster]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "training" / "realnews" / "articles"
WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(time.perf_counter() - t, u.ru_maxrss, code, u.ru_utime + u.ru_stime)\n"
)


def build_archive(directory: Path, megabytes: float) -> tuple[int, int]:
    """Copies of the dev set's articles in ``directory`` up to ``megabytes``: (articles, words)."""
    sources = sorted(NEWS.glob("*.txt"))
    if not sources:
        raise SystemExit(f"no articles in {NEWS}")
    size = articles = words = 0
    while size < megabytes * 1024 * 1024:
        source = sources[articles % len(sources)]
        text = source.read_text(encoding="utf-8")
        (directory / f"{articles:05}-{source.name}").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
        words += len(text.split())
        articles += 1
    return articles, words


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Seconds from start to exit of ``command``, the peak RSS (kB) of its largest process, and
    the CPU seconds of all its processes (which others' work on the machine changes little)."""
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    if out[2] != "0":
        raise SystemExit(f"{' '.join(command)} exited {out[2]}")
    return float(out[0]), int(out[1]), float(out[3])


def sorot(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui", "extract", *args]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="the archive's size in megabytes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cluster", action="store_true", help="leave out the Dask runs")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sorot-batch-") as tmp:
        work = Path(tmp)
        archive = work / "archive"
        archive.mkdir()
        articles, words = build_archive(archive, args.mb)
        out = str(work / "out.jsonl")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SOROT_DB": str(work / "db.json")}
        print(f"archive: {articles} articles, {words:,} words, {args.mb:g} MB (the real-news dev set, copied)")
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"cores: {cores}, load average before: {os.getloadavg()[0]:.1f} (others' work slows every figure)")

        def cold() -> float:
            shutil.rmtree(work / "cache", ignore_errors=True)  # no cached entities: the pipeline runs
            seconds, _, _ = timed(
                sorot(str(next(archive.iterdir())), "--json"), {**env, "SOROT_CACHE_DIR": str(work / "cache")}
            )
            return seconds

        one = statistics.median(cold() for _ in range(args.runs))
        print(f"one article cold (sorot extract FILE --json): {one:.2f} s")
        rates: dict[int, float] = {}
        for jobs in (1, 2):
            runs = [timed(sorot(str(archive), "--jobs", str(jobs), "-o", out), env) for _ in range(args.runs)]
            seconds = statistics.median(s for s, _, _ in runs)
            rss = max(r for _, r, _ in runs)
            cpu = statistics.median(c for _, _, c in runs)
            rates[jobs] = words / seconds
            print(
                f"--jobs {jobs}: {seconds:.1f} s, {rates[jobs]:,.0f} words/s, {articles / seconds:.1f} articles/s, "
                f"{seconds / articles * 1000:.0f} ms an article, peak RSS of a worker {rss / 1024:.0f} MB, "
                f"{cpu:.1f} CPU s ({words / cpu:,.0f} words a CPU second)"
            )
        print(f"2 jobs / 1 job: {rates[2] / rates[1]:.2f}x (target 1.7x)")
        if not args.no_cluster:
            cluster(archive, articles, words, out, env, args.runs)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


def cluster(archive: Path, articles: int, words: int, out: str, env: dict[str, str], runs: int) -> None:
    # The cluster's workers import this checkout's Sorot, as the runs do.
    sys.path.insert(0, str(ROOT))
    try:
        from distributed import LocalCluster
    except ImportError:
        print("cluster: not measured (pip install 'sorot[cluster]')")
        return
    for workers in (1, 2):
        with LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as local:
            times = []
            for _ in range(runs):  # the first run loads the pipeline on the workers, the others find it loaded
                started = time.perf_counter()
                subprocess.run(
                    sorot(str(archive), "--cluster", local.scheduler_address, "-o", out),
                    env=env,
                    check=True,
                    stderr=subprocess.DEVNULL,
                )
                times.append(time.perf_counter() - started)
        seconds = statistics.median(times)
        print(
            f"Dask LocalCluster, {workers} worker(s): {seconds:.1f} s, {words / seconds:,.0f} words/s, "
            f"{articles / seconds:.1f} articles/s (first run {times[0]:.1f} s)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
