"""How fast W3C JSON-LD imports, in Sorot's own compact form and in the forms other tools write.

    python benchmarks/w3c_import_speed.py [--count 10000] [--runs 1] [--db]

Makes ``--count`` annotations (notes with two tags, highlights, entity corrections, over 20
documents), exports them as ``sorot export --format w3c`` does, and writes the same graph two
more ways with pyld (outside the timing): re-compacted with another prefix for Sorot's namespace
(``s:kind``) and expanded (every key a full IRI). For each file it prints the time
``import_annotations`` takes to read it (best of ``--runs``) in ms per annotation, and checks the
three give back the very annotations exported. CPU time is the figure (other processes on the
machine do not change it); wall time is shown beside it. ``--db`` also times ``sorot import`` of each into
a new database (in this process), which adds the store's own time, the same for every form.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pyld import jsonld  # noqa: E402

from tui.core.annotations import Annotation, DocumentRef, make_annotation  # noqa: E402
from tui.core.document import sample_article_path  # noqa: E402
from tui.core.exchange import run_import  # noqa: E402
from tui.core.formats import ImportLimits, import_annotations  # noqa: E402
from tui.core.formats import jsonld as sorot_jsonld  # noqa: E402
from tui.core.formats.w3c import w3c_collection  # noqa: E402

OPTIONS = {"documentLoader": sorot_jsonld._load_document}
S_CONTEXT = [sorot_jsonld.W3C_CONTEXT, {"s": sorot_jsonld.SOROT_NS}]


def make_annotations(count: int) -> list[Annotation]:
    """``count`` annotations of every kind on 20 copies of the sample article."""
    text = sample_article_path().read_text(encoding="utf-8")
    words = [(i, text.index(" ", i)) for i in range(1, len(text) - 1) if text[i - 1] == " " and " " in text[i:]]
    docs = [DocumentRef.for_text(text + f"\n{d}", f"/berita/artikel-{d}.txt", f"Artikel {d}") for d in range(20)]
    kinds = [("note", {}), ("highlight", {"colour": "yellow"}), ("entity-add", {"label": "LOC"}),
             ("entity-relabel", {"label": "ORG"}), ("entity-reject", {"label": "PERSON"})]  # fmt: skip
    out = []
    for i in range(count):
        start, end = words[i % len(words)]
        kind, fields = kinds[i % len(kinds)]
        note = f"catatan nomor {i}: cek angka ini" if kind == "note" else ""
        out.append(
            make_annotation(
                text + f"\n{i % 20}",
                start,
                end,
                kind,
                document=docs[i % 20],
                note=note,
                tags=["banjir", f"t{i % 50}"],
                now="2026-01-01T00:00:00.000Z",
                **fields,
            )  # fmt: skip
        )
    return out


def timed(function, runs: int) -> tuple[float, float, object]:
    """The best of ``runs`` calls of ``function``: CPU seconds (what other processes on the machine
    do not change), wall seconds, and what it returned."""
    cpu, wall, result = float("inf"), float("inf"), None
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = function()
        cpu = min(cpu, time.process_time() - began_cpu)
        wall = min(wall, time.perf_counter() - began)
    return cpu, wall, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--db", action="store_true", help="also time sorot import into a new database")
    args = parser.parse_args()
    anns = make_annotations(args.count)
    collection = w3c_collection(anns)
    forms = {
        "Sorot's own": collection,
        "re-compacted (s:)": jsonld.compact(collection, S_CONTEXT, OPTIONS),
        "expanded": jsonld.expand(collection, OPTIONS),
    }
    limits = ImportLimits(annotations=max(args.count, 1))
    print(f"{args.count:,} annotations, best of {args.runs}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, document in forms.items():
            path = Path(tmp) / "annotations.jsonld"
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
            cpu, wall, read = timed(lambda path=path: import_annotations(path, limits), args.runs)
            same = "same annotations" if read == anns else "DIFFERENT ANNOTATIONS"
            line = (
                f"{name:<18} {path.stat().st_size / 1e6:5.1f} MB  read: {cpu * 1000 / args.count:5.2f} ms/annotation"
                f" ({cpu:6.2f} s CPU, {wall:6.2f} s wall)  {same}"
            )
            if args.db:
                db = Path(tmp) / "db.json"
                db.unlink(missing_ok=True)
                cpu, wall, _ = timed(lambda path=path, db=db: run_import(path, db, limits=limits), 1)
                line += f"  import into a new db: {cpu * 1000 / args.count:5.2f} ms/annotation ({cpu:6.2f} s CPU)"
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
