"""Annotations say where they are: the label picker quotes the text being marked, the bookmark
list names paragraphs rather than character offsets, and undo goes to what it took back."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label, OptionList

from tests.ui.conftest import reader, view_of
from tui.ui.screens.annotate import BookmarksScreen, ChoiceScreen

WIDE = (140, 40)


async def test_the_add_entity_dialog_quotes_the_text_being_labelled(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index("Yang Moo Jin berpendapat"))
        await pilot.press("v", "w", "w", "w", "e")
        assert isinstance(app.screen, ChoiceScreen)
        title = app.screen.query_one(".dialog-title", Label).render().plain
        assert title == "Label for “Yang Moo Jin”"


async def test_the_bookmark_list_names_the_paragraph_and_quotes_the_place(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        offset = view.text.index("Pyongyang dilaporkan")
        paragraph = next(n for n, (start, end) in enumerate(view.article.paragraphs, 1) if start <= offset < end)
        view.move_cursor(offset)
        await pilot.press("m", "apostrophe")
        assert isinstance(app.screen, BookmarksScreen)
        (row,) = [app.screen.query_one(OptionList).get_option_at_index(0).prompt.plain]
        assert row.startswith(f"¶ {paragraph}  “Pyongyang dilaporkan")
        assert str(offset) not in row


async def test_undo_and_redo_take_the_cursor_to_what_they_changed(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        place = view.text.index("Yang Moo Jin berpendapat")
        view.move_cursor(place)
        await pilot.press("v", "w", "h", "1")  # highlight "Yang"
        assert view.annotations
        await pilot.press("g", "u")
        assert not view.annotations and view.cursor == place
        await pilot.press("g", "ctrl+r")
        assert view.annotations and view.cursor == place
        bookmarked = view.text.index("Pyongyang dilaporkan")
        view.move_cursor(bookmarked)
        await pilot.press("m", "g", "u")  # a bookmark taken back: the cursor goes to where it was
        assert view.cursor == bookmarked
        row = view.wrapped.row_of(view.cursor)
        assert view.scroll_offset.y <= row < view.scroll_offset.y + view.size.height
