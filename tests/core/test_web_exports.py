"""Web articles in exports: the URL is the target's source, and the kept copy is the text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tui.core.annotations import DocumentRef, make_annotation
from tui.core.exchange import ExchangeError, run_export
from tui.core.formats.w3c import from_w3c, source_iri, to_w3c
from tui.core.session import document_of
from tui.core.store import Store
from tui.core.web.kept import KeptCopy, KeptPages
from tui.core.web.reading import article_from_copy

URL = "https://berita.example/2025/12/02/banjir-jakarta"
TEXT = "JAKARTA, KABAR - Banjir merendam Jakarta pada Selasa (2/12/2025).\n\nAir surut kemarin."


def test_a_web_articles_identity_is_its_url() -> None:
    article = article_from_copy(KeptCopy(url=URL, text=TEXT, title="Banjir", published="2025-12-02"))
    document = document_of(article)
    assert (document.path, document.title) == (URL, "Banjir")
    assert article.web is not None and article.web.published_date.isoformat() == "2025-12-02"


def test_w3c_names_the_url_as_the_source_and_reads_it_back() -> None:
    ann = make_annotation(TEXT, 0, 7, "highlight", document=DocumentRef.for_text(TEXT, URL, "Banjir"))
    assert source_iri(ann.document) == URL
    item = to_w3c(ann)
    assert item["target"]["source"] == URL
    del item["target"]["sorot:path"]  # as a tool that keeps only the W3C terms would
    assert from_w3c(item).document.path == URL


def test_export_of_a_web_article_reads_its_kept_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOROT_WEB_DIR", str(tmp_path / "web"))
    KeptPages().put(KeptCopy(url=URL, text=TEXT, title="Banjir"))
    with Store.open(tmp_path / "db.json") as store:
        store.add(make_annotation(TEXT, 0, 7, "note", document=DocumentRef.for_text(TEXT, URL, "Banjir"), note="kota"))
        for doc in (URL, None):
            out = io.BytesIO()
            report = run_export(store, "w3c", doc, stdout=out)
            data = json.loads(out.getvalue())
            (ann,) = data["first"]["items"] if "first" in data else data["items"]
            assert ann["target"]["source"] == URL
            assert ann["target"]["selector"][0]["exact"] == "JAKARTA"
            assert report.orphans == 0


def test_export_of_a_web_article_never_kept_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOROT_WEB_DIR", str(tmp_path / "web"))
    with Store.open(tmp_path / "db.json") as store, pytest.raises(ExchangeError, match="no copy of this web article"):
        run_export(store, "w3c", URL, stdout=io.BytesIO())
