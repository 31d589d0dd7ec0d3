"""Fixtures of the core tests: Sorot's command line run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def sorot(tmp_path: Path) -> Run:
    """``python -m tui ARGS`` with its own entity cache and a default database that does not exist."""
    env = {**os.environ, "SOROT_CACHE_DIR": str(tmp_path / "cache"), "SOROT_DB": str(tmp_path / "default.json")}

    def run(*args: str | Path, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui", *map(str, args)],
            capture_output=True, text=True, encoding="utf-8", input=stdin, env=env, timeout=timeout,
        )  # fmt: skip

    return run
