"""The reading list's own behaviour: reading an article reads it in every feed, the palette and
help, names of feeds, the status line, keys at the ends of the lists, and a subscription stopped."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.news_site import NewsSite
from tests.ui.conftest import notifications, run, wait_until
from tui.core.store import Store
from tui.core.web.feeds import Feed
from tui.core.web.kept import KeptPages
from tui.core.web.urls import with_scheme
from tui.ui.app import make_app
from tui.ui.screens.feeds import feed_names
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.reader import ReaderScreen

SIZE = (120, 40)
NOW = datetime(2025, 6, 21, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def site(httpserver) -> NewsSite:
    site = NewsSite(httpserver)
    site.article("/berita/kereta", "detik_kereta.html")
    site.feed("/rss", "Kabar", [("KAI tambah perjalanan", "/berita/kereta", NOW)])
    site.feed("/lain.xml", "Kabar", [("Kereta tambahan", "/berita/kereta?utm_source=rss", NOW - timedelta(hours=1))])
    site.put("/rusak.xml", b"<rss><channel><title>Rusak", "application/rss+xml")
    return site


def subscribe(db: Path, site: NewsSite, *paths: str) -> None:
    from tui.core.web.feeds import subscribe as add
    from tui.core.web.fetch import Fetcher

    with Store.open(db) as store, Fetcher() as fetcher:
        for path in paths:
            add(store, site.url(path), lambda url, **options: fetcher.get(url, accept=None, **options))


def app_on(tmp_path: Path):
    return make_app(feeds=True, in_process=True, db=tmp_path / "db.json", kept=KeptPages(tmp_path / "web"))


async def test_reading_an_article_reads_it_in_every_feed_listing_it(site: NewsSite, tmp_path: Path) -> None:
    subscribe(tmp_path / "db.json", site, "/rss", "/lain.xml")
    app = app_on(tmp_path)
    async with run(app, size=SIZE) as pilot:
        feeds = app.screen
        assert [e.read for e in feeds.entry_list] == [False, False]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.annotations_ready)
        await pilot.press("backspace")
        await wait_until(pilot, lambda: app.screen is feeds and all(e.read for e in feeds.entry_list))
        assert app.store.unread_counts() == {site.url("/rss"): 0, site.url("/lain.xml"): 0}


async def test_feeds_of_one_title_are_told_apart_and_folders_shown(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        store.add_feed(Feed(url="https://a.example/rss", title="Kabar"))
        store.add_feed(Feed(url="https://b.example/feed", title="Kabar", folder="Ekonomi"))
        store.add_feed(Feed(url="https://c.example/x", title=""))
        names = feed_names(store.feeds())
    assert names == {
        "https://a.example/rss": "Kabar (a.example/rss)",
        "https://b.example/feed": "Kabar (b.example/feed)",
        "https://c.example/x": "https://c.example/x",
    }
    app = app_on(tmp_path)
    async with run(app, size=SIZE) as pilot:
        shown = [str(o.prompt) for o in app.screen.query_one("#feed-list").options]
        await pilot.pause()
    assert "Ekonomi › Kabar (b.example/feed)" in shown


async def test_the_palette_and_help_offer_the_reading_lists_actions(site: NewsSite, tmp_path: Path) -> None:
    subscribe(tmp_path / "db.json", site, "/rss")
    app = app_on(tmp_path)
    async with run(app, size=SIZE) as pilot:
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Fetch every feed's new entries (in the background)" in commands
        assert "Subscribe to a feed by its address" in commands
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.rows[0][0] == "Reading list (feeds)"
        await pilot.press("escape")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))
        reader = app.screen
        assert "Newer version" not in [c.title for c in app.get_system_commands(reader)]  # nothing newer
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen) and app.screen.rows[0][0] != "Reading list (feeds)"


async def test_j_and_k_stop_at_the_ends_of_a_list(site: NewsSite, tmp_path: Path) -> None:
    subscribe(tmp_path / "db.json", site, "/rss", "/lain.xml")
    app = app_on(tmp_path)
    async with run(app, size=SIZE) as pilot:
        entries = app.screen.query_one("#entry-list")
        await pilot.press("k")
        assert entries.highlighted == 0
        await pilot.press("j", "j", "j")
        assert entries.highlighted == 1


async def test_the_status_line_follows_the_highlighted_feed(site: NewsSite, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    subscribe(db, site, "/rss")
    with Store.open(db) as store:
        store.add_feed(Feed(url=site.url("/rusak.xml"), title="Rusak", error="not an RSS or Atom feed"))
    app = app_on(tmp_path)
    async with run(app, size=SIZE) as pilot:
        status = app.screen.query_one("#feeds-status")
        await pilot.press("tab", "j", "j")  # the feed list: All, Kabar, Rusak
        assert "not an RSS or Atom feed" in str(status.render())
        await pilot.press("k")
        assert "not an RSS" not in str(status.render()) and "2 feeds" in str(status.render())


async def test_esc_stops_a_slow_subscription(site: NewsSite, tmp_path: Path) -> None:
    site.delays["/lambat.xml"] = 3.0
    site.feed("/lambat.xml", "Lambat", [("Berita", "/berita/kereta", NOW)])
    app = app_on(tmp_path)
    async with run(app, size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("a", *site.url("/lambat.xml"), "enter")
        assert screen.subscribing and "esc stops" in str(screen.query_one("#feeds-status").render())
        await pilot.press("escape")
        assert not screen.subscribing
        await pilot.pause(3.5)
        assert app.store.feeds() == []
        assert not any(n.severity == "error" for n in notifications(app))


def test_an_address_typed_without_its_scheme_is_https() -> None:
    assert with_scheme(" kompas.com/rss ") == "https://kompas.com/rss"
    assert with_scheme("http://x.example/") == "http://x.example/"
