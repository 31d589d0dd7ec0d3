"""The reader opening an article in a large database, measured as a user sees it.

    python benchmarks/reader_scale.py --db BIG.json [--annotations 50] [--runs 3]

``BIG.json`` is a database built by ``store_scale.py --keep DIR`` (say, the 1,000,000-record
one). The sample article gets ``--annotations`` notes in it and in a new small database; then
``sorot --db DB sample`` runs in tmux through the shared ``tui_timing.py`` (the method used for
every terminal program here), once per run and database, and the time from the start until the
Notes tab shows the article's notes (``Notes (50)``) is printed, with the first paint (the
article's first words) beside it. The big database gets the notes added once (they stay).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.core.annotations import make_annotation  # noqa: E402
from tui.core.session import document_of  # noqa: E402
from tui.core.document import load_article, sample_article_path  # noqa: E402
from tui.core.store import Store, data_folder  # noqa: E402

DEFAULT_TOOL = ROOT.parent / "shared" / "tools" / "tui_timing.py"
FIRST_WORDS = "Presiden Rusia"


def annotate(db: Path, count: int) -> None:
    """``count`` notes on the sample article (added once: those there already are kept)."""
    article = load_article(sample_article_path())
    text, document = article.text, document_of(article)
    with Store.open(db) as store:
        have = [a for a in store.annotations_for(document.sha256) if a.note.startswith("skala ")]
        for n in range(len(have), count):
            start = (n * 97) % (len(text) - 40)
            store.add(make_annotation(text, start, start + 12, kind="note", document=document, note=f"skala {n}"))


def timed(tool: Path, db: Path, marker: str) -> float:
    sorot = Path(sys.executable).with_name("sorot")
    command = f"{sorot} --db {db} {sample_article_path()}"
    out = subprocess.run(
        [sys.executable, str(tool), marker, "--", command], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"first_paint_s=([0-9.na]+)", out)
    return float(found.group(1)) if found else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a large database (store_scale.py --keep)")
    parser.add_argument("--annotations", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timing-tool", type=Path, default=DEFAULT_TOOL)
    args = parser.parse_args()
    if not args.timing_tool.exists():
        sys.exit(f"{args.timing_tool} not found (it comes with ../shared)")
    files = sum(1 for p in data_folder(args.db).rglob("_*.json"))
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "kecil.json"
        for db in (small, args.db):
            annotate(db, args.annotations)
        marker = f"Notes ({args.annotations})"
        rows = []
        for name, db in (("small (the article's notes only)", small), (f"large ({files:,} bucket files)", args.db)):
            paint = [timed(args.timing_tool, db, FIRST_WORDS) for _ in range(args.runs)]
            notes = [timed(args.timing_tool, db, marker) for _ in range(args.runs)]
            rows.append((name, statistics.median(paint), statistics.median(notes), max(notes)))
    print("| database | first paint (s) | notes shown, median (s) | worst (s) |")
    print("|---|---:|---:|---:|")
    for name, paint, notes, worst in rows:
        print(f"| {name} | {paint:.3f} | {notes:.3f} | {worst:.3f} |")
    print(
        f"(median of {args.runs} runs each, through {args.timing_tool.name}; the sample article, {args.annotations} notes)"
    )


if __name__ == "__main__":
    main()
