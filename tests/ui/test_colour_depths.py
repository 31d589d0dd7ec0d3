"""Entity colours stay apart in every colour depth, after Rich's downgrade, and NO_COLOR still tells
labels apart: each label has its own text style, in the article and on its legend chip."""

from __future__ import annotations

from itertools import combinations

import pytest
import textual.constants
from coloraide import Color as LabColor
from rich.color import ColorSystem
from rich.style import Style

from tests.ui.conftest import reader, view_of, wait_for_nlp
from tests.ui.test_colours import contrast
from tui.core.entities import LABELS, PIPELINE_LABELS
from tui.ui.palette import MIN_DELTA_E, SHARED_16
from tui.ui.widgets.legend import LegendChip

DEPTHS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT, "standard": ColorSystem.STANDARD}


def delta_e(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """CIEDE2000 between two sRGB colours (CIELAB under D65, sRGB's white)."""
    lab = [LabColor("srgb", [c / 255 for c in rgb]).convert("lab-d65") for rgb in (a, b)]
    return lab[0].delta_e(lab[1], method="2000")


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # pairs 1, 7, 17 and 25 of Sharma, Wu and Dalal's CIEDE2000 test data (2005)
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_the_colour_difference_is_ciede2000(lab1, lab2, expected) -> None:
    assert LabColor("lab-d65", list(lab1)).delta_e(LabColor("lab-d65", list(lab2)), method="2000") == pytest.approx(
        expected, abs=1e-4
    )


def shown(style: Style, system: ColorSystem) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The (background, text) a style shows in a terminal of ``system``, reverse applied."""
    background, text = style.bgcolor, style.color
    assert background is not None and text is not None
    if style.reverse:
        background, text = text, background
    return (
        tuple(background.downgrade(system).get_truecolor()),
        tuple(text.downgrade(system).get_truecolor()),
    )


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("depth", DEPTHS)
async def test_label_colours_are_apart_from_each_other_and_from_search_and_selection(
    depth: str, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", depth)
    system = DEPTHS[depth]
    async with reader(wait=False) as (app, pilot):
        assert app.colour_depth == {"standard": "16"}.get(depth, depth)
        app.theme = theme
        await pilot.pause()
        view = view_of(app)
        view._styles.clear()
        page = view.rich_style
        labels = (*PIPELINE_LABELS, "OTHER") if depth == "standard" else (*LABELS, "OTHER")
        colours = {}
        for label in (*LABELS, "OTHER"):
            style = page + view._style(f"entity--{label}")
            background, text = shown(style, system)
            assert contrast_of(background, text) >= 4.5, (label, background, text)
            if label in labels:
                colours[label] = background
        colours["search"] = shown(page + view._style("article-view--match"), system)[0]
        colours["selection"] = shown(page + view._style("article-view--selection"), system)[0]
        too_close = [
            (a, b, round(delta_e(colours[a], colours[b]), 1))
            for a, b in combinations(colours, 2)
            if delta_e(colours[a], colours[b]) < MIN_DELTA_E
        ]
        assert too_close == []
        if depth == "standard":  # the labels without a colour of their own are underlined
            for label, twin in SHARED_16.items():
                style, twin_style = view._style(f"entity--{label}"), view._style(f"entity--{twin}")
                assert style.bgcolor == twin_style.bgcolor and style.underline and not twin_style.underline


def contrast_of(background: tuple[int, int, int], text: tuple[int, int, int]) -> float:
    from rich.color import Color

    return contrast(Color.from_rgb(*background), Color.from_rgb(*text))


def marks(style: Style) -> tuple[bool | None, ...]:
    return (style.bold, style.dim, style.italic, style.underline, style.underline2, style.overline)


async def test_no_color_tells_labels_apart_by_their_text_style(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with reader() as (app, pilot):
        await wait_for_nlp(pilot)
        assert app.no_color
        view = view_of(app)
        styles = {label: marks(view._style(f"entity--{label}")) for label in (*LABELS, "OTHER")}
        assert len(set(styles.values())) == len(styles)
        assert all(any(style) for style in styles.values())
        for mark in ("article-view--note", "article-view--corrected", "article-view--mention"):
            assert marks(view._style(mark)) not in styles.values(), mark
        # A search match (and the current one) has a text style of its own: its grey background
        # is close to an entity's (248 and 247), so the style alone must tell it apart.
        with_reverse = {label: (*style, False) for label, style in styles.items()}
        selection = view._style("article-view--selection")
        with_reverse["selection"] = (*marks(selection), bool(selection.reverse))
        for match in ("article-view--match", "article-view--match-current"):
            style = view._style(match)
            assert (*marks(style), bool(style.reverse)) not in with_reverse.values(), match
            with_reverse[match] = (*marks(style), bool(style.reverse))
        chips = list(app.screen.query(LegendChip))
        assert chips, "the sample has entities"
        for chip in chips:
            assert marks(chip.rich_style) == styles[chip.label], chip.label
        # What reaches the terminal: the article's rows carry those styles, without colour.
        await pilot.pause()
        drawn = {
            marks(segment.style) for y in range(view.size.height) for segment in view.render_line(y) if segment.style
        }
        assert {styles[chip.label] for chip in chips} & drawn
