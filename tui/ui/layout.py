"""Wrapping an article's paragraphs into screen rows, and mapping between offsets and rows.

Pure Python and fast enough for a 5 MB article (one ``rfind`` per row, not per word): the
reading view re-wraps on every resize.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

from tui.core.document import inert

_BREAKS = " \n\t"


@dataclass(slots=True)
class Layout:
    """Rows of a wrapped article. Row ``i`` shows ``text[starts[i]:ends[i]]``.

    A blank row separates paragraphs; it has ``paras[i] == -1`` and ``starts[i]`` equal to the
    start of the paragraph after it, so ``starts`` stays sorted for ``bisect``.
    """

    width: int
    starts: list[int]
    ends: list[int]
    paras: list[int]
    para_rows: list[int]

    @property
    def height(self) -> int:
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The text row that shows ``offset`` (an offset between paragraphs goes to the row before)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def is_text_row(self, row: int) -> bool:
        return 0 <= row < len(self.paras) and self.paras[row] >= 0

    def nearest_text_row(self, row: int, direction: int = 1) -> int:
        """``row`` itself if it shows text, else the next text row in ``direction`` (or the other way)."""
        row = min(max(row, 0), self.height - 1)
        for step in (direction, -direction):
            probe = row
            while 0 <= probe < self.height:
                if self.paras[probe] >= 0:
                    return probe
                probe += step
        return row


def wrap_article(text: str, paragraphs: tuple[tuple[int, int], ...] | list[tuple[int, int]], width: int) -> Layout:
    """Wrap every paragraph to ``width`` cells, with one blank row between paragraphs."""
    width = max(8, width)
    starts: list[int] = []
    ends: list[int] = []
    paras: list[int] = []
    para_rows: list[int] = []
    ascii_text = text.isascii()
    for index, (start, end) in enumerate(paragraphs):
        if index:
            starts.append(start)
            ends.append(start)
            paras.append(-1)
        para_rows.append(len(starts))
        wrap = _wrap_ascii if ascii_text or text[start:end].isascii() else _wrap_cells
        for a, b in wrap(text, start, end, width):
            starts.append(a)
            ends.append(b)
            paras.append(index)
    if not starts:
        starts, ends, paras, para_rows = [0], [0], [0], [0]
    return Layout(width, starts, ends, paras, para_rows)


def _wrap_ascii(text: str, start: int, end: int, width: int):
    # One rfind per row when the paragraph breaks only at spaces (the common case).
    plain = text.find("\n", start, end) == -1 and text.find("\t", start, end) == -1
    pos = start
    while pos < end:
        if end - pos <= width:
            yield pos, end
            return
        if plain:
            cut = text.rfind(" ", pos, pos + width + 1)
        else:
            cut = max(text.rfind(ch, pos, pos + width + 1) for ch in _BREAKS)
        if cut <= pos:
            cut = pos + width  # a word longer than the row: break it
            yield pos, cut
            pos = cut
        else:
            yield pos, cut
            pos = cut + 1
        while pos < end and text[pos] in _BREAKS:
            pos += 1


def _wrap_cells(text: str, start: int, end: int, width: int):
    """Like ``_wrap_ascii`` but measures cells (wide CJK characters count two, combining marks zero).

    Widths are those of the text as shown, with control characters made visible symbols.
    """
    shown = inert(text[start:end])
    pos = start
    while pos < end:
        used = 0
        limit = pos
        last_break = -1
        while limit < end:
            ch = text[limit]
            size = get_character_cell_size(shown[limit - start])
            if used + size > width:
                break
            if ch in _BREAKS:
                last_break = limit
            used += size
            limit += 1
        if limit >= end:
            yield pos, end
            return
        if text[limit] in _BREAKS:
            last_break = limit
        if last_break > pos:
            yield pos, last_break
            pos = last_break + 1
        else:
            limit = max(limit, pos + 1)
            yield pos, limit
            pos = limit
        while pos < end and text[pos] in _BREAKS:
            pos += 1


def column_of(text: str, row_start: int, offset: int) -> int:
    """Cells from the row's start to ``offset``."""
    segment = text[row_start:offset]
    return len(segment) if segment.isascii() else cell_len(inert(segment))


def offset_at(text: str, row_start: int, row_end: int, column: int) -> int:
    """The offset shown at ``column`` of a row (clamped to the row's last character)."""
    if column <= 0 or row_end <= row_start:
        return row_start
    segment = text[row_start:row_end]
    if segment.isascii():
        return row_start + min(column, len(segment) - 1)
    segment = inert(segment)
    used = 0
    for index, ch in enumerate(segment):
        used += get_character_cell_size(ch)
        if used > column:
            return row_start + index
    return row_end - 1
