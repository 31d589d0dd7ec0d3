"""The reader's first paint beside a bare Textual app's, and its keys while the NLP works.

    python benchmarks/first_paint.py [--runs 5] [--presses 100] [--only-paint | --only-keys]
    python benchmarks/first_paint.py --compare REV --only-paint   # REV's sorot in the same rotation

Everything is timed as a user sees it, through tmux (a 120x40 pane captured every 5 ms, as the
shared ``tui_timing.py`` does), on a machine that may be busy with other work: so the bare app
(``bare_reader.py``, the sample's text in a scrolling ``Static``) and ``sorot`` run alternately,
and medians and their ratios are printed rather than absolute figures.

- first paint: start until the article's first words are on the screen; the sample, and a 5 MB
  article, each beside the bare app on the sample (what any Textual app pays to start);
- PageDown on the 5 MB article with the NLP running (no entity cache): ``--presses`` presses
  from the first paint, key sent until the screen changed, p50/p95/p99 and the slowest;
- PageDown on a 3 MB article whose entities arrive while it is read (the entity cache filled by a
  first open, so they come within a second or two): the same figures, and the first press after
  the entity count is shown (the laying out of all its entities once took 2.2 s there).

Each run of ``sorot`` gets a database of its own, so no reading position is restored.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from reader_latency import make_big_article  # noqa: E402
from trees import check_tree, checkout  # noqa: E402

from tui.core.document import sample_article_path  # noqa: E402

FIRST_WORDS = "Presiden Rusia"
FINDING_FACTS = "finding facts"
ENTITIES_SHOWN = re.compile(r"\b\d[\d,]* entit(y|ies)\b")
_SESSIONS = itertools.count()


@dataclass
class Timing:
    first_paint: float = float("nan")
    presses: list[float] = field(default_factory=list)
    """Seconds from each PageDown sent to the screen changed (in order)."""
    sent_at: list[float] = field(default_factory=list)
    """Seconds from the start to each timed PageDown."""
    entities_after: int | None = None
    """How many presses had been timed when the entity count was first seen."""
    facts_at: float | None = None
    """Seconds from the start to the first screen without "finding facts" (the facts shown)."""


class Pane:
    """A tmux server of its own running one command in a 120x40 pane."""

    def __init__(self, command: str) -> None:
        self.sock = f"firstpaint{os.getpid()}-{next(_SESSIONS)}"
        self.start = time.perf_counter()
        self.tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, seen: Callable[[str], bool], timeout: float = 60) -> float:
        """Seconds from the start until ``seen(screen)``; NaN after ``timeout``."""
        while time.perf_counter() - self.start < timeout:
            if seen(self.screen()):
                return time.perf_counter() - self.start
            time.sleep(0.005)
        return float("nan")

    def close(self) -> None:
        self.tmux("kill-server")


def timed(command: str, presses: int = 0, until_entities: bool = False) -> Timing:
    pane = Pane(command)
    timing = Timing()
    try:
        timing.first_paint = pane.wait_for(lambda screen: FIRST_WORDS in screen)
        if timing.first_paint != timing.first_paint:  # NaN: never painted
            print(f"no first paint within 60 s: {command}\n{pane.screen()}", file=sys.stderr)
            return timing
        for _ in range(presses):
            before = pane.screen()
            if timing.entities_after is None and ENTITIES_SHOWN.search(before):
                timing.entities_after = len(timing.presses)
            if timing.facts_at is None and timing.entities_after is not None and FINDING_FACTS not in before:
                timing.facts_at = time.perf_counter() - pane.start
            sent = time.perf_counter()
            pane.tmux("send-keys", "-t", "t", "PageDown")
            while time.perf_counter() - sent < 10:
                if pane.screen() != before:
                    timing.presses.append(time.perf_counter() - sent)
                    timing.sent_at.append(sent - pane.start)
                    break
                time.sleep(0.002)
            time.sleep(0.05)
        if until_entities and timing.entities_after is None:
            print("the entities did not arrive within the presses", file=sys.stderr)
    finally:
        pane.close()
    return timing


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def keys_line(name: str, runs: list[Timing]) -> str:
    presses = [p * 1000 for run in runs for p in run.presses]
    line = (
        f"{name}: PageDown p50={quantile(presses, 0.5):.1f} ms p95={quantile(presses, 0.95):.1f} ms "
        f"p99={quantile(presses, 0.99):.1f} ms max={max(presses, default=float('nan')):.1f} ms "
        f"over {len(presses)} presses in {len(runs)} runs"
    )
    after = [run.presses[run.entities_after] * 1000 for run in runs if run.entities_after is not None
             and run.entities_after < len(run.presses)]  # fmt: skip
    slowest = sorted(((p, run.sent_at[i]) for run in runs for i, p in enumerate(run.presses)), reverse=True)[:3]
    line += "; slowest at " + ", ".join(f"{at:.1f} s ({p * 1000:.0f} ms)" for p, at in slowest)
    if after:
        line += f"; first press after the entities arrived: {', '.join(f'{a:.1f}' for a in after)} ms"
    if facts := [f"{run.facts_at:.1f}" for run in runs if run.facts_at is not None]:
        line += f"; facts shown at {', '.join(facts)} s"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--only-paint", action="store_true", help="first paints only, no PageDown")
    parser.add_argument("--compare", metavar="REV", help="also time REV's sorot, in the same rotation")
    parser.add_argument("--only-keys", action="store_true", help="PageDown on 5 MB only, no first paints")
    parser.add_argument(
        "--only-arrival", action="store_true", help="PageDown on 3 MB while its entities and facts arrive, only"
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed for this benchmark", file=sys.stderr)
        return 2
    python = sys.executable
    sample = sample_article_path()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        old = stack.enter_context(checkout(args.compare)) if args.compare else None
        if old is not None:
            check_tree(old)
        # Both from bytecode, as an installed program runs: compiling sorot's sources on each start
        # (with PYTHONDONTWRITEBYTECODE set, as in some shells and CI) costs it 0.1-0.2 s more.
        compiled = f"env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX={tmp}/pycache"
        bare = f"{compiled} {python} {ROOT / 'benchmarks' / 'bare_reader.py'} {sample}"
        big = make_big_article(Path(tmp) / "big-5mb.txt")
        three = make_big_article(Path(tmp) / "big-3mb.txt", 3 * 1024 * 1024)
        runs = itertools.count()

        def sorot(article: Path, cache: str = "off", tree: Path = ROOT) -> str:
            # Run in the tree: -m puts the working directory first on the path (see trees.py).
            return (
                f"cd {tree} && {compiled} PYTHONPATH={tree} SOROT_CACHE_DIR={cache} "
                f"SOROT_DB={tmp}/db-{next(runs)}.json {python} -m tui {article}"
            )

        timed(bare)  # once each untimed: the bytecode written, the files in the page cache
        timed(sorot(sample))
        rotation = [("bare", bare), ("sample", sorot(sample)), ("bare", bare), ("5MB", sorot(big))]
        if old is not None:
            timed(sorot(sample, tree=old))
            rotation += [
                (f"{args.compare} sample", sorot(sample, tree=old)),
                (f"{args.compare} 5MB", sorot(big, tree=old)),
            ]

        if args.only_arrival:
            arrival(three, sorot, tmp, args)
            return 0
        if args.only_keys:
            print(keys_line("sorot 5MB, NLP running", [timed(sorot(big), args.presses) for _ in range(args.runs)]))
            return 0
        paints: dict[str, list[float]] = {}
        for _ in range(args.runs):
            for name, command in rotation:
                paints.setdefault(name, []).append(timed(command).first_paint)
        base = statistics.median(paints["bare"])
        print(f"bare Textual app, sample: first paint {base:.3f} s (median of {len(paints['bare'])})")
        for name in (name for name in paints if name != "bare"):
            median = statistics.median(paints[name])
            print(
                f"sorot {name}: first paint {median:.3f} s (median of {args.runs}), {median / base:.2f}x the bare app "
                f"[runs: {', '.join(f'{p:.3f}' for p in paints[name])}]"
            )
        if args.only_paint:
            return 0
        keys = [timed(sorot(big), args.presses) for _ in range(max(1, args.runs // 2))]
        print(keys_line("sorot 5MB, NLP running", keys))
        arrival(three, sorot, tmp, args)
    return 0


def arrival(three: Path, sorot: Callable[[Path, str], str], tmp: str, args: argparse.Namespace) -> None:
    """PageDown on the 3 MB article while its entities (from the cache a first open fills) and then
    its facts arrive."""
    cache = f"{tmp}/entity-cache"
    fill = Pane(sorot(three, cache))
    try:
        filled = fill.wait_for(lambda screen: bool(ENTITIES_SHOWN.search(screen)), timeout=900)
    finally:
        fill.close()
    print(f"(the 3 MB article's entities, first open: {filled:.1f} s)")
    after = [timed(sorot(three, cache), args.presses, until_entities=True) for _ in range(max(1, args.runs // 2))]
    print(keys_line("sorot 3MB, entities arriving", after))


if __name__ == "__main__":
    raise SystemExit(main())
