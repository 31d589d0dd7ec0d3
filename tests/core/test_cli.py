"""``sorot extract PATH --json`` and the CLI's errors, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main


def sorot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120)


def test_extract_json_contract_on_the_sample(sample_path: Path) -> None:
    result = sorot("extract", str(sample_path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    text = sample_path.read_text(encoding="utf-8")
    assert set(data) >= {"document", "entities"}
    document = data["document"]
    assert set(document) >= {"path", "sha256", "chars", "language"}
    assert document["chars"] == len(text)
    assert document["language"] == "id"
    import hashlib

    assert document["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert data["entities"], "the sample article has entities"
    for entity in data["entities"]:
        assert set(entity) >= {"start", "end", "text", "label"}
        assert text[entity["start"] : entity["end"]] == entity["text"]
    labels = {entity["label"] for entity in data["entities"]}
    assert {"PERSON", "LOC"} <= labels
    own_fields = {
        "entity": {"label", "aliases", "mentions", "role"},
        "date": {"value"},
        "number": {"value", "unit", "qualifier"},
        "claim": {"speaker", "verb", "content"},
        "relation": {"subject", "predicate", "object"},
    }
    kinds = set()
    for fact in data["facts"]:
        kinds.add(fact["kind"])
        assert set(fact) >= {"kind", "text", "start", "end", "sentence"} | own_fields[fact["kind"]], fact
        assert text[fact["start"] : fact["end"]] == fact["text"]
        assert fact["sentence"][0] <= fact["start"] <= fact["end"] <= fact["sentence"][1]
    assert kinds == set(own_fields)
    putin = next(f for f in data["facts"] if f["kind"] == "entity" and f["text"] == "Vladimir Putin")
    assert putin["aliases"] == ["Putin"] and putin["role"] == "Presiden Rusia"
    assert all(text[a:b] in ("Vladimir Putin", "Putin") for a, b in putin["mentions"])


def test_a_second_extract_answers_from_the_cache_with_the_same_json(sample_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "SOROT_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "tui", "extract", str(sample_path), "--json"],
            capture_output=True, text=True, timeout=120, env=env,
        )
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0].returncode == runs[1].returncode == 0
    assert runs[0].stdout == runs[1].stdout
    assert len(list((tmp_path / "cache").glob("*.jsonl"))) == 1


def test_extract_with_another_spacy_pipeline(tmp_path: Path, english_model: Path, capsys) -> None:
    article = tmp_path / "note.txt"
    article.write_text("Ada Lovelace met Babbage in London.\n", encoding="utf-8")
    assert main(["extract", str(article), "--json", "--model", str(english_model)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"]["language"] == "en"
    assert [(e["text"], e["label"]) for e in data["entities"]] == [
        ("Ada Lovelace", "PERSON"),
        ("Babbage", "PERSON"),  # the pipeline's PER is reported under spaCy's usual name
        ("London", "GPE"),
    ]


def test_offsets_index_the_decoded_text_of_a_utf16_file(tmp_path: Path, english_model: Path, capsys) -> None:
    text = "Née in London — Ada Lovelace."
    path = tmp_path / "utf16.txt"
    path.write_bytes(text.encode("utf-16"))
    assert main(["extract", str(path), "--model", str(english_model)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [text[e["start"] : e["end"]] for e in data["entities"]] == ["London", "Ada Lovelace"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", "missing.txt"], "no such file"),
        (["extract", "gone\x1b]0;HACKED\x07.txt"], "gone␛]0;HACKED␇.txt: no such file"),
        (["extract", "{emptydir}"], "no articles"),  # a directory is a batch: none there is a failure
        (["extract", "{empty}"], "empty"),
        (["extract", "{binary}"], "binary"),
        (["{emptydir}"], "no articles"),
        (["missing.txt"], "no such file"),
        (["extract", "{empty}", "--model", "no_such_pipeline_xyz"], "no_such_pipeline_xyz"),
        (["extract", "{good}", "--model", "{notamodel}"], "cannot load spaCy pipeline"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_a_failing_exit(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    (tmp_path / "good.txt").write_text("Halo dunia.\n", encoding="utf-8")
    (tmp_path / "emptydir").mkdir()
    (tmp_path / "notamodel").mkdir()
    names = {
        "dir": tmp_path,
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "binary.txt",
        "emptydir": tmp_path / "emptydir",
        "good": tmp_path / "good.txt",
        "notamodel": tmp_path / "notamodel",
    }
    result = sorot(*(arg.format(**names) for arg in args))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_python_dash_m_tui_is_sorot() -> None:
    result = sorot("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: sorot")


def test_extract_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    # Far more JSON than a pipe buffers, so the writer really meets the closed pipe.
    path = tmp_path / "panjang.txt"
    path.write_text("Presiden Rusia, Vladimir Putin, tiba di Jakarta pada tahun 2024.\n" * 3000, encoding="utf-8")
    result = subprocess.run(
        f"{sys.executable} -m tui extract {path} | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout == '{\n  "docum'
    assert result.stderr == ""
