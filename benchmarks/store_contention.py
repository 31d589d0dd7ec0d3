"""Several processes saving into one large annotation database at once: nothing refused, nothing lost.

    python benchmarks/store_contention.py [--writers 4] [--writes 250] [--megabytes 12] [--lock-timeout 10]

Builds a database of about ``--megabytes`` MB (annotations spread over generated news-like
documents, as in ``store_latency.py``), then starts ``--writers`` processes that each save
``--writes`` new annotations one by one, as fast as they can, and delete every fifth one they
saved. Each process records every save that returned, every deletion that returned, every save
refused ("busy") and how long each save waited. Then it prints:

* refused: saves refused by the lock (the store promises none while other writers make progress);
* lost: saves that returned but are not in the file (must be 0);
* resurrected: deletions that returned but whose annotation is in the file again (must be 0);
* the latency of a save (p50/p95/max), the longest wait of any one writer, and the total time.

The whole run uses the real thing: separate processes (fork), the file lock, atomic writes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from store_latency import disk_size, make_documents, percentile, random_annotation  # noqa: E402

from tui.core.store import Store, StoreError  # noqa: E402

BYTES_PER_ANNOTATION = 580  # about what one annotation of random_annotation takes in the file


def writer(path: str, report: str, writes: int, seed: int, lock_timeout: float, start) -> None:
    """Save ``writes`` annotations, deleting every fifth; write what happened to ``report``."""
    rng = random.Random(seed)
    docs = make_documents(5, rng, words_each=600)
    saved, deleted, refused, waits = [], [], 0, []
    start.wait()
    try:
        store = Store.open(path, lock_timeout=lock_timeout)
    except StoreError:
        refused = writes  # refused before the first save
        writes = 0
    for n in range(writes):
        annotation = random_annotation(docs, rng)
        began = time.perf_counter()
        try:
            store.add(annotation)
        except StoreError:
            refused += 1
            continue
        finally:
            waits.append(time.perf_counter() - began)
        saved.append(annotation.id)
        if n % 5 == 4:
            try:
                store.delete(saved[-1])
            except StoreError:
                refused += 1
                continue
            deleted.append(saved.pop())
    if writes:
        store.close()
    Path(report).write_text(json.dumps({"saved": saved, "deleted": deleted, "refused": refused, "waits": waits}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--writes", type=int, default=250)
    parser.add_argument("--megabytes", type=float, default=12.0)
    parser.add_argument("--lock-timeout", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = make_documents(100, rng)
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sorot.json"
        count = int(args.megabytes * 1e6 / BYTES_PER_ANNOTATION)
        with Store.open(path) as store:
            store.merge(random_annotation(docs, rng) for _ in range(count))
        print(f"database: {count} annotations, {disk_size(path) / 1e6:.1f} MB")
        start = context.Event()
        reports = [Path(tmp) / f"writer-{n}.json" for n in range(args.writers)]
        processes = [
            context.Process(
                target=writer, args=(str(path), str(report), args.writes, args.seed + n, args.lock_timeout, start)
            )
            for n, report in enumerate(reports)
        ]
        for process in processes:
            process.start()
        began = time.perf_counter()
        start.set()
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - began
        failed = [p.exitcode for p in processes if p.exitcode != 0]
        results = [json.loads(r.read_text()) for r in reports if r.exists()]
        with Store.open(path) as store:
            stored = {a.id for a in store.all_annotations()}
        saved = [i for r in results for i in r["saved"]]
        deleted = [i for r in results for i in r["deleted"]]
        waits = [w * 1000 for r in results for w in r["waits"]]
        refused = sum(r["refused"] for r in results)
        lost = sum(1 for i in saved if i not in stored)
        resurrected = sum(1 for i in deleted if i in stored)
        print(
            f"{args.writers} writers x {args.writes} saves (every fifth deleted again), lock timeout "
            f"{args.lock_timeout:g} s: {len(saved) + len(deleted)} saves returned, {len(deleted)} deletions, "
            f"refused={refused} lost={lost} resurrected={resurrected}"
            + (f", {len(failed)} writer(s) crashed" if failed else "")
        )
        if waits:
            print(
                f"save: p50={statistics.median(waits):.0f} ms p95={percentile(waits, 0.95):.0f} ms "
                f"max={max(waits):.0f} ms; total {elapsed:.1f} s"
            )
    return 0 if not (refused or lost or resurrected or failed) else 1


if __name__ == "__main__":
    raise SystemExit(main())
