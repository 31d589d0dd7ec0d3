"""How the annotation store grows: open, save, update, delete and memory at 1,000 to 1,000,000 records.

    python benchmarks/store_scale.py [--sizes 1000,10000,100000,1000000] [--saves 60]
                                     [--old-sizes 1000,10000,100000] [--old-rev b923487] [--keep DIR]
                                     [--root TREE]

For each size N a database is made of N annotations spread over N/100 generated documents (at
least 10), plus N reading positions, each for a made-up document of its own, as the feeds and
read state of a news reader will add. It is made the way a large database is moved in: a
single-file dump (schema 1, one record per line, :mod:`tui.core.store.fileformat`) is written a
line at a time, then restored with :func:`tui.core.store.restore_database` into a manifest and
its data folder of buckets. Nothing holds the database in memory, so sizes up to 1,000,000 build
in bounded memory; the build runs in a process of its own and its time is printed.

Then, in a fresh process (started by a parent that never imports the store, so that
``getrusage`` reports this process's own peak and not its parent's):

* open one document: ``Store.open`` and ``annotations_for(sha256, path)``, as the reader opens an
  article (with its path: the other texts found at that path are looked up too);
* ``document_opened`` (the first time: a write; again: none), ``set_position`` (p95 of 20),
  ``tags()`` (cold, then warm);
* add / update / delete: p95 of ``--saves`` real saves each (lock, re-read check, atomic write
  with fsync and rename), on three new documents;
* peak memory: the largest resident size of that process, at its end (``getrusage``);
* files: the bucket files of the data folder, and the size of everything in it.

The old single-file design (``--old-rev``, checked out into a temporary git worktree) is
measured at ``--old-sizes`` on the same data: the dump is a database it reads as it is. Each
old size runs the same measurement with the old tree's code, and the old benchmark's own
``--measure`` (open with ``annotations_for(sha256)`` only, peak memory after opening).

``--root`` measures another tree's ``tui`` as the new design: a copy of a tree being edited keeps
one version of the store for the whole run (the first line printed names the code measured).

Printed: a Markdown table, one row per size and design, a table of the other timings, and a
line per target of issue 13 (open <= 200 ms, save p95 <= 30 ms, peak memory not growing with
the database).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from trees import check_tree, checkout, tree_env  # noqa: E402  (standard library only: the parent stays small)

OPEN_TARGET_MS = 200.0
SAVE_P95_TARGET_MS = 30.0
PEAK_GROWTH_ALLOWED = 1.25
"""Peak memory "not growing with the database": the peak at the largest size over the peak at the
size before it (sizes 10 times apart: memory growing with the data would grow several times over).
The smallest size is not the reference: its database is smaller than the store's bucket cache."""
POSITION_SAVES = 20


