"""The reader on one article with 1,000 / 10,000 / 100,000 annotations: paint, annotations, keys, memory.

    python benchmarks/many_annotations.py [--counts 1000,10000,100000] [--article long|sample]
                                          [--timing-tool ../shared/tools/tui_timing.py] [--runs 3]

For each count it builds a database of that many annotations on one article (highlights in
every colour, notes with tags, a few added entities, some longer passages that overlap; on 300
kB of generated news text, or on the 3 kB sample article with ``--article sample``, where every
word carries hundreds of overlapping annotations), warms the entity cache, then measures:

* in a headless ``app.run_test()`` in a child process: seconds from start until the text is
  painted, until the annotations are drawn over it and until the Notes tab lists them; how long
  a new highlight takes to show (v w h 1); the time ``pilot.press`` takes for ``j`` and PageDown
  in the article and ``j`` / ``end`` in the Notes list (it includes Pilot's own waits for the app
  to be idle: compare counts with each other, not with the tmux figures); the child's peak RSS;
* through tmux with ``tui_timing.py`` (as ``reader_latency.py`` does): first paint of the text,
  and PageDown latency p50/p95 over 30 presses, (1) from 1 s after the paint, while the
  annotations are still being read, (2) once they are shown, (3) in the Notes list.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.reader_latency import make_big_article  # noqa: E402
from tui.core.annotations import DocumentRef, make_annotation  # noqa: E402
from tui.core.document import load_article, sample_article_path  # noqa: E402

DEFAULT_TOOL = ROOT.parent / "shared" / "tools" / "tui_timing.py"
LONG_BYTES = 300_000
COLOURS = ("yellow", "green", "blue", "pink", "orange")
LABELS = ("PERSON", "ORG", "LOC")


def make_article(kind: str, directory: Path) -> Path:
    """The sample article, or a long one made of its paragraphs, numbered and repeated."""
    if kind == "sample":
        return sample_article_path()
    return make_big_article(directory / "panjang.txt", LONG_BYTES)


def build_database(article_path: Path, count: int, db: Path) -> None:
    """``count`` annotations spread over the article's words (wrapping round on a short one)."""
    from tui.core.store import Store

    article = load_article(article_path)
    text = article.text
    document = DocumentRef(article.sha256, str(article.path), article.title)
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    annotations = []
    for i in range(count):
        start, end = words[(i * 7) % len(words)]
        if i % 50 == 0:  # now and then a longer passage: overlaps, spans over rows
            end = words[min(len(words) - 1, (i * 7) % len(words) + 12)][1]
        if i % 100 == 1:
            kind, fields = "entity-add", {"label": LABELS[i % 3]}
        elif i % 4 == 0:
            kind, fields = "note", {"note": f"catatan {i}: cek angka ini", "tags": ["cek", f"t{i % 40}"]}
        else:
            kind, fields = "highlight", {"colour": COLOURS[i % 5]}
        annotations.append(make_annotation(text, start, end, kind, document=document, **fields))
    with Store.open(db) as store:
        store.save_many(annotations)


def warm_cache(article: Path, env: dict[str, str]) -> None:
    sorot = shutil.which("sorot") or f"{sys.executable} -m tui"
    subprocess.run(f"{sorot} extract {article} --json", shell=True, env=env, stdout=subprocess.DEVNULL, check=True)


def through_tmux(tool: Path, article: Path, db: Path, env: dict[str, str], pre: list[str]) -> dict[str, float]:
    sorot = shutil.which("sorot") or f"{sys.executable} -m tui"
    marker = " ".join(load_article(article).title.split()[:2])
    command = f"env SOROT_CACHE_DIR={env['SOROT_CACHE_DIR']} SOROT_DB={db} {sorot} {article}"
    keys = [arg for key in pre for arg in ("--pre", key)]
    result = subprocess.run(
        [sys.executable, str(tool), marker, *keys, "--", command], capture_output=True, text=True, timeout=900
    )
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+|nan)", result.stdout)}


# --- the headless run (in a child process, so that its RSS is its own) --------------------------


