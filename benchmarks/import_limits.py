"""Time and peak memory of ``sorot import`` on big files, within the limits and past them.

    python benchmarks/import_limits.py [--sizes 10000,100000,1000000] [--no-limits-too]

Generates JSON Lines and W3C JSON-LD exports of N notes (over 20 documents, each with a note
and two tags, as ``sorot export`` writes them), then runs ``sorot import FILE --db NEW`` in a
child process and prints its wall time, peak RSS (from ``wait4``) and outcome. Past the default
limit of annotations the import is refused; the figures show how early. ``--no-limits-too``
also imports the sizes over the limit with ``--no-limits`` (1,000,000 takes minutes and GBs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.core.annotations import DocumentRef, make_annotation  # noqa: E402
from tui.core.document import sample_article_path  # noqa: E402
from tui.core.formats import DEFAULT_LIMITS  # noqa: E402
from tui.core.formats.w3c import to_w3c  # noqa: E402


def write_exports(n: int, directory: Path) -> tuple[Path, Path]:
    """``n`` notes as a JSONL and a W3C file, written a record at a time (no list of n in memory)."""
    text = sample_article_path().read_text(encoding="utf-8")
    words = [(i, text.index(" ", i)) for i in range(1, len(text) - 1) if text[i - 1] == " " and " " in text[i:]]
    docs = [DocumentRef.for_text(text + f"\n{d}", f"/berita/artikel-{d}.txt", f"Artikel {d}") for d in range(20)]
    jsonl, w3c = directory / f"notes-{n}.jsonl", directory / f"notes-{n}.jsonld"
    with open(jsonl, "w", encoding="utf-8") as lines, open(w3c, "w", encoding="utf-8") as doc:
        doc.write('{"@context": ["http://www.w3.org/ns/anno.jsonld", {"sorot": "https://sorot.invalid/ns#"}],\n')
        doc.write(f' "type": "AnnotationCollection", "total": {n},\n "first": {{"type": "AnnotationPage", "items": [\n')
        for i in range(n):
            start, end = words[i % len(words)]
            ann = make_annotation(
                text, start, end, "note", document=docs[i % 20], note=f"catatan nomor {i}: cek angka ini",
                tags=["banjir", f"t{i % 50}"], now="2026-01-01T00:00:00.000Z",
            )  # fmt: skip
            lines.write(json.dumps(ann.to_dict(), ensure_ascii=False) + "\n")
            doc.write(("" if i == 0 else ",\n") + json.dumps(to_w3c(ann), ensure_ascii=False, indent=2))
        doc.write("\n]}}\n")
    return jsonl, w3c


def run_import(source: Path, db: Path, *extra: str) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and the last stderr line of one ``sorot import``."""
    command = [sys.executable, "-m", "tui", "import", str(source), "--db", str(db), *extra]
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    assert child.stderr is not None
    err = child.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    last = err.strip().splitlines()[-1] if err.strip() else f"exit {child.returncode}"
    return seconds, usage.ru_maxrss / 1024, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--no-limits-too", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"default limit: {DEFAULT_LIMITS.annotations:,} annotations per import")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            files = write_exports(n, Path(tmp))
            for source in files:
                runs = [()]
                if args.no_limits_too and DEFAULT_LIMITS.annotations is not None and n > DEFAULT_LIMITS.annotations:
                    runs.append(("--no-limits",))
                for extra in runs:
                    db = Path(tmp) / f"db-{n}-{source.suffix}-{len(extra)}.json"
                    seconds, rss, outcome = run_import(source, db, *extra)
                    size = source.stat().st_size / 1e6
                    print(
                        f"{n:>9,} annotations, {source.suffix[1:]:>6} {size:7.1f} MB {' '.join(extra):<12}"
                        f" {seconds:7.2f} s  peak RSS {rss:7.0f} MB  {outcome[:110]}"
                    )
                    db.unlink(missing_ok=True)
            for source in files:
                source.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
