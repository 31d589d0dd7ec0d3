"""The library under a reviewer's hostile use: a damaged index, many articles, unreadable and
deleted ones, long entity names, the help's order, headings and plurals in the sentences."""

from __future__ import annotations

import threading
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.widgets import OptionList

from tests.core.test_library_damage import damage
from tests.core.test_library_index import FIRST, SECOND, THIRD, entities_of, write
from tests.ui.conftest import reader, wait_until
from tui.core.library import Library, LibraryArticle, LibraryEntity, LibraryMention, library_path, refresh
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.library import IndexProgressed, LibraryScreen, MentionsScreen, entity_rows


def articles(folder: Path) -> Path:
    folder.mkdir()
    write(folder, "a-istana.txt", FIRST)
    write(folder, "b-bandung.txt", SECOND)
    write(folder, "c-ekspor.md", THIRD)
    return folder


def status(screen: LibraryScreen) -> str:
    return str(screen.query_one("#library-status").render())


def rendered(prompt, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(prompt)
    return console.export_text().rstrip("\n").split("\n")


async def test_a_damaged_index_is_built_again_rather_than_indexing_forever(tmp_path: Path) -> None:
    folder = tmp_path / "berita"
    folder.mkdir()
    for i in range(9):  # as in the core test: rows that fill the pages the repro damages
        write(folder, f"a{i}.txt", (FIRST, SECOND, THIRD)[i % 3] + f"Paragraf {i}. " * 300)
    db = tmp_path / "sorot.json"
    with Library(library_path(db)) as library:
        refresh(library, folder, sorted(folder.iterdir()), entities_of)
    damage(library_path(db))
    async with reader(folder, db=db, size=(120, 30)) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await wait_until(pilot, lambda: screen._finished)
        assert status(screen) == "9 articles indexed"
        assert screen.query_one("#entities", OptionList).option_count
    assert library_path(db).with_name("sorot.library.sqlite3.broken").exists()


async def test_refreshing_the_list_swaps_only_changed_rows_and_touches_no_file(tmp_path: Path, monkeypatch) -> None:
    folder = articles(tmp_path / "berita")
    (folder / "d-biner.txt").write_bytes(b"\x00\x01\x02\xff" * 200)
    async with reader(folder, db=tmp_path / "sorot.json", size=(120, 30)) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await wait_until(pilot, lambda: screen._finished)
        # Unreadable articles are counted and their rows say why, dimly.
        assert status(screen) == "3 articles indexed, 1 unreadable"
        listed = screen.query_one("#articles", OptionList)
        binary = listed.get_option_at_index(3).prompt
        assert isinstance(binary, Text) and "unreadable: looks like a binary file" in binary.plain
        assert str(binary.spans[0].style) == "dim"
        # A refresh where one row changed: only that one is replaced; no path is resolved or
        # stat'ed on the interface's thread (2,000 of them made each key wait seconds).
        touched: list[str] = []
        for name in ("resolve", "stat", "exists"):
            original = getattr(Path, name)

            def spy(self, *args, _original=original, _name=name, **kwargs):
                if threading.current_thread() is threading.main_thread():
                    touched.append(_name)
                return _original(self, *args, **kwargs)

            monkeypatch.setattr(Path, name, spy)
        before = [listed.get_option_at_index(i).prompt for i in range(listed.option_count)]
        rows = dict(screen._rows)
        rows[screen.articles[1]] = Text("changed")
        screen.post_message(IndexProgressed(3, 4, rows=rows, indexed=screen.indexed_articles))
        await pilot.pause()
        after = [listed.get_option_at_index(i).prompt for i in range(listed.option_count)]
        assert [a is b for a, b in zip(before, after, strict=True)] == [True, False, True, True]
        assert after[1].plain == "changed"
        # The status names the article being indexed, with its size.
        screen.post_message(IndexProgressed(0, 2, working_on="huge.txt (19.1\u00a0MiB)"))
        await pilot.pause()
        assert status(screen) == "⋯ indexing huge.txt (19.1\u00a0MiB) 0/2"
        # An article deleted while indexing is dropped from the list at the end of the run.
        gone = screen.articles[0]
        screen.post_message(IndexProgressed(3, 3, True, rows=rows, gone=(gone,), indexed=screen.indexed_articles))
        await pilot.pause()
        assert touched == []
        assert gone not in screen.articles and listed.option_count == 3
        assert "(3)" in str(screen.query_one("#title-bar").render())


def test_each_entity_row_holds_on_one_line_with_a_long_name_cut() -> None:
    entities = [
        LibraryEntity(1, "Kementerian Pekerjaan Umum dan Perumahan Rakyat", "ORG", 12, 345),
        LibraryEntity(2, "KPK", "ORG", 1, 1),
    ]
    long, short = (option.prompt for option in entity_rows(entities, 40))
    assert rendered(long, 40) == ["Kementerian Pe…  ORG  12 articles · 345×"]
    assert rendered(short, 40) == ["KPK  ORG  1 article · 1×"]


async def test_the_help_of_the_library_lists_its_keys_first(tmp_path: Path) -> None:
    folder = articles(tmp_path / "berita")
    async with reader(folder, db=tmp_path / "sorot.json", size=(120, 30)) as (app, pilot):
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.rows[0][0] == "Library (articles and entities)"
        await pilot.press("escape")
        # One sentence, in an article whose heading is Markdown: "1 sentence", and no "#".
        found = LibraryArticle(str(folder / "c-ekspor.md"), "Catatan", "2025-11-03", "page", "", "0" * 64)
        sentence = "# Catatan Liputan: Sidang Budi Santoso yang dijadwalkan pekan depan di Jakarta Pusat"
        mention = LibraryMention(found, sentence, 0, len(sentence), (29, 41))
        await app.push_screen(MentionsScreen(LibraryEntity(1, "Budi Santoso", "PERSON", 1, 1), [mention]))
        await pilot.pause()
        assert "  1 sentence in 1 article" in str(app.screen.query_one("#title-bar").render())
        prompt = app.screen.query_one("#mentions", OptionList).get_option_at_index(0).prompt
        lines = rendered(prompt, 40)
        assert lines[1].startswith("  Catatan Liputan")
        assert len(lines) > 3 and all(line.startswith("  ") for line in lines[1:])  # wrapped under the indent
