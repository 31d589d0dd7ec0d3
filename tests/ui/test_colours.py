"""Entity colours stay readable in both the dark and the light theme (WCAG contrast)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import reader, view_of
from tui.core.entities import LABELS


def _luminance(color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.triplet
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_label_colour_is_readable_and_distinct_from_the_page(theme: str) -> None:
    async with reader(wait=False) as (app, pilot):
        app.theme = theme
        await pilot.pause()
        view = view_of(app)
        view._styles.clear()
        page = view.rich_style
        backgrounds = set()
        for label in (*LABELS, "OTHER"):
            style = view._style(f"entity--{label}")
            assert style.bgcolor is not None and style.bgcolor != page.bgcolor, label
            assert contrast(page.color, style.bgcolor) >= 4.5, (theme, label)
            backgrounds.add(style.bgcolor.triplet)
        assert len(backgrounds) == len(LABELS) + 1  # one colour per label
