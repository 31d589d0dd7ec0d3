"""The reading list's library (``L`` in ``sorot feeds``): the articles kept from the feeds, an
entity named in two of them, the sentences naming it by date, and the second one read there."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from tests.core.test_library_index import FIRST, SECOND
from tests.news_site import NewsSite
from tests.ui.conftest import run, wait_until
from tui.core.library import Library, library_path
from tui.core.web.kept import KeptCopy, KeptPages
from tui.ui.app import make_app
from tui.ui.screens.feeds import FeedsScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.kept_library import KeptLibraryScreen
from tui.ui.screens.library import MentionsScreen
from tui.ui.screens.reader import ReaderScreen


async def test_from_the_kept_articles_to_an_entity_to_a_sentence_of_the_second(httpserver, tmp_path: Path) -> None:
    site = NewsSite(httpserver)  # the reader asks it for newer versions: it has none (404), never the internet
    kept = KeptPages(tmp_path / "web")
    first, second = site.url("/berita/istana"), site.url("/berita/bandung")
    # Kept in the opposite order of their dates: the sentences come by date all the same.
    kept.put(KeptCopy(url=second, text=SECOND, title="Kunjungan ke Bandung", published="2025-12-03"))
    kept.put(KeptCopy(url=first, text=FIRST, title="Prabowo di Istana", site="ANTARA", published="2025-12-01"))
    db = tmp_path / "db.json"
    app = make_app(feeds=True, in_process=True, db=db, kept=kept)
    async with run(app, size=(120, 36)) as pilot:
        await pilot.press("L")
        library = app.screen
        assert isinstance(library, KeptLibraryScreen)
        await wait_until(pilot, lambda: library._finished)
        assert str(library.query_one("#library-status").render()) == "2 articles indexed"
        listed = library.query_one("#articles", OptionList)
        prompts = sorted(listed.get_option_at_index(i).prompt.plain for i in range(listed.option_count))
        # The title, where it is from, the page's date and its site (else the URL's host).
        assert prompts[0].startswith("Kunjungan ke Bandung  127.0.0.1/berita/bandung")
        assert prompts[0].endswith("2025-12-03  127.0.0.1")
        assert prompts[1].startswith("Prabowo di Istana") and prompts[1].endswith("2025-12-01  ANTARA")
        await pilot.press("tab")
        entities = library.query_one("#entities", OptionList)
        assert entities.get_option_at_index(0).prompt.plain.startswith("Prabowo Subianto  PERSON  2 articles")
        await pilot.press("enter")
        mentions = app.screen
        assert isinstance(mentions, MentionsScreen)
        urls = [m.article.path for m in mentions.mentions]
        assert urls[-1] == second and set(urls[:-1]) == {first}  # by date
        await pilot.press(*["j"] * urls.index(second), "enter")
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article.web is not None
        assert reader.article.web.url == second
        assert reader.view.cursor == SECOND.index("BANDUNG, KOMPAS.com - Prabowo meninjau")
        await pilot.press("backspace")
        assert app.screen is mentions
        await pilot.press("backspace")
        assert app.screen is library
        await pilot.press("backspace")  # and back to the reading list
        assert isinstance(app.screen, FeedsScreen)
    # Indexed beside the database, apart from any directory's articles, each once.
    with Library(library_path(db)) as index:
        assert index.counts() == 2 and {a.path for a in index.articles()} == {first, second}


async def test_the_library_key_is_in_the_reading_lists_help(tmp_path: Path) -> None:
    app = make_app(feeds=True, in_process=True, db=tmp_path / "db.json", kept=KeptPages(tmp_path / "web"))
    async with run(app, size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert any(row[1] == "L" and "kept from the feeds" in row[2] for row in help_screen.rows)
        assert any(row[1] == "⌫" and row[2] == "Back to the reading list" for row in help_screen.rows)


async def test_with_nothing_kept_the_library_says_how_articles_come(tmp_path: Path) -> None:
    app = make_app(feeds=True, in_process=True, db=tmp_path / "db.json", kept=KeptPages(tmp_path / "web"))
    async with run(app, size=(120, 36)) as pilot:
        await pilot.press("L")
        library = app.screen
        assert isinstance(library, KeptLibraryScreen)
        await wait_until(pilot, lambda: library._finished)
        assert str(library.query_one("#library-status").render()) == KeptLibraryScreen.EMPTY
