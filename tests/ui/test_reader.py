"""A reader's story: open the sample article, read it by keyboard, find its entities and words."""

from __future__ import annotations

import re
from pathlib import Path

from textual.command import CommandList
from textual.widgets import Input

from tests.ui.conftest import (
    GatedEngine,
    reader,
    run,
    screen_strips,
    screen_text,
    scroll_down,
    status_text,
    view_of,
    wait_for_nlp,
    wait_until,
)
from tui.core.document import load_article
from tui.ui.app import SorotApp
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.legend import Legend, LegendChip
from tui.ui.widgets.status_bar import NlpIndicator


async def test_the_text_is_readable_before_the_entities_arrive(sample_path: Path, gated_engine: GatedEngine) -> None:
    app = SorotApp(load_article(sample_path), engine=gated_engine)
    async with run(app, size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Presiden Rusia, Vladimir Putin" in screen_text(app)
        indicator = app.screen.query_one(NlpIndicator)
        assert indicator.busy
        assert "loading" in indicator.message
        assert view_of(app).entities == []
        gated_engine.gate.set()
        await wait_for_nlp(pilot)
        assert view_of(app).entities
        assert re.fullmatch(r"\d+ entities", indicator.message)


async def test_entities_are_highlighted_and_listed_in_the_legend(sample_path: Path) -> None:
    async with reader() as (app, pilot):
        view = view_of(app)
        people = {e.text for e in view.entities if e.label == "PERSON"}
        assert {"Vladimir Putin", "Kim Jong Un", "Donald Trump"} <= people
        legend = app.screen.query_one(Legend)
        chips = {chip.label: chip.count for chip in legend.query(LegendChip)}
        assert chips["PERSON"] == len([e for e in view.entities if e.label == "PERSON"])
        assert sum(chips.values()) == len(view.entities)
        # The first row shows "Vladimir Putin" with the PERSON colour.
        strip = view.render_line(0)
        person = view._style("entity--PERSON")
        styled = "".join(seg.text for seg in strip if seg.style and seg.style.bgcolor == person.bgcolor)
        assert "Vladimir Putin" in styled


async def test_bracket_keys_walk_the_entities_and_the_status_line_says_which() -> None:
    async with reader() as (app, pilot):
        view = view_of(app)
        entities = view.shown_entities
        await pilot.press("right_square_bracket")
        first = entities[0] if entities[0].start > 0 else entities[1]
        index = entities.index(first) + 1
        assert view.cursor == first.start
        assert status_text(app) == f"{first.text} · {first.label} · {index}/{len(entities)}"
        await pilot.press("right_square_bracket", "right_square_bracket", "left_square_bracket")
        assert view.cursor == entities[index].start
        assert status_text(app).endswith(f"· {index + 1}/{len(entities)}")


async def test_jumping_to_the_last_entity_scrolls_it_into_view() -> None:
    async with reader(size=(100, 16)) as (app, pilot):
        view = view_of(app)
        await pilot.press("G")
        last = view.shown_entities[-1]
        await pilot.press("left_square_bracket")
        await pilot.press("g")
        assert view.scroll_offset.y == 0
        for _ in view.shown_entities:
            await pilot.press("right_square_bracket")
        assert view.cursor == last.start
        row = view.wrapped.row_of(view.cursor)
        assert view.scroll_offset.y <= row < view.scroll_offset.y + view.size.height
        assert last.text in screen_text(app)


async def test_line_page_paragraph_and_end_keys_move_the_cursor() -> None:
    async with reader(size=(100, 16)) as (app, pilot):
        view = view_of(app)
        layout = view.wrapped
        assert layout.row_of(view.cursor) == 0
        await pilot.press("j")
        assert layout.row_of(view.cursor) == 1
        await pilot.press("down", "k")
        assert layout.row_of(view.cursor) == 1
        await pilot.press("up")
        assert layout.row_of(view.cursor) == 0
        await pilot.press("j", "j")
        on_screen = layout.row_of(view.cursor) - view.scroll_offset.y
        await pilot.press("space")
        page = view.size.height - 2
        assert view.scroll_offset.y == page
        assert layout.row_of(view.cursor) - view.scroll_offset.y in (on_screen, on_screen + 1)  # +1: skips a blank row
        await pilot.press("b")
        assert view.scroll_offset.y == 0
        await pilot.press("G")
        assert layout.row_of(view.cursor) == layout.height - 1
        assert view.scroll_offset.y == view.max_scroll_y
        await pilot.press("g")
        assert view.cursor == 0
        paragraphs = view.article.paragraphs
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        assert view.cursor == paragraphs[2][0]
        await pilot.press("left_curly_bracket")
        assert view.cursor == paragraphs[1][0]
        await pilot.press("pagedown", "pageup", "end", "home")
        assert view.cursor == 0


async def test_search_highlights_as_you_type_and_counts_matches() -> None:
    async with reader() as (app, pilot):
        view = view_of(app)
        text = view.text
        total = len(re.findall("putin", text, re.IGNORECASE))
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"put")
        assert len(view.match_starts) == len(re.findall("put", text, re.IGNORECASE))
        await pilot.press(*"in")
        assert len(view.match_starts) == total
        assert status_text(app) == f"1 of {total} for putin"
        await pilot.press("enter")
        assert app.focused is view
        await pilot.press("n", "n")
        assert status_text(app) == f"3 of {total} for putin"
        assert text[view.cursor : view.cursor + 5].lower() == "putin"
        await pilot.press("N")
        assert status_text(app) == f"2 of {total} for putin"
        await pilot.press("escape")
        assert view.match_starts == []
        assert status_text(app) == ""


