"""Entities already found, kept on disk so that reopening an article shows them at once.

A result is keyed by the sha256 of the article's text and by the pipeline that found it: its
name, version and weights hash, and for Sorot's own pipelines the source of the components that
run after the model, so a changed rule never serves stale entities. Files are JSON lines, written
atomically: ``{"language": ...}``, then the entities as ``[[start, end, label], ...]``
:data:`ROWS_PER_LINE` to a line, then ``{"entities": count}``. The least recently used are pruned
past ``MAX_FILES``.

A reader reads them line by line in a thread beside the interface's: ``json.loads`` holds the
interpreter's lock for the whole string it parses, and the 85,000 entities of a 3 MB article in one
document held it for 75 ms, a key press's worth of stall; a line of them holds it for about 1 ms.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import NamedTuple

from tui.core.entities import Entity

MAX_FILES = 2000
_LABEL = re.compile(r"[A-Z][A-Z0-9_]{0,31}")
_LANGUAGE = re.compile(r"[a-z]{2,3}|xx")
_FORMAT = 2
ROWS_PER_LINE = 1000
ROW_BYTES = 64
"""The most one entity's row can take (``[start,end,"LABEL"],``: two offsets and a label of 32
letters at most): a file longer than its text's characters allow is not read into memory."""
LINE_CHARS = ROWS_PER_LINE * ROW_BYTES + 2
"""The longest line :meth:`EntityCache.put` writes (a line of rows, its brackets and newline):
lines are read no further than this, for ``json.loads`` makes some ten times a line's size of
lists (a 32 MB line, allowed by the size of a 500 KB text, took 400 MB)."""


class CachedResult(NamedTuple):
    language: str
    entities: list[Entity]


def default_cache_dir(env: Mapping[str, str] = os.environ) -> Path | None:
    """``$SOROT_CACHE_DIR`` (``off`` disables the cache), else the user's cache directory."""
    configured = env.get("SOROT_CACHE_DIR")
    if configured:
        return None if configured.lower() in ("off", "0", "none") else Path(configured)
    import platformdirs

    return platformdirs.user_cache_path("sorot") / "entities"


