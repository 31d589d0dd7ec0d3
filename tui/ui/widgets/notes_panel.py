"""The reader's annotations in document order (orphans last): enter goes to one, keys edit them.

A list drawn with Textual's Line API: only the rows on screen are ever built, so an article
with 100,000 annotations lists them as fast as one with ten. Each annotation takes two to six
lines: what it is, then its quote and its note (up to two lines each, the second ending in "…"
when cut), then its tags; how many follows from the annotation and the width alone, so the
list's layout is a running sum (:mod:`tui.ui.notes_layout`), not a rendering of every row.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.annotations import Annotation
from tui.ui.messages import NoteRequested, PanelLeft
from tui.ui.notes_layout import NOTE_CHARS, QUOTE_CHARS, NotesLayout, annotation_row, lines_of, notes_layout

EMPTY = "No annotations yet: v selects, h highlights, a adds a note."
LOADING = "Loading annotations…"
_PADDING = 1  # blank cells each side of a row
_CACHED_ROWS = 256


class _List(ScrollView, can_focus=True):
    """The keys every list has (the help lists only the panel's own, as for Textual's lists)."""

    BINDINGS = [
        Binding("down", "cursor_down", "Down", show=False, id="list.cursor_down"),
        Binding("up", "cursor_up", "Up", show=False, id="list.cursor_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home", "first", "First", show=False, id="list.first"),
        Binding("end", "last", "Last", show=False, id="list.last"),
        Binding("enter", "select", "Go to the annotation", show=False, id="list.select"),
    ]


class NotesPanel(_List):
    """Annotations of the open document; posts what the reader wants done with one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next annotation", id="notes.cursor_down"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous annotation", id="notes.cursor_up"),
        Binding("g", "first", "First", show=False, tooltip="First annotation", id="notes.first"),
        Binding("G", "last", "Last", show=False, tooltip="Last annotation", id="notes.last"),
        Binding(
            "e", "edit", "Edit note", tooltip="Edit the note and tags of the highlighted annotation", id="notes.edit"
        ),
        Binding(
            "d,delete", "delete", "Delete", tooltip="Delete the highlighted annotation (u undoes)", id="notes.delete"
        ),
        Binding(
            "r",
            "reattach",
            "Re-attach",
            tooltip="Attach the highlighted annotation to the selected passage",
            id="notes.reattach",
        ),
        Binding("escape", "leave", "Article", show=False, tooltip="Back to the article", id="notes.leave"),
    ]
    COMPONENT_CLASSES = {"notes-panel--highlighted", "notes-panel--hint"}
    DEFAULT_CSS = """
    NotesPanel {
        overflow-x: hidden;
        & > .notes-panel--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus > .notes-panel--highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .notes-panel--hint { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.annotations: list[Annotation] = []
        self.ids: list[str] = []
        self._highlighted: int | None = None
        self._tops: list[int] = [0]  # the first line of each row, then the total
        self._laid_out_width = -1
        self._hint = LOADING
        self._rows: dict[tuple[int, bool], list[Strip]] = {}

    # ----------------------------------------------------------------------------- data in

    def show_annotations(self, annotations: Sequence[Annotation], layout: NotesLayout | None = None) -> None:
        """List these annotations (in the order given); the highlighted one stays highlighted.

        ``layout`` is their :func:`notes_layout`, made beforehand (in a thread, for many); it is
        made here when it is not given or was made for another width.
        """
        kept = self.highlighted_id
        self.annotations = list(annotations) if layout is None else layout.annotations
        if layout is None or layout.width != self.text_width:
            layout = notes_layout(self.annotations, self.text_width)
        self.ids = layout.ids
        self._hint = EMPTY
        self._apply(layout)
        if not self.ids:
            self._highlighted = None
        else:
            index = self._index_of(kept) if kept is not None else None
            self._highlighted = index if index is not None else min(self._highlighted or 0, len(self.ids) - 1)
        self.refresh()

    @property
    def highlighted_id(self) -> str | None:
        return self.ids[self._highlighted] if self._highlighted is not None and self.ids else None

    @property
    def highlighted(self) -> int | None:
        """The index of the highlighted annotation (None when there are none)."""
        return self._highlighted

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if not self.ids:
            self._highlighted = None
            return
        old = self._highlighted
        self._highlighted = None if index is None else max(0, min(index, len(self.ids) - 1))
        for row in (old, self._highlighted):
            if row is not None:
                self._refresh_row(row)
        self._scroll_to_highlighted()

    def _index_of(self, annotation_id: str) -> int | None:
        try:
            return self.ids.index(annotation_id)
        except ValueError:
            return None

    # ----------------------------------------------------------------------------- layout

    @property
    def laid_out_width(self) -> int:
        """The width of text the rows were last laid out for (0 before the first layout): a plain
        attribute, which other threads may read (the widget's region they may not)."""
        return max(0, self._laid_out_width)

    @property
    def text_width(self) -> int:
        """Cells of text in a row."""
        return max(4, self.scrollable_content_region.width - 2 * _PADDING)

    def _relayout(self) -> None:
        """Lay the rows out again if the width changed."""
        if self.text_width != self._laid_out_width:
            self._apply(notes_layout(self.annotations, self.text_width))

    def _apply(self, layout: NotesLayout) -> None:
        self._laid_out_width = layout.width
        self._tops = layout.tops if self.annotations else [0, 1]  # no annotations: one line, the hint
        self._rows.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, self._tops[-1])

    def notify_style_update(self) -> None:
        self._rows.clear()  # focus changes the highlighted row's colours
        super().notify_style_update()

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()
        self._scroll_to_highlighted()

    def _scroll_to_highlighted(self) -> None:
        row = self._highlighted
        if row is None or not self.is_mounted:
            return
        top, bottom = self._tops[row], self._tops[row + 1]
        self.scroll_to_region(
            Region(0, top, self.scrollable_content_region.width, bottom - top),
            animate=False,
            force=True,
            immediate=True,
        )

    def _refresh_row(self, row: int) -> None:
        self._rows.pop((row, True), None)
        self._rows.pop((row, False), None)
        top, bottom = self._tops[row], self._tops[row + 1]
        self.refresh(Region(0, top - self.scroll_offset.y, self.size.width, bottom - top))

    # ----------------------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        self._relayout()
        width = self.scrollable_content_region.width
        line = self.scroll_offset.y + y
        base = self.rich_style
        if line >= self._tops[-1]:
            return Strip.blank(width, base)
        if not self.annotations:
            hint = _cut(Text(self._hint, style=self._style("notes-panel--hint")), self.text_width)
            return self._strip([Segment(" " * _PADDING), *hint.render(self.app.console)], base, width)
        row = bisect_right(self._tops, line) - 1
        return self._row_strips(row)[line - self._tops[row]]

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _row_strips(self, row: int) -> list[Strip]:
        highlighted = row == self._highlighted
        key = (row, highlighted)
        strips = self._rows.get(key)
        if strips is not None:
            return strips
        if len(self._rows) >= _CACHED_ROWS:
            self._rows.clear()
        ann = self.annotations[row]
        width = self.scrollable_content_region.width
        text_width = self.text_width
        style = self.rich_style + self._style("notes-panel--highlighted") if highlighted else self.rich_style
        head, quote, *rest = annotation_row(ann).split("\n", allow_blank=True)  # (inert: no other breaks)
        console = self.app.console
        lines = [_cut(head, text_width)]
        quote_lines = lines_of(min(len(ann.quote.exact), QUOTE_CHARS + 1) + 2, text_width)
        lines += _fold(quote, text_width, quote_lines, console)
        if ann.note:
            note = rest.pop(0)
            lines += _fold(note, text_width, lines_of(min(len(ann.note), NOTE_CHARS), text_width), console)
        if ann.tags:
            lines.append(_cut(rest[0], text_width))
        strips = [self._strip([Segment(" " * _PADDING), *text.render(console)], style, width) for text in lines]
        self._rows[key] = strips
        return strips

    @staticmethod
    def _strip(segments: list[Segment], style: Style, width: int) -> Strip:
        return Strip(Segment.apply_style(segments, style)).extend_cell_length(width, style).crop(0, width)

    # ----------------------------------------------------------------------------- keys

    def action_cursor_down(self) -> None:
        if self.ids:
            self.highlighted = (self._highlighted or 0) + 1 if self._highlighted is not None else 0

    def action_cursor_up(self) -> None:
        if self.ids:
            self.highlighted = max(0, (self._highlighted or 0) - 1)

    def _page(self, direction: int) -> None:
        if not self.ids:
            return
        row = self._highlighted or 0
        target_line = self._tops[row] + direction * max(1, self.scrollable_content_region.height)
        target = bisect_right(self._tops, max(0, target_line)) - 1
        self.highlighted = max(0, min(len(self.ids) - 1, target if target != row else row + direction))

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_first(self) -> None:
        if self.ids:
            self.highlighted = 0

    def action_last(self) -> None:
        if self.ids:
            self.highlighted = len(self.ids) - 1

    def _request(self, action: str) -> None:
        if self._highlighted is not None and self.ids:
            self.post_message(NoteRequested(action, self.ids[self._highlighted]))

    def action_select(self) -> None:
        self._request("go")

    def action_edit(self) -> None:
        self._request("edit")

    def action_delete(self) -> None:
        self._request("delete")

    def action_reattach(self) -> None:
        self._request("reattach")

    def action_leave(self) -> None:
        self.post_message(PanelLeft())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self.ids:
            return
        line = self.scroll_offset.y + offset.y
        if line >= self._tops[-1]:
            return
        self.highlighted = bisect_right(self._tops, line) - 1
        self._request("go")


def _cut(text: Text, width: int) -> Text:
    """One line of ``width`` cells at most, ending in "…" when cut."""
    text = text.copy()
    text.truncate(width, overflow="ellipsis")
    return text


def _fold(text: Text, width: int, lines: int, console: Console) -> list[Text]:
    """``text`` on exactly ``lines`` lines of ``width`` cells, word-wrapped, the last ending in "…"
    when it does not all fit (a blank line when it takes fewer)."""
    if lines == 1 or cell_len(text.plain) <= width:
        return [_cut(text, width)] + [Text("")] * (lines - 1)
    wrapped = text.wrap(console, width)
    out = [line.copy() for line in wrapped[:lines]]
    if len(wrapped) > lines:
        last = out[-1]
        last.rstrip()
        if last.cell_len >= width:
            last.truncate(width - 1)
        last.append("…")
    while len(out) < lines:
        out.append(Text(""))
    for line in out:
        line.truncate(width, overflow="ellipsis")
        line.end = ""
    return out
