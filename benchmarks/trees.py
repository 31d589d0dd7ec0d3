"""Another commit's code beside this tree's, for the benchmarks that compare them.

``python -m tui`` imports ``tui`` from the working directory before ``PYTHONPATH`` and before the
installed package, so a tree's code runs only with the tree as the working directory: run there,
:func:`check_tree` confirms that the tree's own ``tui`` is the one imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """``rev`` checked out into a temporary git worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="sorot-tree-") as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", "-q", str(tree), rev], check=True)
        try:
            yield tree
        finally:
            subprocess.run([*git, "remove", "--force", str(tree)], check=False)


def tree_env(tree: Path, **extra: str) -> dict[str, str]:
    """The environment to run ``python -m tui`` in ``tree`` with (working directory: ``tree``)."""
    return {**os.environ, "PYTHONPATH": str(tree), **extra}


def check_tree(tree: Path) -> None:
    """Stop if ``python -m tui`` run in ``tree`` would import another tree's code."""
    which = subprocess.run(
        [sys.executable, "-c", "import tui; print(tui.__file__)"],
        env=tree_env(tree),
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    if not which.stdout.startswith(str(tree)):
        raise SystemExit(f"{tree}: python imports tui from {which.stdout.strip()}, not from the tree")
