"""Reading articles from a news site on 127.0.0.1: fetched, kept, reopened offline, refreshed
conditionally, multi-page articles joined, annotations re-anchored on a new version, and
``sorot extract URL --json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.news_site import WEB, NewsSite
from tui.cli import main
from tui.core.session import DocumentSession, document_of
from tui.core.store import Store
from tui.core.web.fetch import Fetcher, FetchError
from tui.core.web.kept import KeptPages
from tui.core.web.page import NotAnArticle
from tui.core.web.reading import fetch_article, kept_article, load_html_file
from tui.core.web.urls import is_web_address


@pytest.fixture
def site(httpserver) -> NewsSite:
    return NewsSite(httpserver)


@pytest.fixture
def kept(tmp_path: Path) -> KeptPages:
    return KeptPages(tmp_path / "web")


def body(name: str) -> str:
    return (WEB / f"{name}.body.txt").read_text(encoding="utf-8").strip()


def test_a_page_is_fetched_read_and_kept(site: NewsSite, kept: KeptPages) -> None:
    url = site.article("/read/banjir", "kompas_banjir.html")
    with Fetcher() as fetcher:
        fetched = fetch_article(url, fetcher, kept)
    article = fetched.article
    assert article is not None and not fetched.changed
    assert article.text.strip() == body("kompas_banjir")
    assert article.web is not None and article.web.url == url and article.path is None
    assert article.title and "Kompas" not in article.title
    assert article.web.published_date is not None
    assert kept.get(url).text == article.text
    assert kept.pages(url) == [site.fixture("kompas_banjir.html")]


def test_the_kept_copy_reopens_offline(site: NewsSite, kept: KeptPages) -> None:
    url = site.article("/read/banjir", "kompas_banjir.html")
    with Fetcher() as fetcher:
        first = fetch_article(url, fetcher, kept).article
        site.offline = True
        with pytest.raises(FetchError, match="HTTP 503"):
            fetch_article(url, fetcher, kept)
    again = kept_article(url + "#komentar", kept)  # the same article, whatever the fragment
    assert again is not None and again.text == first.text and again.title == first.title


def test_reopening_asks_conditionally_and_an_unchanged_page_is_not_read_again(site: NewsSite, kept) -> None:
    url = site.article("/read/banjir", "kompas_banjir.html")
    with Fetcher() as fetcher:
        fetch_article(url, fetcher, kept)
        again = fetch_article(url, fetcher, kept)
    assert again.article is None and not again.changed
    path, headers = site.requests[-1]
    assert headers.get("If-None-Match", "").startswith('"') and headers.get("If-Modified-Since")


def test_a_changed_article_is_kept_anew_and_its_annotations_re_anchor(site: NewsSite, kept, tmp_path) -> None:
    url = site.article("/read/banjir", "kompas_banjir.html")
    with Fetcher() as fetcher, Store.open(tmp_path / "db.json") as store:
        first = fetch_article(url, fetcher, kept).article
        session = DocumentSession.open(store, first.text, document_of(first))
        start = first.text.index("Hendra Wijaya")
        session.annotate(start, start + len("Hendra Wijaya"), "note", note="kepala BPBD")
        # The site corrects the article: a sentence added before the annotated passage.
        page = site.fixture("kompas_banjir.html").replace(
            b"Kepala Pelaksana BPBD", b"Ralat: data pengungsi diperbarui. Kepala Pelaksana BPBD", 1
        )
        site.put("/read/banjir", page)
        newer = fetch_article(url, fetcher, kept)
        assert newer.changed and newer.article is not None and newer.article.sha256 != first.sha256
        reopened = DocumentSession.open(store, newer.article.text, document_of(newer.article))
        (note,) = reopened.annotations
        assert newer.article.text[note.start : note.end] == "Hendra Wijaya" and note.start > start
        assert kept_article(url, kept).text == newer.article.text


def test_a_multi_page_article_is_joined_from_the_site(site: NewsSite, kept: KeptPages) -> None:
    path = "/nasional/2025/06/10/harga-cabai-rawit-melonjak-jelang-iduladha"
    url = site.article(path, "tribun_cabai_1.html")
    site.article(path + "?page=2", "tribun_cabai_2.html")
    site.article(path + "?page=3", "tribun_cabai_3.html")
    with Fetcher() as fetcher:
        article = fetch_article(url, fetcher, kept).article
    assert article is not None and article.web.pages >= 3
    for name in ("tribun_cabai_1", "tribun_cabai_2", "tribun_cabai_3"):
        first_paragraph = body(name).split("\n\n")[0]
        assert first_paragraph in article.text
    assert len(kept.pages(url)) >= 2


def test_a_page_that_is_not_an_article_is_one_line(site: NewsSite, kept: KeptPages) -> None:
    url = site.article("/", "liputan6_index.html")
    with Fetcher() as fetcher, pytest.raises(NotAnArticle) as caught:
        fetch_article(url, fetcher, kept)
    assert "not an article" in str(caught.value) and "\n" not in str(caught.value)
    assert kept.get(url) is None


def test_a_saved_page_is_read_with_its_path_as_identity() -> None:
    article = load_html_file(WEB / "kompas_banjir.html")
    assert article.path == WEB / "kompas_banjir.html" and article.web is not None
    assert article.text.strip() == body("kompas_banjir")
    assert article.web.url.startswith("https://") and document_of(article).path.endswith("kompas_banjir.html")


def test_urls_are_told_from_files() -> None:
    assert is_web_address("https://x.example/a") and is_web_address("HTTP://x.example/")
    assert not is_web_address("berita.txt") and not is_web_address("/tmp/https:/x")


def test_extract_a_url_as_json(site: NewsSite, capsys) -> None:
    url = site.article("/read/banjir", "kompas_banjir.html")
    assert main(["extract", url, "--json", "--model", "sorot-id-rules"]) == 0
    document = json.loads(capsys.readouterr().out)["document"]
    assert document["url"] == url and document["path"] == url
    assert document["text"].strip() == body("kompas_banjir") and document["chars"] == len(document["text"])
    assert document["published"].startswith("2025-03") and document["site"] and document["title"]


def test_extract_uses_the_kept_copy_when_offline(site: NewsSite, capsys) -> None:
    url = site.article("/read/offline", "kompas_banjir.html")
    assert main(["extract", url, "--json", "--model", "sorot-id-rules"]) == 0
    first = json.loads(capsys.readouterr().out)
    site.offline = True
    assert main(["extract", url, "--json", "--model", "sorot-id-rules"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == first
    assert "HTTP 503" in captured.err and "kept" in captured.err and captured.err.count("\n") == 1


def test_extract_a_url_that_fails_is_one_line(site: NewsSite, capsys) -> None:
    assert main(["extract", site.url("/missing"), "--json", "--model", "sorot-id-rules"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "HTTP 404" in captured.err and captured.err.count("\n") == 1


def test_extract_a_plain_file_gains_text_only_when_asked(tmp_path: Path, capsys) -> None:
    article = tmp_path / "berita.txt"
    article.write_text("Banjir di Jakarta\n\nAir naik pada Selasa.", encoding="utf-8")
    assert main(["extract", str(article), "--json", "--model", "sorot-id-rules"]) == 0
    plain = json.loads(capsys.readouterr().out)["document"]
    assert "text" not in plain and "url" not in plain and plain["title"] == "Banjir di Jakarta"
    assert main(["extract", str(article), "--json", "--with-text", "--model", "sorot-id-rules"]) == 0
    assert json.loads(capsys.readouterr().out)["document"]["text"] == "Banjir di Jakarta\n\nAir naik pada Selasa."


def test_the_publication_date_anchors_relative_dates(site: NewsSite, capsys) -> None:
    page = site.fixture("kompas_banjir.html").replace(b"Sekitar 1.200 warga", b"Kemarin sekitar 1.200 warga", 1)
    url = site.put("/read/kemarin", page)
    assert main(["extract", url, "--json", "--model", "sorot-id-rules"]) == 0
    out = json.loads(capsys.readouterr().out)
    published = out["document"]["published"][:10]
    (yesterday,) = [f for f in out["facts"] if f["kind"] == "date" and f["text"].lower() == "kemarin"]
    from datetime import date, timedelta

    assert yesterday["value"] == (date.fromisoformat(published) - timedelta(days=1)).isoformat()


@pytest.mark.parametrize("address", ["htp://x.example/berita", "ftp://x.example/berita.txt"])
def test_an_address_of_another_scheme_is_one_line(address: str, capsys) -> None:
    assert main([address]) == 1
    assert capsys.readouterr().err == f"sorot: {address}: only http:// and https:// addresses can be opened\n"


def test_kept_copies_are_held_within_their_size_but_never_an_annotated_one(site: NewsSite, tmp_path) -> None:
    kept = KeptPages(tmp_path / "web", max_bytes=1)  # any two copies are too many
    urls = [site.article(f"/read/{n}", name) for n, name in enumerate(("kompas_banjir.html", "detik_kereta.html"))]
    urls.append(site.article("/read/2", "tempo_og_sawit.html"))
    annotated = {urls[0]}
    with Fetcher() as fetcher:
        for url in urls:
            fetch_article(url, fetcher, kept, annotated=annotated.__contains__)
    assert kept.get(urls[0]) is not None  # annotated: never removed
    assert kept.get(urls[1]) is None  # removed when the next was kept
    assert kept.get(urls[2]) is not None  # the one just read stays
    with Fetcher() as fetcher:
        fetch_article(urls[1], fetcher, kept)  # without knowing what is annotated, nothing is removed
    assert all(kept.get(url) is not None for url in urls)


def test_an_article_that_cannot_be_kept_is_read_all_the_same(site: NewsSite, kept: KeptPages, monkeypatch) -> None:
    url = site.article("/read/banjir", "kompas_banjir.html")

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(KeptPages, "put", full)
    with Fetcher() as fetcher:
        fetched = fetch_article(url, fetcher, kept)
    assert fetched.article is not None and fetched.article.text.strip() == body("kompas_banjir")
    assert fetched.warnings == (f"{url}: not kept for reading offline (No space left on device)",)
