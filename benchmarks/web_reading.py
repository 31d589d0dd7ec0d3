"""Reading the web, timed as a user sees it (tmux), with the news site on 127.0.0.1:

- first paint of a kept web article (``sorot URL``: its kept copy shows at once, the check for a
  newer version runs after) against the same text as a file (``sorot FILE``), through the shared
  ``tui_timing.py``; also with the site down (offline);
- from enter on a feed entry in ``sorot feeds`` to the article's text on screen: the page fetched,
  extracted and kept (nothing kept before), and again once kept.

    python benchmarks/web_reading.py [--runs 5] [--timing-tool ../shared/tools/tui_timing.py]

Prints one line per run and the medians. Private folders (database, kept copies, entity cache)
are made for the run; nothing of the user's is touched.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "tests" / "data" / "web"
DEFAULT_TOOL = ROOT.parent / "shared" / "tools" / "tui_timing.py"
SOROT = Path(sys.executable).with_name("sorot")
PAGE = "kompas_banjir"
MARKER = "Penjaringan dan Pluit"  # in the article's first paragraph


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def site(folder: Path, base: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # The fixture article, made as long as a long feature (400 more paragraphs, 40 screens): the
    # timing tool pages down 30 times, and a page that cannot scroll would wait out each key.
    page = (WEB / f"{PAGE}.html").read_text(encoding="utf-8")
    more = "".join(
        f"<p>Paragraf laporan lanjutan nomor {n}: petugas BPBD mencatat ketinggian air di titik {n} "
        f"mencapai {20 + n} sentimeter, dan warga diminta tetap waspada hingga pasang surut.</p>"
        for n in range(1, 401)
    )
    second = "\n<p>Kepala Pelaksana"  # after the first paragraph, which holds the marker
    assert second in page
    (folder / "banjir.html").write_text(page.replace(second, "\n" + more + second, 1), encoding="utf-8")
    (folder / "rss.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kabar</title>'
        f"<item><title>Banjir rob rendam Penjaringan</title><link>{base}/banjir.html</link>"
        "<guid>banjir</guid><pubDate>Tue, 04 Mar 2025 10:00:00 +0700</pubDate></item></channel></rss>",
        encoding="utf-8",
    )


def first_paint(tool: Path, target: str, env: dict[str, str]) -> float:
    command = " ".join(f"{k}={v}" for k, v in env.items()) + f" {SOROT} {target}"
    out = subprocess.run(
        [sys.executable, str(tool), MARKER, "--", f"env {command}"], capture_output=True, text=True, check=True
    ).stdout
    return float(out.split("first_paint_s=")[1].split()[0])


def tmux(socket: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True).stdout


_SESSIONS = itertools.count()


def enter_to_text(env: dict[str, str]) -> float:
    """Seconds from enter on the feed's entry to the article's text on screen."""
    socket = f"sorotweb{os.getpid()}-{next(_SESSIONS)}"  # a fresh tmux server: the last one may still be closing
    command = "env " + " ".join(f"{k}={v}" for k, v in env.items()) + f" {SOROT} feeds"
    tmux(socket, "new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command)
    try:
        deadline = time.perf_counter() + 30
        while "Banjir rob rendam" not in tmux(socket, "capture-pane", "-p", "-t", "t"):
            if time.perf_counter() > deadline:
                raise RuntimeError("the reading list did not show")
            time.sleep(0.01)
        time.sleep(0.5)
        start = time.perf_counter()
        tmux(socket, "send-keys", "-t", "t", "Enter")
        while MARKER not in tmux(socket, "capture-pane", "-p", "-t", "t"):
            if time.perf_counter() - start > 30:
                raise RuntimeError("the article did not show")
            time.sleep(0.005)
        return time.perf_counter() - start
    finally:
        tmux(socket, "kill-server")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timing-tool", type=Path, default=DEFAULT_TOOL)
    args = parser.parse_args()
    if not args.timing_tool.is_file():
        print(f"no timing tool at {args.timing_tool} (--timing-tool PATH)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="sorot-web-bench-") as scratch:
        root = Path(scratch)
        web = root / "web"
        env = {
            "SOROT_DB": str(root / "db.json"),
            "SOROT_WEB_DIR": str(web),
            "SOROT_CACHE_DIR": str(root / "cache"),
        }
        served = root / "site"
        server = serve(served)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        site(served, base)
        url = f"{base}/banjir.html"
        full_env = {**os.environ, **env}
        subprocess.run([SOROT, "feed", "add", f"{base}/rss.xml"], env=full_env, check=True, capture_output=True)
        text = root / "banjir.txt"
        extracted = subprocess.run(
            [SOROT, "extract", url, "--json"], env=full_env, check=True, capture_output=True, text=True
        ).stdout
        text.write_text(json.loads(extracted)["document"]["text"], encoding="utf-8")
        figures: dict[str, list[float]] = {}
        for run in range(1, args.runs + 1):
            row = {
                "first paint, file": first_paint(args.timing_tool, str(text), env),
                "first paint, kept URL": first_paint(args.timing_tool, url, env),
            }
            shutil.rmtree(web, ignore_errors=True)
            row["enter to text, fetched"] = enter_to_text(env)
            row["enter to text, kept"] = enter_to_text(env)
            for name, value in row.items():
                figures.setdefault(name, []).append(value)
            print(f"run {run}: " + "  ".join(f"{name} {value:.3f} s" for name, value in row.items()), flush=True)
        server.shutdown()
        offline = [first_paint(args.timing_tool, url, env) for _ in range(args.runs)]
        figures["first paint, kept URL, site down"] = offline
    print("\nmedians:")
    for name, values in figures.items():
        print(f"  {name:<36} {statistics.median(values):.3f} s   (worst {max(values):.3f} s, {len(values)} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
