"""Open time and save latency of the annotation store with 10,000 annotations.

    python benchmarks/store_latency.py [--annotations 10000] [--documents 100] [--saves 200]

Builds a temporary database of annotations spread over generated news-like documents (words of
the sample article, so quotes, notes and tags have realistic sizes), then prints:

* open: ``Store.open`` plus ``annotations_for`` one document, as the reader does on opening a
  document (median and worst of several opens, each a new Store on the file);
* save: the latency of ``Store.add`` of a new annotation (p50/p95/max over ``--saves`` saves),
  and of ``update`` and ``delete``; every save is the real thing: lock, re-read check, atomic
  write with fsync and rename.

Targets (issue 5): open at most 200 ms, save p95 at most 30 ms.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.core.annotations import DocumentRef, make_annotation  # noqa: E402
from tui.core.document import sample_article_path  # noqa: E402
from tui.core.store import Store  # noqa: E402

OPEN_TARGET_MS = 200.0
SAVE_P95_TARGET_MS = 30.0
TAGS = ["politik", "ekonomi", "hukum", "rusia", "ukraina", "diplomasi", "perang", "energi", "cek-fakta", "kutipan"]


def make_documents(count: int, rng: random.Random, words_each: int = 1500) -> list[tuple[str, DocumentRef]]:
    words = re.findall(r"\w+|[.,]", sample_article_path().read_text(encoding="utf-8"))
    docs = []
    for n in range(count):
        text = " ".join(rng.choice(words) for _ in range(words_each))
        docs.append((text, DocumentRef.for_text(text, f"/home/pembaca/berita/artikel-{n:03d}.txt", f"Artikel {n}")))
    return docs


def random_annotation(docs: list[tuple[str, DocumentRef]], rng: random.Random):
    text, ref = rng.choice(docs)
    start = rng.randrange(0, len(text) - 120)
    kind = rng.choice(["highlight", "highlight", "note", "entity-add", "entity-relabel"])
    return make_annotation(
        text,
        start,
        start + rng.randrange(8, 100),
        kind,
        document=ref,
        note=" ".join(rng.choice(text.split()) for _ in range(rng.randrange(0, 25))) if kind == "note" else "",
        tags=rng.sample(TAGS, rng.randrange(0, 3)),
        label="PER" if kind.startswith("entity") else "",
        colour=rng.choice(["", "kuning", "hijau"]),
    )


def disk_size(path: Path) -> int:
    """The bytes a database takes: its manifest and every file of its data folder."""
    folder = path.with_name(path.name + ".d")
    return path.stat().st_size + sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def describe(name: str, samples: list[float]) -> str:
    return (
        f"{name}: p50={statistics.median(samples):.1f} ms p95={percentile(samples, 0.95):.1f} ms "
        f"max={max(samples):.1f} ms (n={len(samples)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--opens", type=int, default=7)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = make_documents(args.documents, rng)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sorot.json"
        with Store.open(path) as store:
            store.merge(random_annotation(docs, rng) for _ in range(args.annotations))
        size = disk_size(path)
        print(f"database: {args.annotations} annotations over {args.documents} documents, {size / 1e6:.1f} MB")

        opens = []
        for n in range(args.opens):
            sha = docs[n % len(docs)][1].sha256
            started = time.perf_counter()
            store = Store.open(path)
            shown = store.annotations_for(sha)
            opens.append((time.perf_counter() - started) * 1000)
            store.close()
        print(
            f"open (Store.open + annotations_for, {len(shown)} shown): median={statistics.median(opens):.1f} ms "
            f"max={max(opens):.1f} ms (n={len(opens)})   target <= {OPEN_TARGET_MS:.0f} ms"
        )

        with Store.open(path) as store:
            adds, updates, deletes = [], [], []
            added = []
            for _ in range(args.saves):
                annotation = random_annotation(docs, rng)
                started = time.perf_counter()
                store.add(annotation)
                adds.append((time.perf_counter() - started) * 1000)
                added.append(annotation)
            for annotation in added[: args.saves // 4]:
                changed = annotation.edited(note="diperbarui", tags=("politik",))
                started = time.perf_counter()
                store.update(changed)
                updates.append((time.perf_counter() - started) * 1000)
            for annotation in added[-(args.saves // 4) :]:
                started = time.perf_counter()
                store.delete(annotation.id)
                deletes.append((time.perf_counter() - started) * 1000)
            print(describe("save (add)", adds) + f"   target p95 <= {SAVE_P95_TARGET_MS:.0f} ms")
            print(describe("update", updates))
            print(describe("delete", deletes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
