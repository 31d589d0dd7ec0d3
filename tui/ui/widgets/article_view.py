"""The reading view: an article wrapped to a readable measure, drawn one visible row at a time.

It uses Textual's Line API (``ScrollView.render_line``), so only the rows on screen are ever
styled, whatever the size of the article. Article text is turned into ``rich.text.Text`` with
control characters made inert, never parsed as markup.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.annotations import Annotation
from tui.core.document import Article, heading_of, inert
from tui.core.entities import LABELS, Entity, in_order
from tui.ui.layout import Layout, column_of, offset_at, wrap_article
from tui.ui.messages import Cleared, CursorMoved, EntityJumped, SearchStepped, SelectionChanged
from tui.ui.overlays import HIGHLIGHT_COLOURS, Marks, Overlay, marks_of
from tui.ui.palette import NO_COLOR_STYLES, SHARED_16, css_name
from tui.ui.spans import Search, Spans, Walk

MEASURE = 80
"""Widest row of text, in cells: a comfortable reading measure."""


_WORD = re.compile(r"\w+(?:[.,'’-]\w+)*")


ENTITY_PREFIX = "entity--"


def _colour(spec: str) -> Color:
    """A palette value as CSS writes it: ``#3b82f6``, or with an opacity, ``#3b82f6 22%``."""
    colour, _, alpha = spec.partition(" ")
    parsed = Color.parse(colour)
    return parsed.multiply_alpha(float(alpha.rstrip("%")) / 100) if alpha else parsed


def label_class(label: str) -> str:
    """The component class that colours ``label`` (labels outside spaCy's usual set share one)."""
    return f"entity--{label if label in LABELS else 'OTHER'}"


