"""The reader opening an article in a large database, measured as a user sees it.

    python benchmarks/reader_scale.py --db BIG.json [--annotations 50] [--runs 3]

``BIG.json`` is a database built by ``store_scale.py --keep DIR`` (say, the 1,000,000-record
one). The sample article gets ``--annotations`` notes in it and in a new small database; then
``sorot --db DB sample`` runs in tmux, once per run and database, and the time from the start
until the Notes tab shows the article's notes (``Notes (50)``) is printed, with the first paint
(the article's first words) beside it. Timed as the shared ``tui_timing.py`` times a first paint
(a tmux session of 120x40, the pane captured every 5 ms until the text is on it), without its
PageDown presses, which on the short sample would each wait out its 5 s timeout. The big
database gets the notes added once (they stay).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.core.annotations import make_annotation  # noqa: E402
from tui.core.document import load_article, sample_article_path  # noqa: E402
from tui.core.session import document_of  # noqa: E402
from tui.core.store import Store, data_folder  # noqa: E402

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


_SESSIONS = itertools.count()


def timed(db: Path, markers: tuple[str, ...]) -> list[float]:
    """Seconds from the start until each marker is on the screen (tui_timing.py's method)."""
    sorot = Path(sys.executable).with_name("sorot")
    command = f"{sorot} --db {db} {sample_article_path()}"
    sock = f"readerscale{os.getpid()}-{next(_SESSIONS)}"  # a server of its own each time

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True).stdout

    seen: dict[str, float] = {}
    screen = ""
    start = time.perf_counter()
    tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command)
    try:
        while time.perf_counter() - start < 60 and len(seen) < len(markers):
            screen = tmux("capture-pane", "-p", "-t", "t")
            now = time.perf_counter() - start
            for marker in markers:
                if marker in screen and marker not in seen:
                    seen[marker] = now
            time.sleep(0.005)
    finally:
        tmux("kill-server")
    if len(seen) < len(markers):  # say what was on the screen instead
        print(f"not seen within 60 s: {[m for m in markers if m not in seen]}; the screen:\n{screen}", file=sys.stderr)
    return [seen.get(marker, float("nan")) for marker in markers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a large database (store_scale.py --keep)")
    parser.add_argument("--annotations", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = sum(1 for p in data_folder(args.db).rglob("_*.json"))
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "kecil.json"
        for db in (small, args.db):
            annotate(db, args.annotations)
        marker = f"Notes ({args.annotations})"
        rows = []
        for name, db in (("small (the article's notes only)", small), (f"large ({files:,} bucket files)", args.db)):
            runs = [timed(db, (FIRST_WORDS, marker)) for _ in range(args.runs)]
            paint, notes = [r[0] for r in runs], [r[1] for r in runs]
            rows.append((name, statistics.median(paint), statistics.median(notes), max(notes)))
    print("| database | first paint (s) | notes shown, median (s) | worst (s) |")
    print("|---|---:|---:|---:|")
    for name, paint, notes, worst in rows:
        print(f"| {name} | {paint:.3f} | {notes:.3f} | {worst:.3f} |")
    print(f"(median of {args.runs} runs each, through tmux; the sample article, {args.annotations} notes)")


if __name__ == "__main__":
    main()
