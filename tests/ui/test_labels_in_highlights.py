"""An entity inside the reader's highlight stays readable: in every colour depth and theme, and with
NO_COLOR, the text of every label drawn over a highlight of every colour has WCAG contrast >= 4.5
with the background it is drawn on, as the terminal gets it (after Rich's downgrade, and after
Textual's greyscale filter under NO_COLOR). A highlight used to lay its colour over the label's
text: yellow on DATE's yellow in 256 colours, grey on grey under NO_COLOR."""

from __future__ import annotations

import pytest
import textual.constants
from rich.color import ColorSystem
from rich.style import Style
from textual.filter import monochrome_style

from tests.ui.conftest import reader, view_of
from tests.ui.test_colour_depths import DEPTHS, contrast_of
from tui.core.entities import LABELS, Entity
from tui.ui.overlays import HIGHLIGHT_COLOURS, Marks, overlay

MIN_CONTRAST = 4.5


def labels_over_highlight(app, colour: str) -> dict[str, Style]:
    """Every label laid on a word of the article's first rows, all under one ``colour`` highlight;
    the style each label's characters are drawn in (the cursor's cell left out)."""
    view = view_of(app)
    text = view.text
    words, at = [], 0
    labels = (*LABELS, "OTHER")
    while len(words) < len(labels):  # one word per label
        start = text.index(" ", at) + 1
        end = text.index(" ", start)
        if end > start + 1:
            words.append((start, end))
        at = end
    view.set_entities([Entity(s, e, label, text[s:e]) for (s, e), label in zip(words, labels, strict=True)])
    view.show_marks(Marks([], overlay([(0, len(text), f"highlight--{colour}")])))
    layout = view.wrapped
    styles: dict[str, Style] = {}
    by_offset = {offset: label for (s, e), label in zip(words, labels, strict=True) for offset in range(s, e)}
    for y in range(view.size.height):
        row = view.scroll_offset.y + y
        if not layout.is_text_row(row):
            continue
        offset, end = layout.starts[row] - view.margin, layout.ends[row]
        for segment in view.render_line(y):
            for _ in segment.text:
                label = by_offset.get(offset)
                if label is not None and offset < end and offset != view.cursor:
                    styles.setdefault(label, segment.style)
                offset += 1
    assert set(styles) == set(labels)
    return styles


def shown(style: Style, system: ColorSystem, no_color: bool = False) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(background, text) as the terminal shows them."""
    if no_color:
        style = monochrome_style(style)
    background, text = style.bgcolor, style.color
    assert background is not None and text is not None
    if style.reverse:
        background, text = text, background
    return tuple(background.downgrade(system).get_truecolor()), tuple(text.downgrade(system).get_truecolor())


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("depth", DEPTHS)
async def test_a_label_inside_a_highlight_is_readable_in_every_depth(
    depth: str, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", depth)
    async with reader() as (app, pilot):
        app.theme = theme
        await pilot.pause()
        unreadable = []
        for colour in HIGHLIGHT_COLOURS:
            for label, style in labels_over_highlight(app, colour).items():
                background, text = shown(style, DEPTHS[depth])
                if contrast_of(background, text) < MIN_CONTRAST:
                    unreadable.append((colour, label, background, text))
                assert style.underline or style.underline2, (colour, label)  # the highlight still shows
        assert unreadable == []


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_a_label_inside_a_highlight_is_readable_without_colour(
    theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with reader() as (app, pilot):
        assert app.no_color
        app.theme = theme
        await pilot.pause()
        unreadable = []
        for colour in HIGHLIGHT_COLOURS:
            for label, style in labels_over_highlight(app, colour).items():
                background, text = shown(style, ColorSystem.TRUECOLOR, no_color=True)
                if contrast_of(background, text) < MIN_CONTRAST:
                    unreadable.append((colour, label, background, text))
        assert unreadable == []
