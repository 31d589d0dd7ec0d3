"""The note dialog's quote and the bookmark list's snippets are cut at a word, with "…" where
text was left out (they were cut mid-word, without a mark)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Label, OptionList

from tests.ui.conftest import reader, view_of
from tui.ui.screens.annotate import BOOKMARK_CHARS, BookmarksScreen, NoteScreen

WIDE = (140, 40)


def assert_cut_at_a_word(shown: str, whole: str, limit: int) -> None:
    """``shown`` (quoted) is the start of ``whole`` (on one line), cut after a word, ending in "…"."""
    flat = " ".join(whole.split())
    assert shown.startswith("“") and shown.endswith("…”"), shown
    kept = shown[1:-2]
    assert 0 < len(kept) < limit and flat.startswith(kept), (kept, flat)
    assert flat[len(kept)] in " ,;:", (kept, flat[len(kept) : len(kept) + 10])  # a word ends there


@pytest.mark.parametrize("size", [WIDE, (80, 24)])
async def test_the_note_dialog_quotes_a_long_selection_cut_at_a_word(article: Path, size: tuple[int, int]) -> None:
    async with reader(article, size=size) as (app, pilot):
        view = view_of(app)
        paragraph = max(view.article.paragraphs, key=lambda span: span[1] - span[0])
        view.move_cursor(paragraph[0])
        await pilot.press("v", "right_curly_bracket", "a")
        assert isinstance(app.screen, NoteScreen)
        quote = app.screen.quote
        assert len(quote) > 160
        label = app.screen.query_one(".dialog-quote", Label)
        shown = label.render().plain
        assert_cut_at_a_word(shown, quote, 160)
        # All of it on screen: wrapped inside the dialog, not clipped at its edge.
        await pilot.pause()
        assert label.region.right <= label.parent.content_region.right
        assert label.size.height == len(Text(shown).wrap(app.console, label.size.width))


async def test_bookmark_snippets_end_at_a_word_with_an_ellipsis(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        offset = view.text.index("Pyongyang dilaporkan")
        view.move_cursor(offset)
        await pilot.press("m", "apostrophe")
        assert isinstance(app.screen, BookmarksScreen)
        row = app.screen.query_one(OptionList).get_option_at_index(0).prompt.plain
        shown = row[row.index("“") :]
        assert_cut_at_a_word(shown, view.text[offset : offset + 400], BOOKMARK_CHARS)