class ArticleView(ScrollView, can_focus=True):
    """An article with a cursor, entity highlights and search matches."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, tooltip="Cursor down a line", id="article.cursor_down"),
        Binding("k,up", "cursor_up", "Up", show=False, tooltip="Cursor up a line", id="article.cursor_up"),
        Binding("left", "cursor_left", "Left", show=False, tooltip="Cursor back a character", id="article.cursor_left"),
        Binding("right", "cursor_right", "Right", show=False, tooltip="Cursor forward a character",
                id="article.cursor_right"),
        Binding("space,pagedown", "page_down", "Page down", show=False, tooltip="Page down", id="article.page_down"),
        Binding("b,pageup", "page_up", "Page up", show=False, tooltip="Page up", id="article.page_up"),
        Binding("g,home", "top", "Top", show=False, tooltip="Go to the top", id="article.top"),
        Binding("G,end", "bottom", "Bottom", show=False, tooltip="Go to the bottom", id="article.bottom"),
        Binding(
            "right_square_bracket", "next_entity", "Next entity", key_display="]",
            tooltip="Next entity: cursor on it, status line says which", id="article.next_entity",
        ),
        Binding("left_square_bracket", "previous_entity", "Prev entity", key_display="[", tooltip="Previous entity",
                id="article.previous_entity"),
        Binding(
            "right_curly_bracket", "next_paragraph", "Next paragraph", show=False, key_display="}",
            tooltip="Next paragraph", id="article.next_paragraph",
        ),
        Binding(
            "left_curly_bracket", "previous_paragraph", "Prev paragraph", show=False, key_display="{",
            tooltip="Previous paragraph (or the start of this one)", id="article.previous_paragraph",
        ),
        Binding("v", "start_selection", "Select", tooltip="Start (or cancel) a selection at the cursor",
                id="article.start_selection"),
        Binding("shift+left", "select_left", "Select left", show=False, tooltip="Extend the selection leftwards",
                id="article.select_left"),
        Binding(
            "shift+right", "select_right", "Select right", show=False, tooltip="Extend the selection a character right",
            id="article.select_right",
        ),
        Binding("w", "next_word", "Next word", show=False, tooltip="Next word", id="article.next_word"),
        Binding("W", "previous_word", "Prev word", show=False, tooltip="Previous word", id="article.previous_word"),
        Binding("right_parenthesis", "next_sentence", "Next sentence", show=False, key_display=")",
                tooltip="Next sentence", id="article.next_sentence"),
        Binding("left_parenthesis", "previous_sentence", "Prev sentence", show=False, key_display="(",
                tooltip="Previous sentence (or the start of this one)", id="article.previous_sentence"),
        Binding("n", "next_match", "Next match", show=False, tooltip="Next search match", id="article.next_match"),
        Binding("N", "previous_match", "Prev match", show=False, tooltip="Previous search match",
                id="article.previous_match"),
        Binding(
            "escape", "clear_search", "Clear highlights", show=False,
            tooltip="Clear the search highlights, the fact's sentence and mentions, and the status message",
            id="article.clear_search",
        ),
    ]  # fmt: skip

    COMPONENT_CLASSES = {
        "article-view--cursor",
        "article-view--cursor-row",
        "article-view--heading",
        "article-view--match",
        "article-view--match-current",
        "article-view--entity-current",
        "article-view--sentence",
        "article-view--mention",
        "article-view--selection",
        "article-view--note",
        "article-view--corrected",
        *(f"highlight--{colour}" for colour in HIGHLIGHT_COLOURS),
    }
    """The view's parts styled by app.tcss. The entity labels are not among them: Textual works out
    every component class's styles anew each time the view's own styles are applied (mounted,
    focused, the screen resumed), some 0.3 ms a class, and 19 labels were half of that before the
    first paint and at each change of focus; their colours come from :mod:`tui.ui.palette` instead
    (:meth:`_entity_style`)."""

    hidden_labels: reactive[frozenset[str]] = reactive(frozenset(), init=False)

    def __init__(self, article: Article, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.article = article
        self.text = article.text
        self.wrapped: Layout | None = None
        self.cursor = article.paragraphs[0][0] if article.paragraphs else 0
        self._goal_column: int | None = None
        self._variables: dict[str, str] | None = None
        """The app's CSS variables while the styles last (:meth:`_entity_style`)."""
        self._resized = False
        """Whether the first Resize has come (the cursor announced, a place to restore gone to)."""
        self._paging = False
        self.entities: list[Entity] = []
        self._shown: Spans[Entity] = Spans()
        self._search = Search()
        self.focus_span: tuple[int, int] | None = None
        self.sentence_span: tuple[int, int] | None = None
        self._walk = Walk()
        self.selection_anchor: int | None = None
        self._pending_offset: int | None = None
        self._press: int | None = None
        self._dragged = False
        self._sentence_starts: Spans[int] | None = None
        self._sentence_spans: list[tuple[int, int]] = []
        self.annotations: list[Annotation] = []
        self._overlay = Overlay()
        self._combined: dict[tuple[str, ...], Style] = {}
        self.corrected: frozenset[tuple[int, int]] = frozenset()
        self._styles: dict[str, Style] = {}
        self._has_heading = self._first_paragraph_is_title()
        self.paragraph_starts = [start for start, _ in article.paragraphs]
        self._paragraphs = Spans.points(self.paragraph_starts)

    @property
    def query(self) -> str:
        """The search's query ("" for none)."""
        return self._search.query

    @property
    def match_starts(self) -> list[int]:
        """Where the search's matches start, in text order."""
        return self._search.found.starts

    @property
    def match_index(self) -> int:
        """The match the cursor went to (0-based), or -1."""
        return self._search.index

    @property
    def walk(self) -> list[tuple[int, int]]:
        """The spans chosen from the facts panel, in text order: ] and [ walk them."""
        return self._walk.spans.items

    # ----------------------------------------------------------------------------- layout

    def _first_paragraph_is_title(self) -> bool:
        if len(self.article.paragraphs) < 2:
            return False
        if self.article.web is None and heading_of(self.text) is None:
            return False  # the title is the first words of a first paragraph, which is no heading
        start, end = self.article.paragraphs[0]
        return self.text[start:end].lstrip("#").strip() == self.article.title

    @property
    def margin(self) -> int:
        """Blank cells left of the text, which is centred in the view."""
        width = self.scrollable_content_region.width
        measure = self.wrapped.width if self.wrapped is not None else MEASURE
        return max(1, (width - measure) // 2)

    def _relayout(self, width: int) -> None:
        measure = max(8, min(MEASURE, width - 2))
        if self.wrapped is not None and self.wrapped.width == measure:
            self.virtual_size = Size(width, self.wrapped.height)
            return
        old_row_on_screen = None
        if self.wrapped is not None:
            old_row_on_screen = self.wrapped.row_of(self.cursor) - self.scroll_y
        self.wrapped = wrap_article(self.text, self.article.paragraphs, measure)
        self.virtual_size = Size(width, self.wrapped.height)
        if old_row_on_screen is not None:
            row = self.wrapped.row_of(self.cursor)
            self.scroll_to(y=max(0, row - old_row_on_screen), animate=False, immediate=True)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        # The first resize comes with the real size (the first frame may have wrapped the text
        # already, in render_line); wrapping any earlier would waste a pass.
        first = not self._resized
        self._resized = True
        self._relayout(self.scrollable_content_region.width)
        if first:
            self._announce_cursor()
            if self._pending_offset is not None:
                # Once the new scroll range is in place: a restored place must be on screen.
                self.call_after_refresh(self.move_cursor, self._pending_offset, center=True)
                self._pending_offset = None

    def go_to(self, offset: int) -> None:
        """Put the cursor on ``offset`` and show it, now or, before the first layout, right after it."""
        if self.wrapped is None:
            self._pending_offset = offset
        else:
            self.move_cursor(offset, center=True)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._combined.clear()
        self._variables = None
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        """A component's style (or an entity label's, ``entity--PERSON``) with a translucent
        background blended over the view's own."""
        style = self._styles.get(name)
        if style is None and name.startswith(ENTITY_PREFIX):
            style = self._styles[name] = self._entity_style(name[len(ENTITY_PREFIX) :])
        if style is None:
            style = self.get_component_rich_style(name, partial=True)
            tint = self.get_component_styles(name).background
            if 0 < tint.a < 1:
                style += Style(bgcolor=(self.background_colors[1] + tint).rich_color)
            self._styles[name] = style
        return style

    def _entity_style(self, label: str) -> Style:
        """An entity label's colours, from the palette for the app's colour depth and theme (the
        CSS variables ``$person`` and ``$person-text``, as the legend's chips have them); in 16
        colours a label that shares its colour is underlined, and under NO_COLOR each label has
        its own text style."""
        if self._variables is None:  # the theme's variables, worked out once for all the labels
            self._variables = self.app.get_css_variables()
        variables = self._variables
        name = css_name(label)
        under = self.background_colors[1]
        background = under + _colour(variables[name])
        text = background + _colour(variables[f"{name}-text"])
        style = Style(color=text.rich_color, bgcolor=background.rich_color)
        if getattr(self.app, "colour_depth", None) == "16" and label in SHARED_16:
            style += Style(underline=True)
        if self.app.no_color:
            style += Style.parse(NO_COLOR_STYLES[label])
        return style

    # ----------------------------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        layout = self.wrapped
        row = self.scroll_offset.y + y
        if layout is None and width > 0:
            # The first frame is drawn before the first Resize reaches the view: wrapped here, at
            # the width it is drawn at, the text is in that frame. (Drawn blank, it came in the
            # next one, after all that waits for the first paint: the side panel, the key bar,
            # the NLP's start, some 0.07 s on the sample.)
            self._relayout(width)
            layout = self.wrapped
        if layout is None or row >= layout.height or not layout.is_text_row(row):
            return Strip.blank(width, base)
        start, end = layout.starts[row], layout.ends[row]
        line = Text(inert(self.text[start:end]), no_wrap=True, end="")
        if layout.paras[row] == 0 and self._has_heading:
            line.stylize(self._style("article-view--heading"))
        sentence = self.sentence_span
        if sentence is not None and sentence[0] < end and sentence[1] > start:
            line.stylize(self._style("article-view--sentence"), max(0, sentence[0] - start), sentence[1] - start)
        # Spans may begin on an earlier row: clamp to this row (Rich reads negative offsets from the end).
        # Highlights and notes go under the entities: inside an entity its own text colour, which
        # the palette makes readable on its background, beats the highlight's (yellow on DATE's
        # yellow in 256 colours); the highlight's underline still runs through.
        for run_start, run_end, names in self._overlay.between(start, end):
            line.stylize(self._styles_of(names), max(0, run_start - start), run_end - start)
        entities = self._shown.between(start, end)
        for entity in entities:
            line.stylize(self._style(label_class(entity.label)), max(0, entity.start - start), entity.end - start)
        for entity in entities:
            if (entity.start, entity.end) in self.corrected:
                line.stylize(self._style("article-view--corrected"), max(0, entity.start - start), entity.end - start)
        selection = self.selection
        if selection is not None and selection[0] < end and selection[1] > start:
            line.stylize(self._style("article-view--selection"), max(0, selection[0] - start), selection[1] - start)
        for mention_start, mention_end in self._walk.spans.between(start, end):
            line.stylize(self._style("article-view--mention"), max(0, mention_start - start), mention_end - start)
        found = self._search.found
        for match_start in found.between(start, end):
            match_end = match_start + len(self._search.query)
            line.stylize(self._style("article-view--match"), max(0, match_start - start), match_end - start)
        if self.focus_span is not None and self.focus_span[0] < end and self.focus_span[1] > start:
            name = "article-view--match-current" if self.match_index >= 0 else "article-view--entity-current"
            line.stylize(self._style(name), max(0, self.focus_span[0] - start), self.focus_span[1] - start)
        segments = [Segment(" " * self.margin, base)]
        cursor_row = layout.row_of(self.cursor) == row
        row_style = base + self._style("article-view--cursor-row") if cursor_row else base
        if cursor_row:
            cursor = self.cursor - start
            if cursor >= len(line):
                line.append(" ")
            line.stylize(self._style("article-view--cursor"), cursor, cursor + 1)
        segments.extend(Segment.apply_style(line.render(self.app.console), row_style))
        strip = Strip(segments).extend_cell_length(width, row_style if cursor_row else base)
        return strip.crop(0, width)

    # ----------------------------------------------------------------------------- data in

    def set_entities(self, entities: list[Entity], corrected: Iterable[tuple[int, int]] = ()) -> None:
        """Show these entities (sorted, non-overlapping) instead of the current ones; ``corrected``
        spans are the reader's own corrections and are drawn so."""
        self.entities = entities if in_order(entities) else sorted(entities)
        self.corrected = frozenset(corrected)
        self._refilter()

    def set_annotations(self, annotations: Iterable[Annotation]) -> None:
        """Draw these (placed) annotations over the text."""
        self.show_marks(marks_of(annotations))

    def show_marks(self, marks: Marks) -> None:
        """Draw annotations laid out beforehand by :func:`marks_of` (in a thread, for many)."""
        self.annotations = marks.annotations
        self._overlay = marks.overlay
        self.refresh()

    def _styles_of(self, names: tuple[str, ...]) -> Style:
        """The component styles ``names`` combined, the last on top (one ``stylize`` per run)."""
        style = self._combined.get(names)
        if style is None:
            style = Style.combine(self._style(name) for name in names)
            self._combined[names] = style
        return style

    def watch_hidden_labels(self) -> None:
        self._refilter()

    def _refilter(self) -> None:
        hidden = self.hidden_labels
        shown = [e for e in self.entities if e.label not in hidden] if hidden else self.entities
        # In order (set_entities sorted them): the spans as they are, 6 ms for 85,000 entities.
        self._shown = Spans(shown, [e.start for e in shown], [e.end for e in shown])
        if self.focus_span is not None and self.match_index < 0:
            self.focus_span = None
        self.refresh()

    # ----------------------------------------------------------------------------- cursor

    def move_cursor(self, offset: int, *, keep_goal: bool = False, center: bool = False) -> None:
        """Put the cursor on ``offset`` and scroll it into view."""
        assert self.wrapped is not None
        layout = self.wrapped
        offset = min(max(0, offset), len(self.text))
        row = layout.nearest_text_row(layout.row_of(offset))
        offset = min(max(offset, layout.starts[row]), max(layout.starts[row], layout.ends[row]))
        old_row = layout.row_of(self.cursor)
        self.cursor = offset
        if self.focus_span is not None and not self.focus_span[0] <= offset < self.focus_span[1]:
            self.focus_span = None  # moved off the entity or match it jumped to: drop its emphasis
            self.refresh()
        if not keep_goal:
            self._goal_column = None
        self._scroll_to_row(row, center=center)
        if self.selection_anchor is not None:
            self.refresh()  # the selection may have grown or shrunk over many rows
            self.post_message(SelectionChanged(self.selection))
        else:
            self.refresh_line(old_row)  # refresh_line takes rows of the whole article, not of the screen
            self.refresh_line(row)
        self._announce_cursor()

    def _scroll_to_row(self, row: int, *, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if center and not (top <= row < top + height) and height > 0:
            self.scroll_to(y=max(0, row - height // 3), animate=False, immediate=True)
        elif row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _announce_cursor(self) -> None:
        if self.wrapped is not None:
            span = self.focus_span
            on_focus = span is not None and span[0] <= self.cursor < span[1]
            self.post_message(CursorMoved(self.cursor, self.wrapped.row_of(self.cursor), self.wrapped.height, on_focus))

    def _move_rows(self, delta: int) -> None:
        assert self.wrapped is not None
        layout = self.wrapped
        row = layout.row_of(self.cursor)
        if self._goal_column is None:
            self._goal_column = column_of(self.text, layout.starts[row], self.cursor)
        target = layout.nearest_text_row(min(max(0, row + delta), layout.height - 1), 1 if delta > 0 else -1)
        goal = self._goal_column
        self.move_cursor(offset_at(self.text, layout.starts[target], layout.ends[target], goal), keep_goal=True)
        self._goal_column = goal

    def action_cursor_down(self) -> None:
        self._move_rows(1)

    def action_cursor_up(self) -> None:
        self._move_rows(-1)

    def action_cursor_left(self) -> None:
        self.move_cursor(self._skip_gap(self.cursor - 1, -1))

    def action_cursor_right(self) -> None:
        self.move_cursor(self._skip_gap(self.cursor + 1, 1))

    def _skip_gap(self, offset: int, direction: int) -> int:
        # Moving by character crosses the blank between paragraphs in one step.
        assert self.wrapped is not None
        row = self.wrapped.row_of(offset)
        if direction > 0 and offset > self.wrapped.ends[row] and row + 1 < self.wrapped.height:
            return self.wrapped.starts[self.wrapped.nearest_text_row(row + 1, 1)]
        return offset

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def _page_by(self, rows: int) -> None:
        # Scroll a page and move the cursor as far, so it keeps its place on the screen.
        self._paging = True
        try:
            self.scroll_to(y=max(0, self.scroll_offset.y + rows), animate=False, immediate=True)
        finally:
            self._paging = False
        self._move_rows(rows)

    def action_page_down(self) -> None:
        self._page_by(self._page())

    def action_page_up(self) -> None:
        self._page_by(-self._page())

    def action_top(self) -> None:
        self.move_cursor(0)

    def action_bottom(self) -> None:
        assert self.wrapped is not None
        if self.selection_anchor is not None and self.cursor >= self.selection_anchor:
            self.move_cursor(self._last_character(0, len(self.text)))  # the selection takes in the whole end
            return
        self.move_cursor(self.wrapped.starts[self.wrapped.nearest_text_row(self.wrapped.height - 1, -1)])

    def action_next_paragraph(self) -> None:
        if self._select_to_end(self.article.paragraphs, 1):
            return
        if (index := self._paragraphs.after(self.cursor)) is not None:
            self.move_cursor(self._paragraphs[index])

    def action_previous_paragraph(self) -> None:
        if self._select_to_end(self.article.paragraphs, -1):
            return
        if (index := self._paragraphs.before(self.cursor)) is not None:
            self.move_cursor(self._paragraphs[index])

    def watch_scroll_y(self, old: float, new: float) -> None:
        # The cursor never leaves the screen: scrolling (wheel, scrollbar) takes it along.
        super().watch_scroll_y(old, new)
        if self.wrapped is None or self._paging:
            return
        height = self.scrollable_content_region.height
        row = self.wrapped.row_of(self.cursor)
        top = round(new)
        if height <= 0 or top <= row < top + height:
            return
        target = top if row < top else top + height - 1
        target = self.wrapped.nearest_text_row(min(target, self.wrapped.height - 1), 1 if row < top else -1)
        self.cursor = self.wrapped.starts[target]
        self._announce_cursor()

    def _offset_of(self, event: events.MouseEvent) -> int | None:
        if self.wrapped is None:
            return None
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        row = self.scroll_offset.y + offset.y
        if row >= self.wrapped.height:
            return None
        row = self.wrapped.nearest_text_row(row)
        return offset_at(self.text, self.wrapped.starts[row], self.wrapped.ends[row], offset.x - self.margin)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._press = self._offset_of(event)
        self._dragged = False
        if self._press is not None:
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._press is None or not event.button:
            return
        offset = self._offset_of(event)
        if offset is None or (offset == self._press and not self._dragged):
            return
        if not self._dragged:
            self._dragged = True
            self.selection_anchor = self._press
        self.move_cursor(offset)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        if self._dragged:
            self._dragged = False
            self._press = None
            return  # the drag made a selection; the click that ends it must not undo it
        self._press = None
        offset = self._offset_of(event)
        if offset is None:
            return
        if self.selection_anchor is not None:
            self.cancel_selection()
        self.move_cursor(offset)

    # ----------------------------------------------------------------------------- selection

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected characters ``[start, end)``: from the anchor to the cursor, both included."""
        if self.selection_anchor is None:
            return None
        start, last = sorted((self.selection_anchor, self.cursor))
        return start, min(len(self.text), last + 1)

    def action_start_selection(self) -> None:
        if self.selection_anchor is not None:
            self.cancel_selection()
            return
        self.selection_anchor = self.cursor
        self.refresh()
        self.post_message(SelectionChanged(self.selection))

    def cancel_selection(self) -> None:
        if self.selection_anchor is None:
            return
        self.selection_anchor = None
        self.refresh()
        self.post_message(SelectionChanged(None))

    def _select_and(self, move: Callable[[], None]) -> None:
        if self.selection_anchor is None:
            self.selection_anchor = self.cursor
        move()

    def action_select_left(self) -> None:
        self._select_and(self.action_cursor_left)

    def action_select_right(self) -> None:
        self._select_and(self.action_cursor_right)

    def _word_starts(self, start: int, end: int) -> list[int]:
        # Scanning from a little before ``start`` keeps a word cut by the window from counting twice.
        low = max(0, start - 100)
        return [m.start() for m in _WORD.finditer(self.text, low, min(len(self.text), end)) if m.start() >= start]

    def action_next_word(self) -> None:
        if self.selection_anchor is not None:
            # Selecting: land on the last letter of the next word, so whole words are selected.
            match = _WORD.search(self.text, self.cursor + 1)
            self.move_cursor(match.end() - 1 if match else len(self.text) - 1)
            return
        window = 200
        while True:
            later = [s for s in self._word_starts(self.cursor + 1, self.cursor + window) if s > self.cursor]
            if later or self.cursor + window >= len(self.text):
                break
            window *= 4
        self.move_cursor(later[0] if later else len(self.text))

    def action_previous_word(self) -> None:
        window = 200
        while True:
            earlier = self._word_starts(max(0, self.cursor - window), self.cursor)
            if earlier or self.cursor - window <= 0:
                break
            window *= 4
        self.move_cursor(earlier[-1] if earlier else 0)

    def word_at(self, offset: int) -> tuple[int, int] | None:
        """The word around ``offset`` (letters, digits and joined punctuation like "10.000")."""
        for match in _WORD.finditer(self.text, max(0, offset - 100), min(len(self.text), offset + 100)):
            if match.start() <= offset < match.end():
                return match.start(), match.end()
        return None

    def _sentences(self) -> Spans[int]:
        if self._sentence_starts is None:
            from tui.core.facts import split_sentences

            self._sentence_spans = split_sentences(self.text)
            self._sentence_starts = Spans.points(start for start, _ in self._sentence_spans)
        return self._sentence_starts

    def _last_character(self, start: int, end: int) -> int:
        """The last character of ``[start, end)`` that is not white space (``start`` if all are)."""
        last = max(start, min(end, len(self.text)) - 1)
        while last > start and self.text[last].isspace():
            last -= 1
        return last

    def _select_to_end(self, spans: Sequence[tuple[int, int]], direction: int) -> bool:
        """While the selection's moving end is its end (the cursor at or after the anchor), a sentence or
        paragraph motion lands on the last character of one, not on the next one's first letter, which
        the selection (the cursor's character included) would take in; False when this does not apply.

        Forward: the end of the first of ``spans`` (in order) ending after the cursor. Back: the end
        of the last one ending before it, if the selection still reaches it (else the motion goes
        back as it always does, past the anchor)."""
        anchor = self.selection_anchor
        if anchor is None or self.cursor < anchor:
            return False
        index = bisect_left(spans, self.cursor + 1, key=lambda span: span[1])
        if direction > 0:
            for start, end in spans[index:]:
                if (last := self._last_character(start, end)) > self.cursor:
                    self.move_cursor(last)
                    return True
            self.app.bell()
            return True
        for start, end in reversed(spans[: index + 1]):
            if (last := self._last_character(start, end)) < self.cursor:
                if last < anchor:
                    return False
                self.move_cursor(last)
                return True
        return False

    def action_next_sentence(self) -> None:
        starts = self._sentences()
        if self._select_to_end(self._sentence_spans, 1):
            return
        if (index := starts.after(self.cursor)) is not None:
            self.move_cursor(starts[index])
        else:
            self.app.bell()

    def action_previous_sentence(self) -> None:
        starts = self._sentences()
        if self._select_to_end(self._sentence_spans, -1):
            return
        if (index := starts.before(self.cursor)) is not None:
            self.move_cursor(starts[index])
        else:
            self.app.bell()

    # ----------------------------------------------------------------------------- entities

    @property
    def shown_entities(self) -> list[Entity]:
        return self._shown.items

    def _jump_to_entity(self, index: int) -> None:
        entity = self._shown[index]
        self._search.index = -1
        self.focus_span = (entity.start, entity.end)
        self.move_cursor(entity.start, center=True)
        self.refresh()
        self.post_message(EntityJumped(entity, index + 1, len(self._shown)))

    def show_spans(
        self, spans: list[tuple[int, int]], sentences: list[tuple[int, int]], label: str, index: int = 0
    ) -> None:
        """Highlight ``spans`` (each inside its sentence) and go to the ``index``-th; ] and [ walk them."""
        self._walk = Walk.of(spans, sentences, label)
        self._walk_to(self._walk.position_of(index) if spans else 0)

    def clear_spans(self) -> None:
        self._walk = Walk()
        self.sentence_span = None
        self.refresh()

    def _walk_to(self, index: int) -> None:
        start, end = self._walk.spans[index]
        self.sentence_span = self._walk.sentences[index]
        self._search.index = -1
        self.focus_span = (start, end)
        self.move_cursor(start, center=True)
        self.refresh()
        entity = Entity(start, end, self._walk.label, self.text[start:end])
        self.post_message(EntityJumped(entity, index + 1, len(self._walk.spans)))

    def action_next_entity(self) -> None:
        self._step_entity(self._walk.spans.after(self.cursor) if self._walk else self._shown.after(self.cursor))

    def action_previous_entity(self) -> None:
        self._step_entity(self._walk.spans.before(self.cursor) if self._walk else self._shown.before(self.cursor))

    def _step_entity(self, index: int | None) -> None:
        """To the ``index``-th span of the walk, or else of the entities shown; a bell at either end."""
        if index is None:
            if self._walk or self._shown:
                self.app.bell()
        elif self._walk:
            self._walk_to(index)
        else:
            self._jump_to_entity(index)

    # ----------------------------------------------------------------------------- search

    def search(self, query: str) -> int:
        """Highlight every match of ``query`` (smart case) and go to the first from where search began."""
        first = self._search.find(self.text, query, self.cursor)
        if first is not None:
            self._go_to_match(first)
        else:
            self.focus_span = None
            self.refresh()
            self.post_message(SearchStepped(query, 0, 0))
        return len(self._search.found)

    def end_search_typing(self) -> None:
        """The query is final: ``n``/``N`` now walk the matches."""
        self._search.origin = None

    def _go_to_match(self, index: int | None) -> None:
        if index is None:
            return
        search = self._search
        search.index = index
        self.focus_span = search.span(index)
        self.move_cursor(self.focus_span[0], center=True)
        self.refresh()
        self.post_message(SearchStepped(search.query, index + 1, len(search.found)))

    def action_next_match(self) -> None:
        self._go_to_match(self._search.next(self.cursor))

    def action_previous_match(self) -> None:
        self._go_to_match(self._search.previous(self.cursor))

    def action_clear_search(self) -> None:
        if self.selection_anchor is not None:
            self.cancel_selection()
            return
        if self._walk or self.sentence_span is not None:
            self.clear_spans()
        had_search = bool(self.query)
        self._search = Search()
        self.focus_span = None
        self.refresh()
        if had_search:
            self.post_message(SearchStepped("", 0, 0))
        self.post_message(Cleared())
