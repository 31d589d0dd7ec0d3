"""Entity cache files written by something else than Sorot's ``put``, or damaged (review of issue 17,
item 16): each is a miss or a plausible result, never an error, and reading one takes memory in
proportion to a line Sorot writes, not to the file."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tui.core.analysis import cache as cache_module
from tui.core.analysis.cache import LINE_CHARS, EntityCache
from tui.core.entities import Entity

TEXT = "Ada Lovelace met Babbage in London. " * 3000


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored(tmp_path: Path) -> tuple[EntityCache, Path]:
    cache = EntityCache(tmp_path)
    cache.put(sha(TEXT), "k", "en", [Entity(0, 12, "PERSON", "Ada Lovelace")])
    return cache, cache._path(sha(TEXT), "k")


def rows(n: int) -> str:
    """``n`` valid rows, in order, one entity to every 10 characters of the text."""
    return json.dumps([[10 * i, 10 * i + 3, "ORG"] for i in range(n)], separators=(",", ":"))


def test_a_line_longer_than_put_writes_is_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A line of 10,000 rows (valid, in order, and within the size the text allows): json.loads
    # made ten times the line's size of lists before any row was checked (400 MB for a 32 MB line).
    cache, path = stored(tmp_path)
    path.write_text(f'{{"language":"en"}}\n{rows(10_000)}\n{{"entities":10000}}\n')
    assert path.stat().st_size < cache_module.ROW_BYTES * len(TEXT)
    parsed: list[int] = []
    loads = json.loads
    monkeypatch.setattr(json, "loads", lambda s, *a, **k: parsed.append(len(s)) or loads(s, *a, **k))
    assert cache.get(TEXT, sha(TEXT), "k") is None
    assert max(parsed, default=0) <= LINE_CHARS


def test_a_huge_line_after_the_count_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache, path = stored(tmp_path)
    good = path.read_text()
    path.write_text(good + "x" * 100_000 + "\n")
    read: list[int] = []

    class Counting:
        def __init__(self, inner):
            self.inner = inner

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.inner.close()

        def __iter__(self):
            for line in self.inner:
                read.append(len(line))
                yield line

        def readline(self, limit: int = -1) -> str:
            line = self.inner.readline(limit)
            read.append(len(line))
            return line

        def read(self, size: int = -1) -> str:
            chunk = self.inner.read(size)
            read.append(len(chunk))
            return chunk

    open_ = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: Counting(open_(self, *a, **k)))
    assert cache.get(TEXT, sha(TEXT), "k") is None
    assert max(read) <= LINE_CHARS


@pytest.mark.parametrize(
    "body",
    [
        "",  # 0 bytes
        '{"language":"en"}\n',  # cut after the header
        '{"language":"en"}\n[[0,12,"PERSON"]]\n',  # cut before the count
        '{"language":"en"}\n[[0,12,"PERSON"]]\n{"entities":2}\n',  # a count that lies
        '{"language":"en"}\n[[0,12,"PERSON"]]\n{"entities":1}\n[[20,24,"ORG"]]\n',  # rows after the count
        '{"language":"en"}\n[[17,24,"PERSON"],[0,12,"PERSON"]]\n{"entities":2}\n',  # out of order
        '{"language":"en"}\n[[0,12,"PERSON"],[5,24,"PERSON"]]\n{"entities":2}\n',  # overlapping
        '{"language":"en"}\n[[0,12,"\\u001b[31mX"]]\n{"entities":1}\n',  # an escape code for a label
        '{"language":"en"}\n[[0,12,"[bold]X"]]\n{"entities":1}\n',  # markup for a label
        '{"language":"en"}\n[[0,12,"PERSON"]]\n{"entities":1}',  # the count not ended by a newline
    ],
)
def test_a_damaged_or_foreign_file_is_a_miss(tmp_path: Path, body: str) -> None:
    cache, path = stored(tmp_path)
    assert cache.get(TEXT, sha(TEXT), "k") is not None  # what put wrote is read back
    path.write_text(body)
    assert cache.get(TEXT, sha(TEXT), "k") is None


def test_a_directory_in_place_of_a_file_is_a_miss_and_is_not_written_over(tmp_path: Path) -> None:
    cache, path = stored(tmp_path)
    path.unlink()
    path.mkdir()
    assert cache.get(TEXT, sha(TEXT), "k") is None
    cache.put(sha(TEXT), "k", "en", [Entity(0, 12, "PERSON", "Ada Lovelace")])  # no exception
    assert path.is_dir() and not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_a_directory_among_the_oldest_does_not_stop_the_pruning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "MAX_FILES", 3)
    cache = EntityCache(tmp_path)
    odd = tmp_path / "0000.jsonl"
    odd.mkdir()
    os.utime(odd, (0, 0))  # the oldest: the first pruned, and it cannot be unlinked
    for i in range(6):
        cache.put(sha(str(i)), "k", "en", [])
    assert sorted(tmp_path.glob("*.jsonl")) == sorted([odd, *(cache._path(sha(str(i)), "k") for i in (3, 4, 5))])
    assert cache.get("5", sha("5"), "k") is not None
