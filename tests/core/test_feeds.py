"""Feeds: reading RSS and Atom (feedparser, never given a URL), the subscriptions and read state in
the store (kept across processes, kills, splits, dumps), refreshing with a fake web, and pruning."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.core.test_store import CONTEXT, FORK_WARNING, TEXT, note
from tui.core.annotations import DocumentRef
from tui.core.store import Store, restore_database
from tui.core.store.api import _union
from tui.core.store.subscriptions import normalise_url
from tui.core.web import feeds
from tui.core.web.feeds import Entry, Feed, FeedError, discover_feed, parse_feed, refresh
from tui.core.web.fetch import FetchError, Response

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"

ANTARA = "https://www.antaranews.com/rss/terkini.xml"
KOMPAS = "https://rss.kompas.com/nasional"
DETIK = "https://news.detik.com/rss"
TEMPO = "https://rss.tempo.co/nasional.atom"
PAGE = "https://www.antaranews.com/"


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


@dataclass
class FakeWeb:
    """``fetch(url, *, etag, last_modified, via)`` over a dict of URL -> (body, content type)."""

    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    calls: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def serve(self, url: str, name: str, content_type: str = "application/rss+xml") -> None:
        self.pages[url] = (fixture(name), content_type)

    vias: dict[str, str | None] = field(default_factory=dict)

    def __call__(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, via: str | None = None
    ) -> Response:
        self.calls.append((url, etag, last_modified))
        self.vias[url] = via
        if url in self.failing or url not in self.pages:
            raise FetchError(f"{url}: connection refused" if url in self.failing else f"{url}: 404 Not Found")
        tag = self.etags.get(url)
        if tag is not None and etag == tag:
            return Response(url, 304, b"", etag=tag)
        body, kind = self.pages[url]
        return Response(url, 200, body, kind, etag=tag, last_modified="Mon, 07 Dec 2026 05:00:00 GMT")


def standard_web() -> FakeWeb:
    web = FakeWeb()
    web.serve(ANTARA, "antara.rss")
    web.serve(KOMPAS, "kompas.rss")
    web.serve(DETIK, "detik.rss")
    web.serve(TEMPO, "tempo.atom", "application/atom+xml")
    web.serve(PAGE, "page.html", "text/html")
    web.etags[ANTARA] = '"antara-1"'
    return web


def entry(feed: str, n: int, *, days_ago: float = 0, link: str | None = None, **kwargs) -> Entry:
    published = datetime(2026, 12, 7, tzinfo=timezone.utc) - timedelta(days=days_ago)
    return Entry(
        feed=feed,
        key=f"guid-{n}",
        link=link or f"https://berita.example.id/{n}",
        title=f"Berita {n}",
        published=published.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        **kwargs,
    )


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    opened = Store.open(tmp_path / "sorot.json") if request.param == "file" else Store.memory()
    yield opened
    opened.close()


# --- reading a feed ------------------------------------------------------------------------------


def test_an_antara_rss_feed_is_read_with_its_guid_dates_in_utc_and_plain_summaries() -> None:
    parsed = parse_feed(fixture("antara.rss"), ANTARA)
    assert parsed.title == "ANTARA News - Berita Terkini"
    assert parsed.site == "https://www.antaranews.com/"
    assert parsed.link == ANTARA  # its atom:link rel=self
    assert parsed.dropped == 0
    first, second, third = parsed.entries
    assert first.key == "antara-4100001" and first.feed == ANTARA
    assert first.link == "https://www.antaranews.com/berita/4100001/presiden-resmikan-bendungan-baru-di-jawa-tengah"
    assert first.published == "2026-12-07T02:15:00.000Z"  # 09:15 +0700
    assert first.author == "Redaksi ANTARA" and first.site == "antaranews.com"
    assert first.summary == "Jakarta (ANTARA) - Presiden meresmikan bendungan & irigasi baru senilai Rp2,1 triliun."
    assert third.published == "2026-12-06T14:30:00.000Z"
    assert not first.read and first.seen == ""  # the store says when it first saw it


def test_kompas_detik_and_tempo_feeds_are_read() -> None:
    kompas = parse_feed(fixture("kompas.rss"), KOMPAS)
    assert kompas.entries[0].title == "KPU Tetapkan Jadwal Pilkada 2027"  # CDATA
    assert kompas.entries[1].key == kompas.entries[1].link  # no guid: the link is the key
    assert "\u00a0" not in kompas.entries[0].summary and "Pilkada 2027" in kompas.entries[0].summary
    detik = parse_feed(fixture("detik.rss"), DETIK)
    assert detik.entries[0].summary.startswith("Banjir merendam")  # the <img> is gone
    tempo = parse_feed(fixture("tempo.atom"), TEMPO)
    assert tempo.title == "Tempo.co - Nasional" and tempo.site == "https://nasional.tempo.co/"
    assert tempo.entries[0].title == "Menteri Keuangan: Defisit APBN 2026 Terkendali"  # an HTML title made text
    assert tempo.entries[0].published == "2026-12-07T04:30:00.000Z"
    assert tempo.entries[1].link == "https://rss.tempo.co/read/1900002/polisi-tangkap-pelaku"  # relative: resolved
    assert tempo.entries[1].published == "2026-12-06T16:10:00.000Z"  # updated, for want of published


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("broken.rss", "is not an RSS or Atom feed (unclosed token, line 4)"),
        ("page.html", "is not an RSS or Atom feed (an HTML page)"),
    ],
)
def test_what_is_no_feed_is_one_line_saying_so(name: str, says: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(fixture(name), "https://contoh.example.id/feed")
    assert str(caught.value) == f"https://contoh.example.id/feed {says}"


@pytest.mark.parametrize("content", [b"", b"hello", b"{}", b"<?xml version='1.0'?><foo/>", b"\x00\xff" * 10])
def test_anything_else_is_a_feed_error_too(content: bytes) -> None:
    with pytest.raises(FeedError, match=r"^https://x\.example/ is not an RSS or Atom feed \(.+\)$"):
        parse_feed(content, "https://x.example/")


def test_feedparser_is_given_bytes_never_a_url_or_a_path(tmp_path: Path) -> None:
    secret = tmp_path / "rahasia.rss"
    secret.write_bytes(fixture("antara.rss"))
    for content in (str(secret).encode(), ANTARA.encode(), b"file://" + str(secret).encode()):
        with pytest.raises(FeedError):
            parse_feed(content, ANTARA)


def test_a_truncated_feed_keeps_what_it_holds() -> None:
    parsed = parse_feed(fixture("truncated.rss"), ANTARA)
    assert parsed.title == "ANTARA News - Berita Terkini"
    assert [e.key for e in parsed.entries] == ["antara-4100001"]


def test_entries_linking_to_files_scripts_or_data_are_dropped_and_counted() -> None:
    parsed = parse_feed(fixture("schemes.rss"), "https://contoh.example.id/rss")
    assert [e.link for e in parsed.entries] == ["https://contoh.example.id/berita/1"]
    assert parsed.dropped == 3


def test_hostile_titles_are_plain_text_kept_for_the_ui_to_neutralise() -> None:
    parsed = parse_feed(fixture("hostile.rss"), "https://palsu.example.id/rss")
    assert parsed.title == "[bold]Berita[/bold] Palsu"
    first, second = parsed.entries
    assert first.title == "[@click=app.quit]x[/]"
    assert second.title == "Merah \x1b[31m sekali"  # left for the UI, which makes it inert
    assert first.summary == "tebal [bold]markup[/bold]"  # no <script>, no tags
    for e in parsed.entries:
        assert "<" not in e.title + e.summary


def test_plain_text_strips_markup_unescapes_collapses_and_cuts() -> None:
    assert feeds.plain_text("<p>Satu&nbsp;&amp;\n\n <b>dua</b></p><script>x()</script>") == "Satu & dua"
    assert feeds.plain_text("&lt;b&gt;tebal&lt;/b&gt;") == "tebal"
    long = feeds.plain_text("kata " * 300, feeds.SUMMARY_CHARS)
    assert len(long) <= feeds.SUMMARY_CHARS + 1 and long.endswith("…")


START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_a_huge_feed_keeps_its_newest_entries() -> None:
    items = "".join(
        f"<item><title>t{n}</title><link>https://x.example/{n}</link><guid isPermaLink='false'>g{n}</guid>"
        f"<pubDate>{(START + timedelta(hours=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
        "</pubDate></item>"
        for n in range(feeds.MAX_ENTRIES + 50)
    )
    content = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Besar</title>{items}</channel></rss>'
    parsed = parse_feed(content.encode(), "https://x.example/rss")
    assert len(parsed.entries) == feeds.MAX_ENTRIES
    assert "g0" not in {e.key for e in parsed.entries} and f"g{feeds.MAX_ENTRIES + 49}" in {
        e.key for e in parsed.entries
    }


def test_a_page_names_its_feed() -> None:
    assert discover_feed(fixture("page.html"), "https://www.antaranews.com/berita") == ANTARA
    assert discover_feed("<html><head><title>x</title></head></html>", "https://x.example/") is None
    hostile = '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
    assert discover_feed(hostile, "https://x.example/") is None


# --- the store ------------------------------------------------------------------------------------


def test_subscriptions_are_kept_by_title_and_the_same_url_is_subscribed_once(store: Store) -> None:
    assert store.add_feed(Feed(url=KOMPAS, title="Kompas.com - Nasional"))
    assert store.add_feed(Feed(url=ANTARA, title="ANTARA News", folder="Berita"))
    assert not store.add_feed(Feed(url="HTTPS://WWW.ANTARANEWS.COM:443/rss/terkini.xml#top", title="again"))
    assert [f.title for f in store.feeds()] == ["ANTARA News", "Kompas.com - Nasional"]
    antara = store.feeds()[0]
    assert antara.url == ANTARA and antara.folder == "Berita" and antara.added
    changed = store.update_feed(ANTARA, etag='"e1"', error="boom", title="Antara")
    assert (changed.etag, changed.error, changed.title) == ('"e1"', "boom", "Antara")
    assert store.feed(ANTARA) == changed
    with pytest.raises(TypeError):
        store.update_feed(ANTARA, url="https://elsewhere/")
    with pytest.raises(KeyError):
        store.update_feed("https://not.subscribed/")


def test_entries_are_added_updated_and_keep_their_read_state(store: Store) -> None:
    store.add_feed(Feed(url=ANTARA))
    assert store.put_entries(ANTARA, [entry(ANTARA, n, days_ago=n) for n in range(5)]) == 5
    assert [e.key for e in store.entries(ANTARA)] == [f"guid-{n}" for n in range(5)]  # newest first
    store.set_read(ANTARA, "guid-1", True)
    seen = store.entry(ANTARA, "guid-1").seen
    renamed = [replace(entry(ANTARA, 1, days_ago=1), title="Judul baru"), entry(ANTARA, 9, days_ago=0.5)]
    assert store.put_entries(ANTARA, renamed) == 1
    again = store.entry(ANTARA, "guid-1")
    assert again.title == "Judul baru" and again.read and again.seen == seen
    assert [e.key for e in store.entries(ANTARA, unread_only=True, limit=2)] == ["guid-0", "guid-9"]
    assert store.unread_counts() == {ANTARA: 5}
    store.set_read(ANTARA, "guid-1", False)
    assert store.unread_counts() == {ANTARA: 6}
    assert store.set_all_read(ANTARA) == 6 and store.unread_counts() == {ANTARA: 0}
    with pytest.raises(KeyError):
        store.set_read(ANTARA, "guid-404", True)


def test_an_entry_is_found_by_its_link_to_mark_it_read_when_opened(store: Store) -> None:
    store.add_feed(Feed(url=ANTARA))
    store.put_entries(ANTARA, [entry(ANTARA, 1, link="https://www.antaranews.com/berita/1/bendungan")])
    found = store.entry_for_link("HTTPS://www.antaranews.com/berita/1/bendungan#komentar")
    assert found is not None and found.key == "guid-1"
    assert store.entry_for_link("https://www.antaranews.com/berita/2") is None


def test_entries_of_every_subscription_come_newest_first_by_published_else_seen(store: Store) -> None:
    store.add_feed(Feed(url=ANTARA))
    store.add_feed(Feed(url=KOMPAS))
    store.put_entries(ANTARA, [entry(ANTARA, 1, days_ago=2), entry(ANTARA, 2, days_ago=4)])
    store.put_entries(KOMPAS, [entry(KOMPAS, 3, days_ago=3), replace(entry(KOMPAS, 4), published=None)])
    keys = [e.key for e in store.entries()]
    assert keys == ["guid-4", "guid-1", "guid-3", "guid-2"]  # guid-4: seen now, later than all
    assert [e.key for e in store.entries(limit=2)] == keys[:2]


def annotate(store: Store, url: str) -> None:
    store.add(note(TEXT, "Joko Widodo", document=DocumentRef.for_text(TEXT, url, "Bendungan")))


def test_pruning_removes_old_entries_read_or_not_but_never_annotated_ones(store: Store) -> None:
    store.add_feed(Feed(url=ANTARA))
    # 0 .. 90 days old, each seen when it was published
    store.put_entries(
        ANTARA, [replace(e, seen=e.published) for n in range(10) for e in [entry(ANTARA, n, days_ago=n * 10)]]
    )
    store.put_entries(ANTARA, [entry(ANTARA, 20, days_ago=100)])  # old, but listed by the feed only now
    store.set_read(ANTARA, "guid-8", True)
    annotate(store, "https://berita.example.id/9")
    assert store.is_annotated("https://berita.example.id/9") and not store.is_annotated("https://berita.example.id/8")
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    assert feeds.prune(store, 45, now=now) == 4  # 50 .. 80 days old (90: annotated)
    assert [e.key for e in store.entries(ANTARA)] == [f"guid-{n}" for n in (0, 1, 2, 3, 4, 9, 20)]
    assert store.entry_for_link("https://berita.example.id/8") is None
    assert len(store.all_annotations()) == 1


def test_unsubscribing_removes_the_feeds_entries_but_not_annotated_ones_nor_annotations(store: Store) -> None:
    store.add_feed(Feed(url=ANTARA))
    store.add_feed(Feed(url=KOMPAS))
    store.put_entries(ANTARA, [entry(ANTARA, n) for n in range(4)])
    store.put_entries(KOMPAS, [entry(KOMPAS, 10)])
    annotate(store, "https://berita.example.id/2")
    assert store.remove_feed(ANTARA) == 3
    assert [f.url for f in store.feeds()] == [KOMPAS]
    assert [e.key for e in store.entries()] == ["guid-10"]  # an unsubscribed feed's entries are not listed
    assert store.entry(ANTARA, "guid-2") is not None  # annotated: kept (re-subscribing finds it read as it was)
    assert len(store.all_annotations()) == 1
    with pytest.raises(KeyError):
        store.remove_feed(ANTARA)


def test_another_store_sees_subscriptions_and_read_state(tmp_path: Path) -> None:
    db = tmp_path / "sorot.json"
    with Store.open(db) as one, Store.open(db) as two:
        one.add_feed(Feed(url=ANTARA, title="Antara"))
        one.put_entries(ANTARA, [entry(ANTARA, 1)])
        assert [f.url for f in two.feeds()] == [ANTARA]
        two.set_read(ANTARA, "guid-1", True)
        assert one.entry(ANTARA, "guid-1").read
        assert not two.add_feed(Feed(url=ANTARA))
    with Store.open(db, read_only=True) as again:
        assert again.unread_counts() == {ANTARA: 0}


def test_a_feed_of_many_entries_splits_and_is_read_one_bucket_at_a_time(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(Store, "split_at", 40)
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.add_feed(Feed(url=ANTARA))
        store.add_feed(Feed(url=KOMPAS))
        for start in range(0, 600, 100):
            batch = [entry(ANTARA, n, days_ago=n / 100) for n in range(start, start + 100)]
            store.put_entries(ANTARA, [replace(e, seen=e.published) for e in batch])
        store.put_entries(KOMPAS, [entry(KOMPAS, 10_000 + n) for n in range(30)])
        store.set_read(ANTARA, "guid-7", True)
        buckets = list((tmp_path / "sorot.json.d" / "entries").glob("_*.json"))
        assert len(buckets) > 16
        assert all(len(json.loads(b.read_bytes()).get("entries", {})) <= 40 for b in buckets)
        assert store.unread_counts() == {ANTARA: 599, KOMPAS: 30}
        assert len(store.entries(ANTARA)) == 600 and len(store.entries(KOMPAS)) == 30
        assert [e.key for e in store.entries(ANTARA, limit=3)] == ["guid-0", "guid-1", "guid-2"]
        assert store.entry(ANTARA, "guid-7").read and store.entry_for_link("https://berita.example.id/599") is not None
        assert feeds.prune(store, 3, now=datetime(2026, 12, 7, tzinfo=timezone.utc)) == 299
        assert len(store.entries(ANTARA)) == 301


def test_two_copies_of_an_entry_settle_on_the_newer_one() -> None:
    older = {"feed": ANTARA, "key": "g", "read": False, "updated": "2026-12-07T01:00:00.000Z"}
    newer = {**older, "read": True, "updated": "2026-12-07T02:00:00.000Z"}
    other = {**older, "key": "h"}
    merged = _union("entries", {"entries": {"1": newer}}, {"entries": {"1": older, "2": other}})
    assert sorted((r["key"], r["read"]) for r in merged["entries"].values()) == [("g", True), ("h", False)]
    feed_old = {"url": ANTARA, "title": "a", "updated": "1"}
    feed_new = {"url": ANTARA, "title": "b", "updated": "2"}
    assert list(_union("feeds", {"feeds": {"1": feed_old}}, {"feeds": {"1": feed_new}})["feeds"].values()) == [feed_new]


def test_a_dump_and_restore_carry_subscriptions_entries_and_read_state(tmp_path: Path) -> None:
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.add_feed(Feed(url=ANTARA, title="Antara", folder="Berita", etag='"e"'))
        store.put_entries(ANTARA, [entry(ANTARA, n) for n in range(3)])
        store.set_read(ANTARA, "guid-1", True)
        annotate(store, "https://berita.example.id/2")
        with open(tmp_path / "dump.json", "wb") as out:
            counts = store.dump(out)
        before = (store.feeds(), store.entries())
    assert counts["feeds"] == 1 and counts["entries"] == 3
    restored = restore_database(tmp_path / "dump.json", tmp_path / "restored.json")
    assert restored.counts["feeds"] == 1 and restored.counts["entries"] == 3
    with Store.open(tmp_path / "restored.json") as again:
        assert (again.feeds(), again.entries()) == before
        assert again.entry_for_link("https://berita.example.id/1").read  # the link lookups are made again
        assert again.is_annotated("https://berita.example.id/2")
        assert again.put_entries(ANTARA, [entry(ANTARA, 1)]) == 0


# --- refreshing -----------------------------------------------------------------------------------


def test_refresh_uses_conditional_requests_and_a_failing_feed_does_not_stop_the_others(store: Store) -> None:
    web = standard_web()
    for url in (ANTARA, KOMPAS, DETIK):
        store.add_feed(Feed(url=url))
    web.failing.add(KOMPAS)
    seen: list[tuple[int, int, str]] = []
    results = refresh(store, web, progress=lambda done, total, feed: seen.append((done, total, feed.url)))
    by_url = {r.feed.url: r for r in results}
    assert by_url[ANTARA].new == 3 and by_url[DETIK].new == 1
    assert by_url[KOMPAS].error == f"{KOMPAS}: connection refused" and store.feed(KOMPAS).error == by_url[KOMPAS].error
    assert sorted(seen) == [(1, 3, seen[0][2]), (2, 3, seen[1][2]), (3, 3, seen[2][2])]
    antara = store.feed(ANTARA)
    assert antara.title == "ANTARA News - Berita Terkini" and antara.etag == '"antara-1"' and antara.error is None
    assert antara.site == "https://www.antaranews.com/" and antara.refreshed
    web.failing.clear()
    web.calls.clear()
    again = {r.feed.url: r for r in refresh(store, web)}
    assert (ANTARA, '"antara-1"', "Mon, 07 Dec 2026 05:00:00 GMT") in web.calls
    assert again[ANTARA].unchanged and again[ANTARA].new == 0
    assert again[KOMPAS].new == 2 and store.feed(KOMPAS).error is None
    assert again[DETIK].new == 0 and again[DETIK].entries == 1


def test_a_feed_that_stops_being_a_feed_keeps_its_entries_and_says_why(store: Store) -> None:
    web = standard_web()
    store.add_feed(Feed(url=DETIK))
    refresh(store, web)
    web.serve(DETIK, "page.html", "text/html")
    [result] = refresh(store, web)
    assert result.error == f"{DETIK} is not an RSS or Atom feed (an HTML page)"
    assert len(store.entries(DETIK)) == 1


def test_a_cancelled_refresh_stops_between_feeds(store: Store) -> None:
    web = standard_web()
    for url in (ANTARA, KOMPAS, DETIK):
        store.add_feed(Feed(url=url))
    asked: list[int] = []
    results = refresh(store, web, cancelled=lambda: len(asked.append(1) or asked) > 1)
    assert len(results) == 1


def test_subscribing_to_a_page_finds_its_feed(store: Store) -> None:
    web = standard_web()
    done = feeds.subscribe(store, PAGE, web)
    assert done.added and done.feed.url == ANTARA and done.entries == 3
    assert web.vias == {PAGE: None, ANTARA: PAGE}  # the feed the page names is remote content
    assert feeds.subscribe(store, ANTARA, web).added is False
    with pytest.raises(FeedError, match="names no RSS or Atom feed"):
        web.pages["https://kosong.example.id/"] = (b"<html><head></head><body>x</body></html>", "text/html")
        feeds.subscribe(store, "https://kosong.example.id/", web)
    with pytest.raises(FetchError):
        feeds.subscribe(store, "https://hilang.example.id/rss", web)
    assert [f.url for f in store.feeds()] == [ANTARA]


def test_the_pruning_age_comes_from_the_environment_or_the_default() -> None:
    assert feeds.max_age_days({}) == feeds.MAX_AGE_DAYS == 60
    assert feeds.max_age_days({"SOROT_FEED_MAX_AGE": "14"}) == 14
    assert feeds.max_age_days({"SOROT_FEED_MAX_AGE": "nonsense"}) == 60
    assert feeds.max_age_days({"SOROT_FEED_MAX_AGE": "0"}) == 60


def test_feed_urls_are_normalised() -> None:
    assert normalise_url(" HTTP://Example.COM:80 ") == "http://example.com/"
    assert normalise_url("https://example.com:8443/a?b=1#c") == "https://example.com:8443/a?b=1"
    assert normalise_url("not a url") == "not a url"


# --- kills -----------------------------------------------------------------------------------------


def _feed_churn(path: str, log: str, seed: int) -> None:
    """Until killed: new entries, read state toggled, feeds added; each change logged once acknowledged."""
    Store.split_at = 40
    rng = random.Random(seed)
    with Store.open(path, lock_timeout=60) as store, open(log, "a", encoding="utf-8") as out:

        def say(*fields: object) -> None:
            out.write("\t".join(map(str, fields)) + "\n")
            out.flush()

        n = 0
        while True:
            n += 1
            choice = rng.random()
            if choice < 0.4:
                feed = rng.choice([ANTARA, KOMPAS, DETIK])
                batch = [entry(feed, seed * 10_000 + n * 10 + i) for i in range(rng.randint(1, 8))]
                say("intent", feed, "-")
                store.put_entries(feed, batch)
                for e in batch:
                    say("entry", feed, e.key)
            elif choice < 0.9:
                known = store.entries(rng.choice([ANTARA, KOMPAS, DETIK]), limit=50)
                if not known:
                    continue
                e = rng.choice(known)
                read = not e.read
                say("intent", e.feed, e.key)
                store.set_read(e.feed, e.key, read)
                say("read", e.feed, e.key, int(read))
            else:
                url = f"https://feed{rng.randrange(50)}.example.id/rss"
                say("intent", url, "-")
                store.add_feed(Feed(url=url))
                say("feed", url, "-")


@pytest.mark.filterwarnings(FORK_WARNING)
def test_kill_9_while_entries_are_stored_and_read_loses_no_acknowledged_change(tmp_path: Path) -> None:
    db = tmp_path / "sorot.json"
    default_split = Store.split_at
    with Store.open(db) as store:
        for url in (ANTARA, KOMPAS, DETIK):
            store.add_feed(Feed(url=url))
    rng = random.Random(20261207)
    logs = []
    for round_ in range(20):
        logs.append(tmp_path / f"log-{round_}")
        child = CONTEXT.Process(target=_feed_churn, args=(str(db), str(logs[-1]), round_ + 1))
        child.start()
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        for bucket in (tmp_path / "sorot.json.d").rglob("_*.json"):
            json.loads(bucket.read_bytes())
    assert Store.split_at == default_split
    entries: set[tuple[str, str]] = set()
    reads: dict[tuple[str, str], bool | None] = {}  # None: its last change was cut short
    subscribed: set[str] = set()
    for log in logs:
        lines = [line.split("\t") for line in (log.read_text() if log.exists() else "").split("\n")[:-1]]
        cut = lines[-1] if lines and lines[0] and lines[-1][0] == "intent" else None
        for kind, feed, key, *rest in lines:
            if kind == "entry":
                entries.add((feed, key))
            elif kind == "read":
                reads[(feed, key)] = rest[0] == "1"
            elif kind == "feed":
                subscribed.add(feed)
        if cut is not None and cut[2] != "-":
            reads[(cut[1], cut[2])] = None
    with Store.open(db) as store:
        stored = {(e.feed, e.key): e for url in (ANTARA, KOMPAS, DETIK) for e in store.entries(url)}
        lost = [k for k in entries if k not in stored]
        wrong = [k for k, read in reads.items() if read is not None and stored[k].read is not read]
        feeds_there = {f.url for f in store.feeds()}
        buckets = len(list((tmp_path / "sorot.json.d" / "entries").glob("_*.json")))
    print(f"\nfeed kill loop: {len(entries)} entries, {len(reads)} read changes, {buckets} entry buckets")
    assert len(entries) > 50 and len(reads) > 10 and buckets > 1
    assert lost == [] and wrong == [] and subscribed <= feeds_there


def test_reading_an_article_reads_it_in_every_feed_that_lists_it(store: Store) -> None:
    store.add_feed(Feed(url=ANTARA))
    store.add_feed(Feed(url=KOMPAS))
    shared = "https://berita.example.id/bersama"
    store.put_entries(ANTARA, [entry(ANTARA, 1, link=shared), entry(ANTARA, 2)])
    store.put_entries(KOMPAS, [entry(KOMPAS, 3, link=shared + "?utm_source=rss#atas")])
    assert store.set_read_link(shared) == 2
    assert store.unread_counts() == {ANTARA: 1, KOMPAS: 0}
    assert store.set_read_link(shared) == 0  # already read
    assert store.set_read_link(shared, False) == 2 and store.unread_counts() == {ANTARA: 2, KOMPAS: 1}
    assert store.set_read_link("https://berita.example.id/tidak-ada") == 0


@pytest.mark.parametrize(
    "title, shown",
    [
        ("Harga &lt; Rp 10 ribu", "Harga < Rp 10 ribu"),
        ("<![CDATA[Inflasi < 3 persen]]>", "Inflasi < 3 persen"),
        ("&lt;b&gt;Tebal&lt;/b&gt; sekali", "Tebal sekali"),
    ],
)
def test_a_less_than_sign_in_a_feed_is_text(title: str, shown: str) -> None:
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><item><title>{title}</title>'
    rss += "<link>https://x.example/1</link></item></channel></rss>"
    parsed = parse_feed(rss.encode(), "https://x.example/rss")
    assert parsed.title == shown and parsed.entries[0].title == shown


def test_a_fault_on_one_feed_is_that_feeds_error_and_the_refresh_goes_on(store: Store, monkeypatch) -> None:
    web = standard_web()
    store.add_feed(Feed(url=ANTARA))
    store.add_feed(Feed(url=KOMPAS))
    real = feeds._parse_feed

    def faulty(content: bytes, url: str):
        if url == ANTARA:
            raise RecursionError("maximum recursion depth exceeded")
        return real(content, url)

    monkeypatch.setattr(feeds, "_parse_feed", faulty)
    results = {r.feed.url: r for r in refresh(store, web)}
    assert "RecursionError" in results[ANTARA].error and "\n" not in results[ANTARA].error
    assert results[KOMPAS].error is None and results[KOMPAS].new > 0
    assert store.feed(ANTARA).error == results[ANTARA].error


def test_plain_text_reads_markup_at_most_twice_and_a_bare_less_than_as_text() -> None:
    assert feeds.plain_text("Harga <Rp 10") == "Harga <Rp 10"
    assert feeds.plain_text("a &amp;lt;b&amp;gt; c") == "a &lt;b&gt; c"  # escaped twice over: read once
    assert feeds.plain_text("<" * 5000) == "<" * 5000


def test_a_title_is_read_only_as_far_as_it_can_be_shown() -> None:
    long = "&lt;a" * 100_000  # Python's HTML parser is quadratic on "<a<a<a..."
    shown = feeds.plain_text(long, 1000)
    assert len(shown) <= 1001 and shown.startswith("<a<a")