async def test_search_with_no_match_says_so_and_escape_in_the_bar_cancels() -> None:
    async with reader() as (app, pilot):
        await pilot.press("slash", *"zzz")
        assert status_text(app) == "no match for zzz"
        await pilot.press("escape")
        assert view_of(app).match_starts == []
        assert app.focused is view_of(app)


async def test_smart_case_search() -> None:
    async with reader() as (app, pilot):
        view = view_of(app)
        await pilot.press("slash", *"AS", "enter")
        assert len(view.match_starts) == len(re.findall("AS", view.text))
        assert len(view.match_starts) < len(re.findall("as", view.text, re.IGNORECASE))


async def test_number_keys_and_legend_clicks_switch_a_label_off_and_on() -> None:
    async with reader() as (app, pilot):
        view = view_of(app)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        first_label = screen.labels[0]
        await pilot.press("1")
        assert first_label in view.hidden_labels
        assert all(e.label != first_label for e in view.shown_entities)
        chip = next(c for c in screen.query(LegendChip) if c.label == first_label)
        assert chip.has_class("-off")
        await pilot.click(chip)
        assert first_label not in view.hidden_labels
        assert not chip.has_class("-off")


async def test_help_lists_every_binding_and_closes() -> None:
    async with reader() as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(f"{keys} {description}" for _, keys, description in app.screen.rows)
        for key in ["j", "k", "space", "b", "g", "G", "]", "[", "}", "{", "/", "n", "N", "?", "f1", "q", "^p", "1"]:
            assert re.search(rf"(^|\s){re.escape(key)}(\s|$)", shown, re.IGNORECASE), key
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, ReaderScreen)


async def test_command_palette_offers_every_action() -> None:
    async with reader() as (app, pilot):
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for title in ["Next entity", "Prev entity", "Search", "Next match", "Page down", "Top", "Bottom", "Help"]:
            assert title in titles
        for label in app.screen.labels:
            assert f"Hide {label} highlighting" in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Hide PERSON highlighting")
        await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: "PERSON" in view_of(app).hidden_labels, timeout=5)


async def test_a_click_puts_the_cursor_there() -> None:
    async with reader() as (app, pilot):
        view = view_of(app)
        await pilot.click(view, offset=(view.margin + 4, 2))
        row = view.wrapped.row_of(view.cursor)
        assert row == 2
        assert view.cursor == view.wrapped.starts[2] + 4


async def test_the_mouse_wheel_scrolls_and_the_cursor_stays_on_screen() -> None:
    async with reader(size=(100, 12)) as (app, pilot):
        view = view_of(app)
        for _ in range(6):
            await scroll_down(pilot, view, (10, 3))
        await pilot.pause()
        assert view.scroll_offset.y > 0
        row = view.wrapped.row_of(view.cursor)
        assert view.scroll_offset.y <= row < view.scroll_offset.y + view.size.height


async def test_resizing_rewraps_the_text() -> None:
    async with reader(size=(100, 30)) as (app, pilot):
        view = view_of(app)
        wide_rows = view.wrapped.height
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        assert view.wrapped.width <= 48
        assert view.wrapped.height > wide_rows
        assert all(len(line) <= 50 for line in screen_text(app).splitlines())


async def test_q_quits() -> None:
    async with reader() as (app, pilot):
        await pilot.press("q")
        assert app.return_code == 0
        assert not app.is_running


async def test_an_entity_wrapped_over_two_rows_is_highlighted_on_both() -> None:
    async with reader(size=(100, 40)) as (app, pilot):
        view = view_of(app)
        layout = view.wrapped
        split = next(e for e in view.shown_entities if layout.row_of(e.start) != layout.row_of(e.end - 1))
        background = view._style(f"entity--{split.label}").bgcolor
        for row in (layout.row_of(split.start), layout.row_of(split.end - 1)):
            strip = view.render_line(row - view.scroll_offset.y)
            highlighted = "".join(seg.text for seg in strip if seg.style and seg.style.bgcolor == background)
            part = view.text[max(split.start, layout.starts[row]) : min(split.end, layout.ends[row])]
            assert part.strip() and part in highlighted


