"""Reading the web, as a user does it, against a news site on 127.0.0.1 that the test starts:
subscribe to a feed, read its newest article with entities and facts, annotate it, go offline,
reopen it, and export the annotations with the URL as their source."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.news_site import NewsSite
from tests.ui.conftest import notifications, run, view_of, wait_for_nlp, wait_until
from tui.core.exchange import run_export
from tui.core.store import Store
from tui.core.web.fetch import Fetcher
from tui.core.web.kept import KeptPages
from tui.ui.app import make_app
from tui.ui.screens.annotate import NoteScreen
from tui.ui.screens.feeds import FeedsScreen, UrlScreen
from tui.ui.screens.fetching import FetchScreen
from tui.ui.screens.reader import ReaderScreen

SIZE = (120, 40)
NOW = datetime(2025, 6, 21, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def site(httpserver) -> NewsSite:
    site = NewsSite(httpserver)
    site.article("/berita/banjir", "kompas_banjir.html")
    site.article("/berita/kereta", "detik_kereta.html")
    site.feed(
        "/rss",
        "Kabar [bold]Lokal[/]",
        [
            ("Banjir rob rendam Penjaringan", "/berita/banjir", NOW - timedelta(days=1)),
            ("KAI tambah 12 perjalanan kereta", "/berita/kereta", NOW),
        ],
    )
    return site


async def open_reader(pilot) -> ReaderScreen:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))
    await wait_for_nlp(pilot)
    await wait_until(pilot, lambda: app.screen.annotations_ready and app.screen.facts is not None)
    return app.screen


async def test_subscribe_read_annotate_go_offline_reopen_and_export(site: NewsSite, tmp_path: Path) -> None:
    db, kept = tmp_path / "db.json", KeptPages(tmp_path / "web")
    app = make_app(feeds=True, in_process=True, db=db, kept=kept)
    async with run(app, size=SIZE) as pilot:
        assert isinstance(app.screen, FeedsScreen)
        await pilot.press("a")
        assert isinstance(app.screen, UrlScreen)
        await pilot.press(*site.url("/rss"), "enter")
        feeds = app.screen
        await wait_until(pilot, lambda: len(feeds.entry_list) == 2)
        assert [e.title for e in feeds.entry_list] == [
            "KAI tambah 12 perjalanan kereta",
            "Banjir rob rendam Penjaringan",
        ]
        assert app.store.unread_counts() == {site.url("/rss"): 2}

        # The newest entry opens in the reader, through the fetching screen, with its entities and facts.
        await pilot.press("enter")
        assert isinstance(app.screen, (FetchScreen, ReaderScreen))
        reader = await open_reader(pilot)
        article = reader.article
        assert article.web is not None and article.web.url == site.url("/berita/kereta")
        assert article.title.startswith("KAI Tambah 12 Perjalanan")
        assert {"PERSON", "ORG", "LOC"} <= {e.label for e in reader.model_entities}
        dates = {d.text: d.value for d in reader.facts.dates}
        assert dates["Kamis (19/6)"] == "2025-06-19"  # the year from the page's publication date
        assert app.store.unread_counts() == {site.url("/rss"): 1}

        # A note on the spokeswoman's name.
        view = view_of(app)
        view.move_cursor(view.text.index("Ratna Kusumawati"))
        await pilot.press("v", "w", "w", "a")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"juru bicara KAI", "ctrl+s")
        await wait_until(pilot, lambda: len(view.annotations) == 1)
        await pilot.press("backspace")
        assert app.screen is feeds
        assert feeds.entry_list[0].read  # shown read now

    # Offline: the site is down, and the article reopens from its kept copy with its note.
    site.offline = True
    app = make_app(site.url("/berita/kereta"), in_process=True, db=db, kept=kept)
    async with run(app, size=SIZE) as pilot:
        reader = await open_reader(pilot)
        assert reader.article.text == article.text
        (note,) = view_of(app).annotations
        assert (note.note, note.quote.exact) == ("juru bicara KAI", "Ratna Kusumawati")
        await wait_until(pilot, lambda: any(n.title == "Offline" for n in notifications(app)))

    # Exported, the note names the URL as its source.
    with Store.open(db, read_only=True) as store:
        out = io.BytesIO()
        run_export(store, "w3c", stdout=out)
    (item,) = json.loads(out.getvalue())["first"]["items"]
    assert item["target"]["source"] == site.url("/berita/kereta")
    assert item["target"]["selector"][0]["exact"] == "Ratna Kusumawati"


async def test_a_url_that_cannot_be_fetched_stops_the_app_with_one_line(site: NewsSite, tmp_path: Path) -> None:
    app = make_app(site.url("/berita/hilang"), in_process=True, db=tmp_path / "db.json", kept=KeptPages(tmp_path))
    async with run(app, size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.failure is not None)
    assert "HTTP 404 Not Found" in app.failure and "\n" not in app.failure
    assert app.return_code == 1


async def test_esc_cancels_a_fetch_and_the_list_stays(site: NewsSite, tmp_path: Path, monkeypatch) -> None:
    import tui.core.web.reading as reading

    started = []

    def slow(url, fetcher, kept, *, cancelled, **options):
        started.append(url)
        while not cancelled():
            pass
        raise reading.FetchError(f"{url}: cancelled")

    monkeypatch.setattr(reading, "fetch_article", slow)
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        from tui.core.web.feeds import subscribe

        with Fetcher() as fetcher:
            subscribe(store, site.url("/rss"), lambda url, **options: fetcher.get(url, accept=None, **options))
    app = make_app(feeds=True, in_process=True, db=db, kept=KeptPages(tmp_path / "web"))
    async with run(app, size=SIZE) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: started and isinstance(app.screen, FetchScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, FeedsScreen))
        assert app.store.unread_counts() == {site.url("/rss"): 2}  # nothing opened, nothing read
        assert not any(n.severity == "error" for n in notifications(app))
