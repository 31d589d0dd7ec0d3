"""The library of ``sorot DIR``: from a directory of articles to an entity, to the articles naming
it, to a sentence of the second one, read at that sentence."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from tests.core.test_library_index import FIRST, SECOND, THIRD, write
from tests.ui.conftest import reader, screen_strips, wait_for_nlp, wait_until
from tui.core.document import load_article
from tui.core.library import Library, library_path
from tui.core.session import DocumentSession, document_of
from tui.core.store import Store
from tui.ui.screens.library import LibraryScreen, MentionsScreen
from tui.ui.screens.reader import ReaderScreen


def articles(folder: Path) -> Path:
    folder.mkdir()
    write(folder, "a-istana.txt", FIRST)
    write(folder, "b-bandung.txt", SECOND)
    write(folder, "c-ekspor.md", THIRD, mtime=1_764_000_000)
    return folder


def painted(app) -> str:
    return "\n".join("".join(segment.text for segment in strip) for strip in screen_strips(app))


async def test_from_a_directory_to_an_entity_to_a_sentence_of_the_second_article(tmp_path: Path) -> None:
    folder = articles(tmp_path / "berita")
    db = tmp_path / "sorot.json"
    async with reader(folder, db=db, size=(120, 36)) as (app, pilot):
        library = app.screen
        assert isinstance(library, LibraryScreen)
        await wait_until(pilot, lambda: library._finished)
        status = str(library.query_one("#library-status").render())
        assert status == "3 articles indexed"
        # The articles with their date and site; a date from the file's time says so.
        listed = library.query_one("#articles", OptionList)
        prompts = [listed.get_option_at_index(i).prompt.plain for i in range(listed.option_count)]
        assert prompts[1].startswith("Kunjungan ke Bandung  b-bandung.txt") and "2025-12-03  KOMPAS.com" in prompts[1]
        assert prompts[2].endswith(" (file time)")
        # The entity named in the most articles comes first: Prabowo, once by his short name.
        await pilot.press("tab")
        entities = library.query_one("#entities", OptionList)
        assert app.focused is entities
        first = entities.get_option_at_index(0).prompt.plain
        assert first.startswith("Prabowo Subianto  PERSON  2 articles")
        await pilot.press("enter")
        mentions = app.screen
        assert isinstance(mentions, MentionsScreen)
        names = [Path(m.article.path).name for m in mentions.mentions]
        assert names[-1] == "b-bandung.txt" and set(names[:-1]) == {"a-istana.txt"}  # by date
        assert [m.article.date for m in mentions.mentions] == sorted(m.article.date for m in mentions.mentions)
        # Down to the second article's sentence; enter reads it there.
        await pilot.press(*["j"] * names.index("b-bandung.txt"), "enter")
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.title == "Kunjungan ke Bandung"
        await wait_for_nlp(pilot)
        await wait_until(pilot, lambda: app.screen.annotations_ready)
        assert app.screen.view.cursor == SECOND.index("BANDUNG, KOMPAS.com - Prabowo meninjau")
        # Back to the sentences, then to the library.
        await pilot.press("backspace")
        assert app.screen is mentions
        await pilot.press("backspace")
        assert app.screen is library
    # The index stays beside the database, for the next time and for sorot library export.
    with Library(library_path(db)) as index:
        assert index.counts(folder) == 3


async def test_slash_searches_texts_and_the_readers_notes_and_tags(tmp_path: Path) -> None:
    folder = articles(tmp_path / "berita")
    db = tmp_path / "sorot.json"
    article = load_article(folder / "c-ekspor.md")
    with Store.open(db) as store:
        session = DocumentSession.open(store, article.text, document_of(article))
        session.annotate(0, 5, "note", note="angka \x1b[31mpenting", tags=["perdagangan-luar"])
    async with reader(folder, db=db) as (app, pilot):
        library = app.screen
        await wait_until(pilot, lambda: library._finished)
        listed = library.query_one("#articles", OptionList)

        async def search(words: str) -> list[str]:
            await pilot.press("slash", *words, "enter")
            await wait_until(pilot, lambda: library._searched == words)
            return [listed.get_option_at_index(i).prompt.plain.split("  ")[1] for i in range(listed.option_count)]

        assert await search("pasar") == ["b-bandung.txt"]  # in the text
        assert await search("penting") == ["c-ekspor.md"]  # in a note
        assert await search("perdagangan-luar") == ["c-ekspor.md"]  # a tag
        await pilot.press("escape")
        assert listed.option_count == 3
        assert "\x1b" not in painted(app)
        # Enter opens what the search found.
        await search("Istana")
        await pilot.press("enter")
        assert isinstance(app.screen, ReaderScreen) and app.screen.article.title == "Prabowo Bertemu Menteri Keuangan"


async def test_a_sentence_of_an_article_edited_since_it_was_indexed_is_found_where_it_now_is(tmp_path: Path) -> None:
    folder = articles(tmp_path / "berita")
    db = tmp_path / "sorot.json"
    async with reader(folder, db=db) as (app, pilot):
        library = app.screen
        await wait_until(pilot, lambda: library._finished)
        await pilot.press("tab", "enter")
        mentions = app.screen
        assert isinstance(mentions, MentionsScreen)
        edited = SECOND.replace("Kunjungan ke Bandung\n\n", "Kunjungan ke Bandung\n\nDiperbarui sore ini.\n\n")
        write(folder, "b-bandung.txt", edited)
        names = [Path(m.article.path).name for m in mentions.mentions]
        await pilot.press(*["j"] * names.index("b-bandung.txt"), "enter")
        assert isinstance(app.screen, ReaderScreen)
        await wait_for_nlp(pilot)
        await wait_until(pilot, lambda: app.screen.annotations_ready)
        assert app.screen.view.cursor == edited.index("BANDUNG, KOMPAS.com - Prabowo meninjau")