async def headless(article_path: Path, db: Path, count: int) -> dict[str, float]:
    from tui.ui.app import make_app
    from tui.ui.widgets.article_view import ArticleView
    from tui.ui.widgets.notes_panel import NotesPanel

    began = time.perf_counter()
    marks: dict[str, float] = {}
    original = ArticleView.render_line

    def render_line(self, y):
        strip = original(self, y)
        if "paint_s" not in marks and strip.text.strip():
            marks["paint_s"] = time.perf_counter() - began
        return strip

    ArticleView.render_line = render_line  # type: ignore[method-assign]
    app = make_app(article_path, db=db)
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.perf_counter() + 600
        while time.perf_counter() < deadline and len(marks) < 3:
            screen = app.screen
            session = getattr(screen, "_session", None)  # set once the annotations are read
            view, notes = screen.query(ArticleView), screen.query(NotesPanel)
            if session is not None and view and len(view.first().annotations) == len(session.placed()):
                marks.setdefault("annotations_s", time.perf_counter() - began)
            if session is not None and notes and len(notes.first().ids) == len(session.annotations):
                marks.setdefault("notes_s", time.perf_counter() - began)
            await pilot.pause(0.01)
        view = app.screen.query_one(ArticleView)

        async def latency(key: str, presses: int = 30) -> tuple[float, float]:
            times = []
            for _ in range(presses):
                start = time.perf_counter()
                await pilot.press(key)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]

        view.focus()
        before = len(view.annotations)
        start = time.perf_counter()
        await pilot.press("v", "w", "h", "1")  # highlight a word and a bit: drawn once laid out
        while len(view.annotations) == before and time.perf_counter() - start < 60:
            await pilot.pause(0.01)
        marks["highlight_s"] = time.perf_counter() - start
        marks["j_p50_ms"], marks["j_p95_ms"] = await latency("j")
        marks["pagedown_p50_ms"], marks["pagedown_p95_ms"] = await latency("pagedown")
        await pilot.press("t")
        marks["notes_j_p50_ms"], marks["notes_j_p95_ms"] = await latency("j")
        marks["notes_end_p50_ms"], marks["notes_end_p95_ms"] = await latency("end", 5)
        await pilot.press("q")
    marks["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,10000,100000")
    parser.add_argument("--article", choices=("long", "sample"), default="long")
    parser.add_argument("--timing-tool", type=Path, default=DEFAULT_TOOL)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--headless", nargs=3, metavar=("ARTICLE", "DB", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.headless:
        article, db, count = args.headless
        print(json.dumps(asyncio.run(headless(Path(article), Path(db), int(count)))))
        return 0
    tmux = shutil.which("tmux") is not None and args.timing_tool.exists()
    if not tmux:
        print("(tmux or the timing tool is missing: first paint and PageDown through tmux are skipped)")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SOROT_CACHE_DIR": f"{tmp}/cache"}
        article = make_article(args.article, Path(tmp))
        text = load_article(article).text
        words = len(re.findall(r"\w+", text))
        print(f"article: {article.name}, {len(text):,} characters, {words:,} words")
        warm_cache(article, env)
        for count in [int(c) for c in args.counts.split(",")]:
            db = Path(tmp) / f"db-{count}.json"
            build_database(article, count, db)
            line = f"{count:>7,} annotations:"
            copy = Path(tmp) / "run.json"
            shutil.copy(db, copy)
            inner = subprocess.run(
                [sys.executable, __file__, "--headless", str(article), str(copy), str(count)],
                capture_output=True, text=True, env=env, timeout=1200,
            )  # fmt: skip
            if inner.returncode != 0:
                print(line, "headless run failed:", inner.stderr.strip().splitlines()[-1:])
                continue
            figures = json.loads(inner.stdout.strip().splitlines()[-1])
            print(
                line + " headless "
                + " ".join(f"{k}={v:.2f}" if k.endswith("_s") else f"{k}={v:.0f}" for k, v in figures.items()),
                flush=True,
            )  # fmt: skip
            if not tmux:
                continue
            # PageDown while the annotations load (from 1 s after the paint), then once they are
            # shown (g, top, pressed every 0.5 s until then), then in the Notes list (t).
            settle = ["g"] * (int(figures["notes_s"] * 2) + 4)
            for name, pre in (("loading", []), ("loaded", settle), ("notes", [*settle, "t"])):
                runs = []
                for _ in range(args.runs):
                    shutil.copy(db, copy)
                    runs.append(through_tmux(args.timing_tool, article, copy, env, pre))
                median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                print(
                    f"{'':>21} tmux, {name:<8} first_paint_s={median['first_paint_s']:.2f}"
                    f" PageDown p50_ms={median['page_p50_ms']:.0f} p95_ms={median['page_p95_ms']:.0f}"
                    f" (median of {len(runs)})",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
