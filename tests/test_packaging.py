"""The wheel carries everything a user needs: the sample article, the gazetteer, the styles."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_ships_the_sample_article_and_package_data(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
            capture_output=True,
            text=True,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("sorot-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tui/seeds/000_509a6613fde4a62d.txt" in names
    assert "tui/ui/app.tcss" in names
    assert any(name.startswith("tui/core/nlp/data/") for name in names)
    # The trained pipeline travels in the wheel: users need no download.
    assert {
        "tui/models/sorot_id/meta.json",
        "tui/models/sorot_id/ner/model",
        "tui/models/sorot_id/tok2vec/model",
    } <= names
    assert not any(name.startswith("tests/") for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    entry_text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "sorot = tui.cli:main" in entry_text
    assert "sorot.id_tokenizer.v1 = tui.core.nlp.tokenizer:create_tokenizer" in entry_text
    assert "sorot.gazetteer.v1 = tui.core.nlp.gazetteer:configured_gazetteer" in entry_text
    sample = zipfile.ZipFile(wheel).read("tui/seeds/000_509a6613fde4a62d.txt")
    assert sample == (ROOT / "seeds" / "000_509a6613fde4a62d.txt").read_bytes()
