"""Peak memory and time of ``sorot extract --json`` on long generated articles (1, 5 and 20 MB).

    python benchmarks/extract_memory.py [--sizes 1,5,20] [--runs 1] [--model NAME_OR_PATH]
    python benchmarks/extract_memory.py --sizes 1 --tree OLD_CHECKOUT --memory-cap 8 --save-entities DIR
    python benchmarks/extract_memory.py --sizes 1 --compare-entities DIR

Each article is news-like text made from the sample article: its paragraphs shuffled, every
number replaced by another and one of the people named changed, with a fixed seed (the same
articles on every run). Each run is ``python -m tui extract ARTICLE --json`` in a fresh process
with an empty entity cache (a first extraction: the pipeline runs and the cache is written).

Printed per size: seconds; the peak resident memory of the whole command, its NLP child included
(the sum over the process tree, sampled every 10 ms); the largest of any one process
(``getrusage``, exact); seconds per MB; the number of entities and facts.

``--tree DIR`` runs another source tree (a checkout of an older commit) instead of this one, and
``--memory-cap GB`` caps each process's address space (the code before issue 11 took 11.8 GB on
a 5 MB article). ``--save-entities DIR`` writes each article's entities and a digest of the whole
output there; ``--compare-entities DIR`` says whether this tree's entities and output are the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.core.document import sample_article_path  # noqa: E402

# Well-known people of the region, standing in for the one the sample names most (same shape:
# two words, a title before them in some sentences).
PEOPLE = (
    "Joko Widodo",
    "Prabowo Subianto",
    "Sri Mulyani",
    "Anies Baswedan",
    "Retno Marsudi",
    "Anwar Ibrahim",
    "Lee Hsien Loong",
    "Ferdinand Marcos",
    "Xi Jinping",
    "Narendra Modi",
)
MB = 1_000_000
SAMPLE_EVERY = 0.01


def make_article(size_mb: float, seed: int) -> str:
    """About ``size_mb`` MB of news-like text from the sample article's paragraphs."""
    paragraphs = [p for p in sample_article_path().read_text(encoding="utf-8").split("\n") if p.strip()]
    rng = random.Random(seed)
    out, total = [], 0
    while total < size_mb * MB:
        paragraph = rng.choice(paragraphs)
        paragraph = re.sub(r"\d+", lambda m: str(rng.randint(2, 9999)), paragraph)
        paragraph = paragraph.replace("Donald Trump", rng.choice(PEOPLE))
        out.append(paragraph)
        total += len(paragraph.encode("utf-8")) + 2
    return "\n\n".join(out) + "\n"


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 once it is gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_extract(python: str, tree: Path, article: Path, out: Path, model: str | None, cap_gb: float | None) -> dict:
    """One ``sorot extract --json`` run: seconds, sampled tree peak, largest process, exit status."""
    env = {**os.environ, "PYTHONPATH": str(tree), "SOROT_CACHE_DIR": tempfile.mkdtemp(prefix="sorot-cache-")}
    command = [python, "-m", "tui", "extract", str(article), "--json", *(["--model", model] if model else [])]

    def cap() -> None:
        if cap_gb:
            limit = int(cap_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    peak = 0
    with out.open("wb") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=tree, env=env, stdout=stdout, stderr=subprocess.PIPE, preexec_fn=cap)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(process.pid))
                time.sleep(SAMPLE_EVERY)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stderr = process.stderr.read() if process.stderr else b""
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    # getrusage's children figure is the largest single process waited for, grandchildren included.
    largest = max(usage.ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
    return {
        "seconds": seconds,
        "tree_peak": peak,
        "largest": largest,
        "code": process.returncode,
        "stderr": stderr.decode("utf-8", "replace").strip(),
    }


def summarise(path: Path) -> dict:
    """Entities, fact count and a digest of the output (without the article's path)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["document"]["path"] = None
    digest = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    entities = [[e["start"], e["end"], e["label"]] for e in data["entities"]]
    return {"entities": entities, "facts": len(data["facts"]), "digest": digest}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,20", help="article sizes in MB, comma-separated")
    parser.add_argument("--runs", type=int, default=1, help="runs per size (the median is printed)")
    parser.add_argument("--model", help="a pipeline other than the built-in one")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the source tree to run (default: this one)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--memory-cap", type=float, metavar="GB", help="cap each process's address space")
    parser.add_argument("--save-entities", type=Path, metavar="DIR")
    parser.add_argument("--compare-entities", type=Path, metavar="DIR")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"sorot extract --json, tree {args.tree}, {os.cpu_count()} CPUs, sampled every {SAMPLE_EVERY * 1000:.0f} ms")
    print(
        f"{'size':>6} {'seconds':>8} {'s/MB':>6} {'peak (tree)':>12} {'largest proc':>13} {'entities':>9} {'facts':>7}"
    )
    with tempfile.TemporaryDirectory(prefix="sorot-extract-") as tmp:
        for size in sizes:
            article = Path(tmp) / f"artikel-{size:g}MB.txt"
            article.write_text(make_article(size, args.seed), encoding="utf-8")
            out = Path(tmp) / "out.json"
            runs = [
                run_extract(args.python, args.tree, article, out, args.model, args.memory_cap) for _ in range(args.runs)
            ]
            failed = [r for r in runs if r["code"] != 0]
            if failed:
                last_line = (failed[0]["stderr"].splitlines() or ["(no message)"])[-1]
                print(f"{size:>5g}M  failed (exit {failed[0]['code']}): {last_line}")
                continue
            seconds = statistics.median(r["seconds"] for r in runs)
            peak = statistics.median(r["tree_peak"] for r in runs)
            largest = statistics.median(r["largest"] for r in runs)
            summary = summarise(out)
            mb = article.stat().st_size / MB
            print(
                f"{size:>5g}M {seconds:>8.1f} {seconds / mb:>6.1f} {peak / 2**20:>9.0f} MB {largest / 2**20:>10.0f} MB"
                f" {len(summary['entities']):>9,} {summary['facts']:>7,}"
            )
            name = f"extract-{size:g}MB.json"
            if args.save_entities:
                args.save_entities.mkdir(parents=True, exist_ok=True)
                (args.save_entities / name).write_text(json.dumps(summary), encoding="utf-8")
            if args.compare_entities and (args.compare_entities / name).exists():
                reference = json.loads((args.compare_entities / name).read_text(encoding="utf-8"))
                same_entities = reference["entities"] == summary["entities"]
                same_output = reference["digest"] == summary["digest"]
                where = args.compare_entities
                print(f"        same entities as {where}: {same_entities}; same whole output: {same_output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
