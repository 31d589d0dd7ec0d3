"""How the annotation store grows: open, save, update, delete and memory at 1,000 to 1,000,000 records.

    python benchmarks/store_scale.py [--sizes 1000,10000,100000,1000000] [--saves 60]

For each size N a database is built with N annotations spread over N/100 generated documents
(at least 10), plus N records in a second table (reading positions, one per made-up document),
as the feeds and read state of a news reader will add. Then, each in a fresh process:

* open: ``Store.open`` and ``annotations_for`` one document, as the reader opens an article;
* add / update / delete: p95 of ``--saves`` real saves each (lock, re-read check, atomic write
  with fsync and rename);
* peak memory: the largest resident size of the process that opened the document (``getrusage``).

Printed: one row per size, and the targets of issue 13 (open <= 200 ms, save p95 <= 30 ms, peak
memory not growing with the database).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from store_latency import make_documents, percentile, random_annotation  # noqa: E402

from tui.core.store import Store, serialise_database  # noqa: E402

OPEN_TARGET_MS = 200.0
SAVE_P95_TARGET_MS = 30.0


def build(path: Path, size: int, rng: random.Random) -> list[str]:
    """The database at ``path``; returns the documents' sha256s."""
    docs = make_documents(max(10, size // 100), rng, words_each=400)
    with Store.open(path) as store:
        store.merge(random_annotation(docs, rng) for _ in range(size))
        store.set_position(docs[0][1], 1)  # one position written by the store: the record's shape
    data = json.loads(path.read_bytes())
    positions = data["positions"]
    (model,) = positions.values()
    for n in range(size - 1):
        document = {**model["document"], "sha256": f"{n:064x}", "path": f"/home/pembaca/arsip/{n}.txt"}
        positions[str(n + 2)] = {**model, "document": document, "offset": n % 5000}
    path.write_bytes(serialise_database(data))
    return [ref.sha256 for _, ref in docs]


def measure(path: str, sha: str, saves: int, seed: int) -> dict[str, float]:
    """Runs in a fresh process: open one document, then time adds, updates and deletes."""
    rng = random.Random(seed)
    started = time.perf_counter()
    store = Store.open(path)
    shown = store.annotations_for(sha)
    opened = (time.perf_counter() - started) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    docs = make_documents(3, rng, words_each=400)
    adds, updates, deletes, added = [], [], [], []
    for _ in range(saves):
        annotation = random_annotation(docs, rng)
        t = time.perf_counter()
        store.add(annotation)
        adds.append((time.perf_counter() - t) * 1000)
        added.append(annotation)
    for annotation in added[: saves // 2]:
        t = time.perf_counter()
        store.update(annotation.edited(note="diperbarui"))
        updates.append((time.perf_counter() - t) * 1000)
    for annotation in added[saves // 2 :]:
        t = time.perf_counter()
        store.delete(annotation.id)
        deletes.append((time.perf_counter() - t) * 1000)
    store.close()
    return {
        "open_ms": opened,
        "shown": len(shown),
        "peak_open_mb": peak,
        "add_p95": percentile(adds, 0.95),
        "update_p95": percentile(updates, 0.95),
        "delete_p95": percentile(deletes, 0.95),
        "add_p50": statistics.median(adds),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--saves", type=int, default=60)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--measure", nargs=2, metavar=("DB", "SHA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], args.saves, args.seed)))
        return 0
    print(
        f"{'records':>9} {'file MB':>8} {'build s':>8} {'open ms':>8} {'add p95':>8} {'upd p95':>8} "
        f"{'del p95':>8} {'peak MB':>8}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sorot.json"
            started = time.perf_counter()
            shas = build(path, size, random.Random(args.seed))
            built = time.perf_counter() - started
            child = subprocess.run(
                [sys.executable, __file__, "--measure", str(path), shas[0], "--saves", str(args.saves)],
                capture_output=True,
                text=True,
                check=True,
            )
            m = json.loads(child.stdout)
            print(
                f"{size:>9,} {path.stat().st_size / 1e6:>8.1f} {built:>8.1f} {m['open_ms']:>8.1f} "
                f"{m['add_p95']:>8.1f} {m['update_p95']:>8.1f} {m['delete_p95']:>8.1f} {m['peak_open_mb']:>8.0f}",
                flush=True,
            )
    print(
        f"targets: open <= {OPEN_TARGET_MS:.0f} ms, add/update/delete p95 <= {SAVE_P95_TARGET_MS:.0f} ms, "
        "peak memory not growing with the database"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