@cache
def _sources_digest() -> str:
    """Hash of Sorot's NLP code: the rule components are part of every Sorot pipeline's output."""
    import hashlib

    import tui.core.nlp

    code = Path(tui.core.nlp.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(code.glob("*.py")) + sorted((code / "data").glob("*")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def _files_digest(path: Path, contents: bool) -> str:
    """Hash of a pipeline directory: every file's bytes (``contents``), else names, sizes and times."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(path).as_posix()}\0{stat.st_size}\0".encode())
        digest.update(file.read_bytes() if contents else str(stat.st_mtime_ns).encode())
    return digest.hexdigest()[:16]


def pipeline_key(model: str | None) -> str | None:
    """What identifies the results of pipeline ``model``, found without loading it; ``None``: don't cache.

    The key covers what decides the output: the pipeline's files as they are on disk (the bundled
    one by content, about 20 ms; any other by names, sizes and modification times), the source of
    Sorot's components and data, and the installed spaCy (whose Indonesian data the tokenizer uses).
    """
    import importlib.metadata  # 20 ms of imports, needed only once the reader has painted

    from tui.core.nlp import DEFAULT_MODEL, MODEL_DIR, RULES_MODEL

    # The installed spaCy's version, without importing it (a second on a small machine).
    spacy_version = importlib.metadata.version("spacy")
    if model == RULES_MODEL:
        return f"{RULES_MODEL}:{_sources_digest()}:spacy{spacy_version}"
    if model is None or model == DEFAULT_MODEL:
        bundled, path = True, MODEL_DIR
    else:
        bundled, path = False, Path(model)
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        stamp = _files_digest(path.resolve(), bundled)
    except (OSError, ValueError, AttributeError, RecursionError):
        return None  # an installed package by name, or something odd: not worth guessing
    if not isinstance(meta, dict):
        return None
    return f"{meta.get('name')}:{meta.get('version')}:{stamp}:{_sources_digest()}:spacy{spacy_version}"


class EntityCache:
    """Found entities by (text hash, pipeline key) under ``directory``."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def _path(self, text_sha256: str, key: str) -> Path:
        import hashlib  # OpenSSL's load (some 3 ms) is kept out of the reader's start

        name = hashlib.sha256(f"{_FORMAT}\0{key}\0{text_sha256}".encode()).hexdigest()
        return self.directory / f"{name}.jsonl"

    def get(self, text: str, text_sha256: str, key: str) -> CachedResult | None:
        """What was found in ``text``, or ``None`` (missing, unreadable, or not a plausible result).

        The file is outside Sorot's control: anything that is not sorted, non-overlapping spans
        inside the text with plain label names is a miss, never an error or odd output.
        """
        path = self._path(text_sha256, key)
        try:
            if path.stat().st_size > ROW_BYTES * (len(text) + 1) + 1024:
                return None  # more than the text could hold (each entity covers a character at least)
            with path.open(encoding="utf-8") as lines:

                def line() -> str:
                    """The next line; a line longer than any written (or cut off) ends the read."""
                    read = lines.readline(LINE_CHARS)
                    if not read.endswith("\n"):
                        raise ValueError("a line too long, or cut")
                    return read

                language = json.loads(line())["language"]
                if not (isinstance(language, str) and _LANGUAGE.fullmatch(language)):
                    return None
                entities: list[Entity] = []
                end, count = 0, None
                while True:
                    rows = json.loads(line())
                    if isinstance(rows, dict):  # the last line: how many there are (a cut file is a miss)
                        count = rows["entities"]
                        break
                    for start, stop, label in rows:
                        valid = type(start) is int and type(stop) is int and isinstance(label, str)
                        if not (valid and end <= start < stop <= len(text) and _LABEL.fullmatch(label)):
                            return None
                        entities.append(Entity(start, stop, label, text[start:stop]))
                        end = stop
                if count != len(entities) or lines.read(1):  # more after the count: not what put wrote
                    return None
        except Exception:  # noqa: BLE001 - a damaged file (even one that overflows the parser) is a miss
            return None
        try:
            os.utime(path)  # recently used: pruned last
        except OSError:
            pass
        return CachedResult(language, entities)

    def put(self, text_sha256: str, key: str, language: str, entities: list[Entity]) -> None:
        """Store what was found; a cache that cannot be written is simply not used."""
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".jsonl")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                # A line at a time: the rows of half a million entities are never all in memory as lists.
                f.write(f'{{"language":{json.dumps(language)}}}\n')
                for first in range(0, len(entities), ROWS_PER_LINE):
                    line = entities[first : first + ROWS_PER_LINE]
                    rows = (f"[{e.start},{e.end},{json.dumps(e.label)}]" for e in line)
                    f.write(f"[{','.join(rows)}]\n")
                f.write(f'{{"entities":{len(entities)}}}\n')
            os.replace(tmp, self._path(text_sha256, key))
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            return
        self._prune()

    def _prune(self) -> None:
        try:
            # ``*.json`` too: the files of the first format, one JSON document each, are pruned with the rest.
            files = [p for p in self.directory.glob("*.json*") if not p.name.startswith(".")]
        except OSError:
            return
        if len(files) <= MAX_FILES:
            return
        dated = []
        for path in files:
            with suppress(OSError):  # gone meanwhile (another Sorot pruning the same cache)
                dated.append((path.stat().st_mtime, path))
        dated.sort(key=lambda pair: pair[0])
        for _, path in dated[: len(dated) - MAX_FILES]:
            # One by one: something that cannot go (a directory of that name) does not keep the rest.
            with suppress(OSError):
                path.unlink(missing_ok=True)
