"""Time to first paint and PageDown latency of the reader, measured as a user sees them.

    python benchmarks/reader_latency.py [--timing-tool ../shared/tools/tui_timing.py] [--runs 3]
    python benchmarks/reader_latency.py --compare REV [--runs 5]

Runs ``sorot`` in tmux through the shared ``tui_timing.py`` (the same method used for ``less``
and other terminal programs) on the sample article and on a generated 5 MB article, and prints
one line per measurement plus the median over runs. ``less`` is measured beside it when present.

``--compare REV`` checks REV out into a temporary git worktree and measures it and this tree
alternately (this tree, REV, this tree, ...), so that the machine's load falls on both alike,
then prints each one's medians and how far apart they are, in per cent.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from trees import check_tree, checkout  # noqa: E402

from tui.core.document import sample_article_path  # noqa: E402

DEFAULT_TOOL = ROOT.parent / "shared" / "tools" / "tui_timing.py"
MARKER = "Presiden Rusia"
TARGET_BYTES = 5 * 1024 * 1024


def make_big_article(path: Path, size: int = TARGET_BYTES) -> Path:
    """A news-like article of ``size`` bytes: the sample's paragraphs, numbered and repeated."""
    paragraphs = sample_article_path().read_text(encoding="utf-8").split("\n")
    out, total, n = [], 0, 0
    while total < size:
        text = paragraphs[n % len(paragraphs)]
        if n >= len(paragraphs):
            text = f"{text} (Bagian {n // len(paragraphs) + 1}.)"
        out.append(text)
        total += len(text.encode("utf-8")) + 1
        n += 1
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def measure(tool: Path, command: str, marker: str = MARKER) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(tool), marker, "--", command], capture_output=True, text=True, timeout=300
    )
    figures = dict(re.findall(r"(\w+)=([\d.]+|nan)", result.stdout))
    return {key: float(value) for key, value in figures.items()}


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def compare(tool: Path, rev: str, runs: int) -> int:
    """This tree and ``rev``, measured alternately on the sample (first paint) and the 5 MB
    article (first paint and PageDown)."""
    with checkout(rev) as old, tempfile.TemporaryDirectory() as tmp:
        check_tree(old)
        check_tree(ROOT)
        big = make_big_article(Path(tmp) / "big-5mb.txt")
        trees = {"this tree": ROOT, rev: old}
        figures: dict[tuple[str, str], list[dict[str, float]]] = {}
        count = 0
        for _ in range(runs):
            for case, article in (("sample", sample_article_path()), ("5MB", big)):
                for name, tree in trees.items():
                    count += 1
                    # Run in the tree (see trees.py): -m puts the working directory first on the path.
                    command = (
                        f"cd {tree} && env PYTHONPATH={tree} SOROT_CACHE_DIR=off SOROT_DB={tmp}/db-{count}.json "
                        f"{sys.executable} -m tui {article}"
                    )
                    figures.setdefault((case, name), []).append(measure(tool, command))
        for case in ("sample", "5MB"):
            new, was = medians(figures[(case, "this tree")]), medians(figures[(case, rev)])
            keys = ["first_paint_s"] + (["page_p50_ms", "page_p95_ms"] if case == "5MB" else [])
            for key in keys:
                change = 100 * (new[key] - was[key]) / was[key] if was[key] else float("nan")
                print(
                    f"{case} {key}: this tree {new[key]:.3f}, {rev} {was[key]:.3f} "
                    f"({change:+.1f}%, medians of {runs}, run alternately)"
                )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timing-tool", type=Path, default=DEFAULT_TOOL)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", metavar="REV", help="measure REV and this tree alternately")
    args = parser.parse_args()
    if not args.timing_tool.exists():
        print(f"timing tool not found: {args.timing_tool}", file=sys.stderr)
        return 2
    if shutil.which("tmux") is None:
        print("tmux is needed for this benchmark", file=sys.stderr)
        return 2
    if args.compare:
        return compare(args.timing_tool, args.compare, args.runs)
    sorot = shutil.which("sorot") or f"{sys.executable} -m tui"
    with tempfile.TemporaryDirectory() as tmp:
        big = make_big_article(Path(tmp) / "big-5mb.txt")
        print(f"generated {big.stat().st_size / 1e6:.1f} MB article with {big.read_text().count(chr(10))} paragraphs")
        # Each run is a first open: no cached entities (the NLP child works while PageDown is
        # timed) and an annotation database of its own (no restored reading position).
        # (A shared database would restore the last run's reading position, away from the marker.)
        fresh = f"env SOROT_CACHE_DIR=off SOROT_DB={tmp}/db-{{run}}.json {sorot}"
        cases = [("sorot sample", f"{fresh} {sample_article_path()}"), ("sorot 5MB", f"{fresh} {big}")]
        if shutil.which("less"):
            cases.append(("less 5MB", f"less {big}"))
        runs_done = 0
        for name, command in cases:
            runs = []
            for _ in range(args.runs):
                runs_done += 1
                runs.append(measure(args.timing_tool, command.replace("{run}", str(runs_done))))
            for run in runs:
                print(f"  {name}: " + " ".join(f"{k}={v:g}" for k, v in run.items()))
            median = medians(runs)
            line = f"{name}: first_paint_s={median['first_paint_s']:.3f}"
            if min(run["n"] for run in runs) >= 30:
                line += f" page_p50_ms={median['page_p50_ms']:.1f} page_p95_ms={median['page_p95_ms']:.1f}"
            else:  # the article ends within 30 pages: there is nothing left to page through
                line += " (too short for 30 PageDowns)"
            print(f"{line} (median of {len(runs)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
