"""Whether a refactor changed what Sorot writes: ``extract --json`` and every export format, byte
for byte, from this tree and from an older commit.

    python benchmarks/outputs_unchanged.py [--old REV] [--keep DIR]

``--old`` (default ``HEAD~1``) is checked out into a temporary git worktree. One annotation
database is made with every kind of annotation (a highlight, a note with tags, an entity added,
one relabelled, one rejected, a bookmark) on the sample article and on a second, headline-first
article; then both trees run, each in its own process with ``PYTHONPATH`` at the tree and an
empty entity cache:

- ``python -m tui extract ARTICLE --json`` for each article, and
- ``python -m tui export -f FORMAT`` for every format the CLI lists (to stdout, or with ``-o``
  for the formats that write files or a folder: spaCy's DocBin, brat).

Printed: one line per output, ``same`` or ``DIFFERENT`` with both sizes; the exit status is 1 if
any differs. ``--keep DIR`` leaves both trees' outputs there to diff by hand.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from trees import check_tree, checkout, tree_env  # noqa: E402

from tui.core.annotations import Kind  # noqa: E402
from tui.core.document import load_article, sample_article_path  # noqa: E402
from tui.core.session import DocumentSession, document_of  # noqa: E402
from tui.core.store import Store  # noqa: E402

SECOND_ARTICLE = """\
Menteri Keuangan Sebut Defisit APBN Aman

JAKARTA, KOMPAS.com - Menteri Keuangan Sri Mulyani Indrawati mengatakan defisit APBN 2025 tetap
terkendali di bawah 3 persen. "Kami menjaga belanja tetap produktif," kata Sri Mulyani di Gedung
DPR, Senayan, Jakarta, Selasa (2/12/2025).

Pemerintah menarik utang Rp 250 triliun dan US$ 1,5 miliar dari pasar global hingga November.
Bank Indonesia dan Polda Metro Jaya tidak berkomentar.
"""

FILE_FORMATS = {"spacy": "out.spacy", "brat": "brat"}
"""Formats written with ``-o`` (a binary file, a folder); the others are written to stdout."""


def annotate(db: Path, articles: list[Path]) -> None:
    """Every kind of annotation, on words found by text (not offsets), in each article."""
    with Store.open(db) as store:
        for path in articles:
            article = load_article(path)
            session = DocumentSession.open(store, article.text, document_of(article))
            text = article.text
            words = [w for w in text.split() if w.isalpha() and len(w) > 5]

            def span(word: str, text: str = text) -> tuple[int, int]:
                start = text.index(word)
                return start, start + len(word)

            session.annotate(*span(words[0]), Kind.HIGHLIGHT, colour="green")
            session.annotate(*span(words[1]), Kind.NOTE, note="catatan [bold]x[/]", tags=["uji", "politik"])
            session.annotate(*span(words[2]), Kind.ENTITY_ADD, label="ORG")
            session.annotate(*span(words[3]), Kind.ENTITY_RELABEL, label="LOC")
            session.reject_entity(*span(words[4]), "PERSON", pipeline_has_span=True)
            session.bookmark(span(words[5])[0])


def formats(tree: Path) -> list[str]:
    """The export formats this tree's CLI offers, from its ``--help``."""
    out = run_tree(tree, ["export", "--help"]).stdout.decode()
    listed = out.split("\nformats:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in listed.splitlines() if line.startswith("  ") and not line.startswith("   ")]


def run_tree(tree: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """``python -m tui ARGS`` with the code of ``tree`` (run in it: see :mod:`trees`)."""
    command = [sys.executable, "-m", "tui", *args]
    return subprocess.run(
        command, env=tree_env(tree, SOROT_CACHE_DIR="off"), cwd=tree, capture_output=True, check=False
    )


def outputs(tree: Path, db: Path, articles: list[Path], names: list[str], out: Path) -> None:
    out.mkdir(parents=True)
    for path in articles:
        (out / f"extract-{path.stem}.json").write_bytes(run_tree(tree, ["extract", str(path), "--json"]).stdout)
    for name in names:
        copy = out / "db.json"
        shutil.copy(db, copy)  # each run on its own copy: an export never writes, but let it not matter
        if name in FILE_FORMATS:
            run_tree(tree, ["export", "-f", name, "--db", str(copy), "-o", str(out / FILE_FORMATS[name])])
        else:
            (out / f"export.{name}").write_bytes(run_tree(tree, ["export", "-f", name, "--db", str(copy)]).stdout)
        copy.unlink()
        (out / "db.json.lock").unlink(missing_ok=True)


def same(a: Path, b: Path) -> bool:
    if a.is_dir() and b.is_dir():
        compared = filecmp.dircmp(a, b)
        return not (compared.left_only or compared.right_only or compared.diff_files or compared.funny_files) and all(
            same(a / sub, b / sub) for sub in compared.common_dirs
        )
    return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()


def size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default="HEAD~1", help="the commit to compare with (default HEAD~1)")
    parser.add_argument("--keep", type=Path, help="leave both trees' outputs in this folder")
    options = parser.parse_args()
    with checkout(options.old) as old_tree, tempfile.TemporaryDirectory(prefix="sorot-same-") as tmp:
        work = Path(tmp)
        check_tree(old_tree)
        check_tree(ROOT)
        second = work / "menteri.txt"
        second.write_text(SECOND_ARTICLE, encoding="utf-8")
        articles = [sample_article_path(), second]
        db = work / "db.json"
        annotate(db, articles)
        names = formats(ROOT)
        if set(names) != set(formats(old_tree)):
            print(f"the formats differ: {sorted(names)} here, {sorted(formats(old_tree))} at {options.old}")
        outputs(old_tree, db, articles, names, work / "out-old")
        outputs(ROOT, db, articles, names, work / "out-new")
        differ = 0
        for item in sorted((work / "out-new").iterdir()):
            other = work / "out-old" / item.name
            equal = same(item, other)
            differ += not equal
            print(f"{item.name:32} {'same' if equal else 'DIFFERENT'}  ({size(other):,} / {size(item):,} bytes)")
        print(f"{options.old} → this tree: {'all the same' if not differ else f'{differ} different'}")
        if options.keep is not None:
            shutil.copytree(work / "out-old", options.keep / "old", dirs_exist_ok=True)
            shutil.copytree(work / "out-new", options.keep / "new", dirs_exist_ok=True)
        return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