def _use_tree(root: str) -> None:
    """Import the store from ``root`` (this tree, or another's), checked; before ``store_latency``,
    which puts this tree first on the path."""
    sys.path.insert(0, str(root))
    import tui.core.store

    where = Path(tui.core.store.__file__).resolve()
    if not where.is_relative_to(Path(root).resolve()):
        raise SystemExit(f"the store was imported from {where}, not from {root}")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_mb() -> float | None:
    """The peak resident size of this process's own memory (``VmHWM``), to check ``getrusage``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# -- building (in a child) ------------------------------------------------------------------------


def write_dump(out: Path, size: int, seed: int) -> dict[str, Any]:
    """Stream a schema-1 single-file database of ``size`` annotations and ``size`` positions to
    ``out``; returns the document to open (its sha256, path and title)."""
    from store_latency import make_documents, random_annotation

    from tui.core.annotations import now_iso

    rng = random.Random(seed)
    docs = make_documents(max(10, size // 100), rng, words_each=400)
    encode = json.JSONEncoder(separators=(",", ":")).encode  # ASCII, as Sorot writes
    updated = now_iso()
    with open(out, "w", encoding="ascii", buffering=1 << 20) as f:
        f.write('{\n"meta":{\n"1":{"schema":1}\n},\n"annotations":{\n')
        for n in range(1, size + 1):
            f.write(f'"{n}":{encode(random_annotation(docs, rng).to_dict())}{"," if n < size else ""}\n')
        f.write('},\n"positions":{\n')
        for n in range(1, size + 1):
            record = {
                "document": {"sha256": f"{n:064x}", "path": f"/home/pembaca/arsip/{n}.txt", "title": f"Arsip {n}"},
                "offset": n % 5000,
                "updated": updated,
            }
            f.write(f'"{n}":{encode(record)}{"," if n < size else ""}\n')
        f.write("}\n}\n")
    ref = docs[0][1]
    return {"sha": ref.sha256, "path": ref.path, "title": ref.title}


def folder_stats(folder: Path) -> tuple[int, int]:
    """The bucket files of a data folder, and the bytes of every file in it."""
    buckets = total = 0
    for where, _dirs, files in os.walk(folder):
        for name in files:
            total += os.stat(os.path.join(where, name)).st_size
            buckets += name.startswith("_") and name.endswith(".json")
    return buckets, total


def build(dump: Path, db: Path, size: int, seed: int) -> dict[str, Any]:
    """Runs in a child: the dump, then the database restored from it."""
    from tui.core.store import data_folder, restore_database

    started = time.perf_counter()
    doc = write_dump(dump, size, seed)
    dumped = time.perf_counter() - started
    started = time.perf_counter()
    done = restore_database(dump, db)
    warnings = done.warnings if hasattr(done, "warnings") else done  # (before Restored: a list)
    restored = time.perf_counter() - started
    buckets, total = folder_stats(data_folder(db))
    return {
        **doc,
        "dump_s": dumped,
        "restore_s": restored,
        "build_s": dumped + restored,
        "dump_mb": dump.stat().st_size / 1e6,
        "files": buckets,
        "disk_mb": (total + db.stat().st_size) / 1e6,
        "build_peak_mb": _peak_mb(),
        "warnings": warnings,
    }


# -- measuring (in a fresh child) -----------------------------------------------------------------


def measure(db: str, doc: dict[str, str], saves: int, seed: int) -> dict[str, Any]:
    """Runs in a fresh process: open one document as the reader does, then time its other calls
    and ``saves`` adds, updates and deletes. Works with the old single-file store's code too."""
    from store_latency import make_documents, percentile, random_annotation

    from tui.core.annotations import DocumentRef
    from tui.core.store import Store

    def ms(since: float) -> float:
        return (time.perf_counter() - since) * 1000

    rng = random.Random(seed)
    load = os.getloadavg()[0]
    ref = DocumentRef(doc["sha"], doc["path"], doc["title"])
    started = time.perf_counter()
    store = Store.open(db)
    store_open = ms(started)
    shown = store.annotations_for(ref.sha256, ref.path)
    opened = ms(started)
    peak_open = _peak_mb()

    t = time.perf_counter()
    store.document_opened(ref)
    doc_opened_first = ms(t)
    t = time.perf_counter()
    store.document_opened(ref)
    doc_opened_again = ms(t)
    t = time.perf_counter()
    tags = store.tags()
    tags_cold = ms(t)
    t = time.perf_counter()
    store.tags()
    tags_warm = ms(t)
    positions = []
    for n in range(POSITION_SAVES):
        t = time.perf_counter()
        store.set_position(ref, 100 + n)
        positions.append(ms(t))

    docs = make_documents(3, rng, words_each=400)
    adds, updates, deletes, added = [], [], [], []
    for _ in range(saves):
        annotation = random_annotation(docs, rng)
        t = time.perf_counter()
        store.add(annotation)
        adds.append(ms(t))
        added.append(annotation)
    for annotation in added[: saves // 2]:
        t = time.perf_counter()
        store.update(annotation.edited(note="diperbarui"))
        updates.append(ms(t))
    for annotation in added[saves // 2 :]:
        t = time.perf_counter()
        store.delete(annotation.id)
        deletes.append(ms(t))
    store.close()

    started = time.perf_counter()  # the old benchmark's open: annotations_for(sha256) only, a new Store
    again = Store.open(db)
    again.annotations_for(ref.sha256)
    open_sha_only = ms(started)
    again.close()
    return {
        "warnings": store.warnings + again.warnings,
        "open_ms": opened,
        "store_open_ms": store_open,
        "open_sha_only_ms": open_sha_only,
        "shown": len(shown),
        "document_opened_ms": doc_opened_first,
        "document_opened_again_ms": doc_opened_again,
        "tags_cold_ms": tags_cold,
        "tags_warm_ms": tags_warm,
        "tags": len(tags),
        "set_position_p95": percentile(positions, 0.95),
        "set_position_max": max(positions),
        "add_p95": percentile(adds, 0.95),
        "update_p95": percentile(updates, 0.95),
        "delete_p95": percentile(deletes, 0.95),
        "add_p50": statistics.median(adds),
        "add_max": max(adds),
        "peak_open_mb": peak_open,
        "peak_mb": _peak_mb(),
        "hwm_mb": _hwm_mb(),
        "load": (load, os.getloadavg()[0]),
    }


# -- the parent: one child per build and per measurement ------------------------------------------


def child(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a child and return the JSON it prints last."""
    run = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False, cwd=cwd, env=env)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def old_measure(tree: Path, db: Path, doc: dict[str, str], saves: int, seed: int) -> dict[str, Any]:
    """The old single-file design on a copy of the dump: this measurement with the old tree's
    code, and the old benchmark's own (``benchmarks/store_scale.py --measure`` at that commit)."""
    env = tree_env(tree)
    ours = db.with_name("old-ours.json")
    theirs = db.with_name("old-theirs.json")
    shutil.copyfile(db, ours)
    shutil.copyfile(db, theirs)
    m = child(
        [__file__, "--measure-json", str(ours), json.dumps(doc), "--root", str(tree), "--saves", str(saves),
         "--seed", str(seed)],
        cwd=tree,
        env=env,
    )  # fmt: skip
    m["old"] = child(
        ["benchmarks/store_scale.py", "--measure", str(theirs), doc["sha"], "--saves", str(saves)], cwd=tree, env=env
    )
    m["disk_mb"] = ours.stat().st_size / 1e6
    m["files"] = 1
    for leftover in db.parent.glob("old-*"):
        leftover.unlink()
    return m


def provenance(root: Path) -> str:
    """Which code the new design's numbers are of: the tree, its commit, and a hash of its store's sources."""
    digest = hashlib.sha256()
    for source in sorted((root / "tui" / "core" / "store").glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--", "tui/core/store"], capture_output=True, text=True
    )
    commit = head.stdout.strip() or "not a git tree"
    if head.returncode == 0 and dirty.stdout.strip():
        commit += " with uncommitted store changes"
    return f"tui of {root} ({commit}; store sources sha256 {digest.hexdigest()[:12]})"


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--saves", type=int, default=60)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--old-sizes", default="1000,10000,100000", help="sizes to measure the old design at ('' for none)"
    )
    parser.add_argument("--old-rev", default="b923487", help="the commit of the old single-file design")
    parser.add_argument(
        "--keep", metavar="DIR", help="build the databases in DIR and keep them (default: a temporary dir)"
    )
    parser.add_argument("--build", nargs=3, metavar=("DUMP", "DB", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--measure-json", nargs=2, metavar=("DB", "DOC"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--root",
        default=str(ROOT),
        help="the tree whose tui is measured as the new design (default: this one; a copy of a tree being edited "
        "keeps one version of the code for the whole run)",
    )
    args = parser.parse_args()
    if args.build:
        _use_tree(args.root)
        print(json.dumps(build(Path(args.build[0]), Path(args.build[1]), int(args.build[2]), args.seed)))
        return 0
    if args.measure_json:
        _use_tree(args.root)
        print(json.dumps(measure(args.measure_json[0], json.loads(args.measure_json[1]), args.saves, args.seed)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s]
    old_sizes = {int(s) for s in args.old_sizes.split(",") if s} & set(sizes)
    rows: list[tuple[str, int, dict[str, Any], dict[str, Any]]] = []  # design, size, build, measurement
    header = (
        "| records | build (s) | open one document (ms) | add p95 (ms) | update p95 (ms) | delete p95 (ms) "
        "| peak RSS (MB) | files | on disk (MB) |"
    )
    print(f"<!-- new design: {provenance(Path(args.root))}; old design: {args.old_rev if old_sizes else 'not run'} -->")
    print(header)
    print("|" + "|".join(["---:"] * (header.count("|") - 1)) + "|")

    def row(design: str, size: int, b: dict[str, Any], m: dict[str, Any]) -> None:
        rows.append((design, size, b, m))
        label = f"{size:,}" + ("" if design == "new" else f" (old {args.old_rev})")
        build_s = b["build_s"] if design == "new" else None
        print(
            f"| {label} | {fmt(build_s)} | {fmt(m['open_ms'])} | {fmt(m['add_p95'])} | {fmt(m['update_p95'])} "
            f"| {fmt(m['delete_p95'])} | {fmt(m['peak_mb'], 0)} | {m['files']:,} | {fmt(m['disk_mb'])} |",
            flush=True,
        )

    with ExitStack() as stack:
        tree = None
        if old_sizes:
            tree = stack.enter_context(checkout(args.old_rev))
            check_tree(tree)
        if args.keep:
            work = Path(args.keep)
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sorot-scale-")))
        for size in sizes:
            folder = work / f"n{size}"
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            dump, db = folder / "dump.json", folder / "sorot.json"
            b = child(
                [__file__, "--build", str(dump), str(db), str(size), "--seed", str(args.seed), "--root", args.root]
            )
            doc = {k: b[k] for k in ("sha", "path", "title")}
            print(
                f"<!-- {size:,}: dump {b['dump_s']:.1f} s ({b['dump_mb']:.0f} MB), restore {b['restore_s']:.1f} s, "
                f"build peak RSS {b['build_peak_mb']:.0f} MB{''.join('; ' + w for w in b['warnings'])} -->",
                file=sys.stderr,
                flush=True,
            )
            m = child([__file__, "--measure-json", str(db), json.dumps(doc), "--saves", str(args.saves),
                       "--seed", str(args.seed), "--root", args.root])  # fmt: skip
            m["files"], m["disk_mb"] = b["files"], b["disk_mb"]
            for warning in dict.fromkeys(m["warnings"]):
                print(f"<!-- {size:,}: the store warned: {warning} -->", file=sys.stderr, flush=True)
            row("new", size, b, m)
            if size in old_sizes and tree is not None:
                row("old", size, b, old_measure(tree, dump, doc, args.saves, args.seed))
            if not args.keep:
                shutil.rmtree(folder)

    print()
    print(
        "| records | design | dump + restore (s) | build peak RSS (MB) | Store.open (ms) | open, sha only (ms) "
        "| shown | document_opened first / again (ms) | set_position p95 (ms) | tags() cold / warm (ms) "
        "| add p50 / max (ms) | peak RSS after open (MB) | VmHWM (MB) "
        "| load avg before / after | old benchmark: open / add / upd / del p95 / peak |"
    )
    print("|" + "|".join(["---:"] * 15) + "|")
    for design, size, b, m in rows:
        old = m.get("old")
        theirs = (
            f"{old['open_ms']:.1f} / {old['add_p95']:.1f} / {old['update_p95']:.1f} / {old['delete_p95']:.1f} / "
            f"{old['peak_open_mb']:.0f}"
            if old
            else "–"
        )
        built = f"{b['dump_s']:.1f} + {b['restore_s']:.1f}" if design == "new" else f"{b['dump_s']:.1f} + 0"
        print(
            f"| {size:,} | {design if design == 'new' else 'old ' + args.old_rev} | {built} "
            f"| {fmt(b['build_peak_mb'], 0) if design == 'new' else '–'} | {fmt(m['store_open_ms'])} "
            f"| {fmt(m['open_sha_only_ms'])} | {m['shown']} "
            f"| {fmt(m['document_opened_ms'])} / {fmt(m['document_opened_again_ms'])} | {fmt(m['set_position_p95'])} "
            f"| {fmt(m['tags_cold_ms'])} / {fmt(m['tags_warm_ms'])} | {fmt(m['add_p50'])} / {fmt(m['add_max'])} "
            f"| {fmt(m['peak_open_mb'], 0)} | {fmt(m['hwm_mb'], 0)} "
            f"| {m['load'][0]:.1f} / {m['load'][1]:.1f} | {theirs} |"
        )
    print()
    for line in targets([(size, m) for design, size, _, m in rows if design == "new"]):
        print(line)
    return 0


def targets(new: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """One line per target of issue 13, judged on the new design's rows."""
    if not new:
        return []
    worst_open = max(new, key=lambda r: r[1]["open_ms"])
    saves = [(size, op, m[f"{op}_p95"]) for size, m in new for op in ("add", "update", "delete")]
    worst_save = max(saves, key=lambda s: s[2])
    by_size = sorted(new, key=lambda r: r[0])
    small, large = by_size[0], by_size[-1]
    before = by_size[-2] if len(by_size) > 1 else small  # the last step: the database 10 times smaller
    growth = large[1]["peak_mb"] / before[1]["peak_mb"]
    peaks = ", ".join(f"{size:,}: {m['peak_mb']:.0f}" for size, m in by_size)

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    return [
        f"- open one document <= {OPEN_TARGET_MS:.0f} ms: {verdict(worst_open[1]['open_ms'] <= OPEN_TARGET_MS)} "
        f"(worst {worst_open[1]['open_ms']:.1f} ms at {worst_open[0]:,})",
        f"- add/update/delete p95 <= {SAVE_P95_TARGET_MS:.0f} ms: {verdict(worst_save[2] <= SAVE_P95_TARGET_MS)} "
        f"(worst {worst_save[1]} p95 {worst_save[2]:.1f} ms at {worst_save[0]:,})",
        f"- peak memory not growing with the database (at most {PEAK_GROWTH_ALLOWED:.2f}x from {before[0]:,} to "
        f"{large[0]:,} records): {verdict(growth <= PEAK_GROWTH_ALLOWED)} ({growth:.2f}x; peak MB by size: {peaks}; "
        f"{large[1]['peak_mb'] / small[1]['peak_mb']:.2f}x from {small[0]:,})",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
