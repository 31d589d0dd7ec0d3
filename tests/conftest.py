"""Shared fixtures: the sample article, its gold annotations, and small spaCy pipelines."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui.core.document import sample_article_path

TESTS = Path(__file__).parent
DATA = TESTS / "data"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Tests (and the sorot processes they start) never touch the user's entity cache, annotations
    or kept web pages."""
    private = {
        "SOROT_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
        "SOROT_DB": str(tmp_path_factory.mktemp("data") / "sorot.json"),
        "SOROT_WEB_DIR": str(tmp_path_factory.mktemp("web")),
    }
    previous = {name: os.environ.get(name) for name in private}
    os.environ.update(private)
    yield
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver's one server per test process listens on 127.0.0.1 (not ``localhost``,
    which a test's own resolver may not know), on a free port."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return sample_article_path()


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((DATA / "000_509a6613fde4a62d.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def english_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny English pipeline saved to disk, standing in for any installed spaCy pipeline."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Ada Lovelace"},
            {"label": "GPE", "pattern": "London"},
            {"label": "PER", "pattern": "Babbage"},
        ]
    )
    path = tmp_path_factory.mktemp("models") / "en_tiny"
    nlp.to_disk(path)
    return path