async def test_after_paging_the_cursor_is_drawn_where_it_is() -> None:
    """Checks the painted screen (not render_line): moving after a scroll repaints the right rows."""
    async with reader(size=(100, 16)) as (app, pilot):
        view = view_of(app)
        await pilot.press("space", "j", "j", "k")
        await pilot.pause()
        cursor_style = view._style("article-view--cursor")
        row_on_screen = view.wrapped.row_of(view.cursor) - view.scroll_offset.y
        top = view.region.y
        text_width = view.scrollable_content_region.width  # leave out the scrollbar
        strips = screen_strips(app)
        painted = [strips[top + y].crop(0, text_width) for y in range(view.size.height)]
        rows_with_cursor = [
            y for y, strip in enumerate(painted) if any(seg.style and seg.style.reverse for seg in strip)
        ]
        assert cursor_style.reverse
        assert rows_with_cursor == [row_on_screen]


async def test_moving_off_an_entity_clears_its_status_message() -> None:
    async with reader() as (app, pilot):
        await pilot.press("right_square_bracket")
        assert "·" in status_text(app)
        entity = view_of(app).shown_entities[0]
        assert entity.end - entity.start > 1  # the sample's first entity, a name, is longer than a letter
        await pilot.press("right")  # still inside the entity: the message stays
        assert "·" in status_text(app)
        await pilot.press("j")
        assert status_text(app) == ""
        assert view_of(app).focus_span is None


async def test_a_narrow_legend_says_how_many_labels_do_not_fit() -> None:
    async with reader(size=(50, 20)) as (app, pilot):
        await pilot.pause()
        chips = list(app.screen.query(LegendChip))
        shown = [chip for chip in chips if chip.display]
        assert 0 < len(shown) < len(chips)
        more = app.screen.query_one(".legend-more").render()
        assert str(more) == f"+{len(chips) - len(shown)} more (ctrl+p)"
        await pilot.resize_terminal(160, 20)
        await pilot.pause()
        assert all(chip.display for chip in chips)
        assert str(app.screen.query_one(".legend-more").render()) == ""


async def test_legend_numbers_stay_the_same_after_relabelling(tmp_path: Path) -> None:
    from collections import Counter

    from tui.core.entities import PIPELINE_LABELS

    async with reader(size=(160, 40), db=tmp_path / "db.json") as (app, pilot):
        view, legend = view_of(app), app.screen.query_one(Legend)
        numbers = {chip.label: chip.number for chip in legend.query(LegendChip)}
        assert sorted(numbers.values()) == list(range(1, len(numbers) + 1))

        async def relabel(entity, label: str) -> None:
            view.move_cursor(entity.start)
            await pilot.press("l", *label.lower(), "enter")
            await pilot.pause()

        # Make the counts change places: by counts, two labels would swap numbers.
        counts = Counter(e.label for e in view.entities)
        ranked = sorted(counts, key=lambda label: (-counts[label], label))
        higher, lower = min(zip(ranked, ranked[1:]), key=lambda pair: counts[pair[0]] - counts[pair[1]])
        for entity in [e for e in view.entities if e.label == higher][: counts[higher] - counts[lower] + 1]:
            await relabel(entity, lower)
        # And bring in a label the article did not have: it gets the next number.
        new = next(label for label in PIPELINE_LABELS if label not in counts)
        await relabel(next(e for e in view.entities if e.label == lower), new)
        after = {chip.label: chip.number for chip in legend.query(LegendChip)}
        assert after == {**{label: n for label, n in numbers.items() if label in after}, new: len(numbers) + 1}
        await pilot.press(str(numbers[lower]))
        assert lower in view.hidden_labels


async def test_escape_clears_the_status_line_of_the_entity_walked_to() -> None:
    async with reader() as (app, pilot):
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert "·" in status_text(app) and "2/" in status_text(app)
        await pilot.press("escape")
        assert status_text(app) == ""


async def test_the_help_key_column_is_as_wide_as_its_keys_and_descriptions_wrap() -> None:
    from textual.geometry import Region

    async with reader(size=(50, 40)) as (app, pilot):
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body Static")
        width = body.size.width
        lines = [strip.text.rstrip() for strip in body.render_lines(Region(0, 0, width, body.size.height))]
        down = next(line for line in lines if "Cursor down a line" in line)  # on one line, not wrapped
        column = down.index("Cursor")
        assert column <= width // 3 + 2  # the keys take at most a third of the width
        descriptions = " ".join(" ".join(line[column:] for line in lines).split())
        assert "…" not in descriptions  # every description whole: wrapped, not cut
        for _, _, description in app.screen.rows:
            assert " ".join(description.split()) in descriptions, description
