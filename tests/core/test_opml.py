"""OPML: subscription lists from newsboat, Feedly and Inoreader read safely, and written back."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.core.test_feeds import ANTARA, FEEDS
from tui.core.store import Store
from tui.core.web.feeds import Feed
from tui.core.web.opml import MAX_OPML_BYTES, OpmlError, import_opml, opml_text, parse_opml, read_opml


def test_a_newsboat_export_is_read() -> None:
    found = read_opml(FEEDS / "newsboat.opml")
    assert [(f.url, f.title, f.folder) for f in found.feeds] == [
        (ANTARA, "ANTARA News - Berita Terkini", ""),
        ("https://rss.tempo.co/nasional", "Tempo.co - Nasional", ""),
        ("https://news.detik.com/rss", "detiknews", ""),
    ]
    assert found.feeds[0].site == "https://www.antaranews.com/"


def test_a_feedly_export_gives_folders_and_takes_a_duplicate_once() -> None:
    found = read_opml(FEEDS / "feedly.opml")
    assert [(f.title, f.folder) for f in found.feeds] == [
        ("ANTARA News - Berita Terkini", "Berita"),
        ("Kompas.com - Nasional", "Berita"),
        ("CNBC Indonesia", "Ekonomi"),
    ]
    assert found.duplicates == 1  # HTTPS://WWW.ANTARANEWS.COM:443/... is the same feed
    assert "apikey=" in found.feeds[1].url  # the query is part of the URL


def test_an_inoreader_export_skips_a_feed_url_that_is_not_http() -> None:
    found = read_opml(FEEDS / "inoreader.opml")
    assert [f.folder for f in found.feeds] == ["Indonesia", "Indonesia", "Tech"]
    assert found.invalid == 1 and all(f.url.startswith("https://") for f in found.feeds)


@pytest.mark.parametrize("name", ["newsboat.opml", "feedly.opml", "inoreader.opml"])
def test_import_export_import_gives_the_same_feeds(name: str) -> None:
    first = read_opml(FEEDS / name).feeds
    assert parse_opml(opml_text(first).encode()).feeds == first


def test_the_export_is_opml_2_as_feed_readers_write_it() -> None:
    feeds = [
        Feed(url=ANTARA, title="ANTARA & Co <1>", site="https://www.antaranews.com/"),
        Feed(url="https://news.detik.com/rss", title="detiknews", folder="Berita"),
        Feed(url="https://x.example/rss", title="Kontrol \x1b[31m"),
        Feed(url="https://untitled.example/rss"),
    ]
    text = opml_text(feeds, now=datetime(2026, 12, 7, 5, 0, tzinfo=timezone.utc))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n')
    assert "<title>Sorot subscriptions</title>" in text
    assert "<dateCreated>Mon, 07 Dec 2026 05:00:00 +0000</dateCreated>" in text
    assert (
        '<outline type="rss" text="ANTARA &amp; Co &lt;1&gt;" title="ANTARA &amp; Co &lt;1&gt;" '
        f'xmlUrl="{ANTARA}" htmlUrl="https://www.antaranews.com/"/>'
    ) in text
    assert '    <outline text="Berita" title="Berita">\n      <outline type="rss" text="detiknews"' in text
    back = parse_opml(text.encode()).feeds
    assert [f.title for f in back] == ["ANTARA & Co <1>", "Kontrol [31m", "", "detiknews"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is not valid XML"),
        (b"not xml at all", "is not valid XML"),
        (b"<rss version='2.0'><channel/></rss>", "is not an OPML file (its root is <rss>, not <opml>)"),
        (b"<opml version='2.0'><head/></opml>", "is not an OPML file (no <body>)"),
        (b"<opml><body><outline", "is not valid XML"),
    ],
)
def test_what_is_no_opml_is_refused_in_one_line(content: bytes, says: str) -> None:
    with pytest.raises(OpmlError) as caught:
        parse_opml(content, "langganan.opml")
    assert str(caught.value).startswith(f"langganan.opml {says}") and "\n" not in str(caught.value)


def test_entities_are_never_expanded_nor_fetched() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><opml><body><outline text="&c;" xmlUrl="https://x.example/"/>'
        b"</body></opml>"
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml><body><outline text="&x;" xmlUrl="https://x.example/"/></body></opml>'
    )
    for content in (laughs, external):
        with pytest.raises(OpmlError, match="^x.opml is refused: it declares XML entities"):
            parse_opml(content, "x.opml")


def test_a_file_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "besar.opml"
    big.write_bytes(b"<opml><body>" + b" " * MAX_OPML_BYTES + b"</body></opml>")
    with pytest.raises(OpmlError, match="is larger than"):
        read_opml(big)
    with pytest.raises(OpmlError, match="no such file"):
        read_opml(tmp_path / "hilang.opml")
    with pytest.raises(OpmlError, match="is a directory"):
        read_opml(tmp_path)


def test_importing_subscribes_once_and_says_what_was_there_already() -> None:
    store = Store.memory()
    first = import_opml(store, FEEDS / "newsboat.opml")
    assert (first.added, first.already) == (3, 0)
    second = import_opml(store, FEEDS / "inoreader.opml")
    assert (second.added, second.already, second.invalid) == (1, 2, 1)
    assert len(store.feeds()) == 4
    assert store.feed("https://news.ycombinator.com/rss").folder == "Tech"


def test_feeds_nested_past_the_folder_limit_are_kept() -> None:
    from tui.core.web.opml import MAX_DEPTH, parse_opml

    depth = MAX_DEPTH + 8
    body = "".join(f'<outline text="f{n}">' for n in range(depth))
    body += '<outline type="rss" text="Dalam" xmlUrl="https://dalam.example/rss"/>' + "</outline>" * depth
    found = parse_opml(f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>'.encode(), "deep.opml")
    (feed,) = found.feeds
    assert feed.url == "https://dalam.example/rss" and feed.folder.count("/") == MAX_DEPTH - 1
