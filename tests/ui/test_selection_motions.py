"""Selecting by sentence, paragraph, word or to the end takes whole units, and nothing of the next:
the quote of a note made on the selection ends where the sentence or paragraph does."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import reader, view_of

WIDE = (140, 40)
FIRST = "Kremlin mengkonfirmasi adanya panggilan telepon"
SECOND = "Pertemuan antara Putin dan Trump"


def selected(app) -> str:
    view = view_of(app)
    assert view.selection is not None
    return view.text[slice(*view.selection)]


async def test_v_and_a_sentence_motion_select_the_sentence_without_the_next_ones_first_letter(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index(FIRST))
        await pilot.press("v", "right_parenthesis")
        assert selected(app).startswith(FIRST) and selected(app).endswith("Presiden Trump.")
        await pilot.press("right_parenthesis")  # one more sentence, again to its last character
        assert selected(app).endswith("sejak 2021.") and SECOND in selected(app)
        await pilot.press("left_parenthesis")  # and back: the selection shrinks to the first sentence
        assert selected(app).endswith("Presiden Trump.")
        await pilot.press("left_parenthesis", "left_parenthesis")  # past the anchor: back as always
        assert not selected(app).startswith(FIRST) and selected(app).endswith("K")


async def test_v_and_a_paragraph_motion_select_the_paragraph_and_nothing_of_the_next(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        start = view.text.index(FIRST)
        paragraph = next(p for p in view.article.paragraphs if p[0] == start)
        view.move_cursor(start)
        await pilot.press("v", "right_curly_bracket")
        assert view.selection == paragraph
        await pilot.press("escape")
        view.move_cursor(start)
        await pilot.press("v", "G")  # to the end: the last character, not the start of the last row
        assert view.selection == (start, len(view.text.rstrip()))


async def test_v_and_w_select_whole_words(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index(FIRST))
        await pilot.press("v", "w", "w")
        assert selected(app) == "Kremlin mengkonfirmasi"
