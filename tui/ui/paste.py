"""Bracketed pastes that stay text: a parser that keeps escape codes inside a paste, and its cap.

Textual's ``XTermParser`` (8.2) treats an ESC inside a bracketed paste as the start of an escape
sequence: it stops collecting the paste there and, after 32 characters that make no sequence, hands
the rest to the app as key presses (a pasted ``hello \\x1b]0;x`` followed by ``qqq…`` quits the
app). :class:`PasteSafeParser` makes every ESC between the paste's start and end markers the visible
symbol ``␛`` before the parser sees it (what :func:`tui.core.document.inert` would make of it
anyway), so the only ESC of a paste the parser meets is the one of its end marker. It also keeps at
most :data:`PASTE_LIMIT` + 1 characters of a paste, so that a huge paste cannot fill the memory;
the app cuts a paste to :data:`PASTE_LIMIT` and says so (:func:`cut_paste`).
"""

from __future__ import annotations

from collections.abc import Iterable

import textual.drivers.linux_driver as _linux_driver
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.message import Message

PASTE_LIMIT = 1 << 20
"""The most characters of one paste the app takes (1 Mi): more is cut, with a notification."""

_ESC = "\x1b"
_SHOWN_ESC = "\u241b"  # as inert() shows it


class PasteSafeParser(XTermParser):
    """Textual's terminal parser, with the text of a bracketed paste kept text (see the module)."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._in_paste = False
        self._paste_size = 0  # characters of the current paste passed on
        self._held = ""  # in a paste, a tail that may be the start of the end marker
        self._recent = ""  # out of a paste, the last characters, for a start marker split between reads

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of input: what was held back goes as it is
            held, self._held = self._held, ""
            if held:
                yield from super().feed(held.replace(_ESC, _SHOWN_ESC))
            yield from super().feed(data)
            return
        safe = self._paste_safe(data)
        if safe:  # (all of it may be held back, or cut; an empty feed would end the input)
            yield from super().feed(safe)

    def _paste_safe(self, data: str) -> str:
        """``data`` with the ESCs inside a paste shown as symbols, and a paste's text cut after the limit."""
        out: list[str] = []
        while data:
            if not self._in_paste:
                seen = self._recent + data
                start = seen.find(BRACKETED_PASTE_START)
                if start < 0:
                    out.append(data)
                    self._recent = seen[-(len(BRACKETED_PASTE_START) - 1) :]
                    break
                after = start + len(BRACKETED_PASTE_START) - len(self._recent)  # in data
                out.append(data[:after])
                data = data[after:]
                self._in_paste, self._paste_size, self._recent = True, 0, ""
                continue
            data = self._held + data
            self._held = ""
            end = data.find(BRACKETED_PASTE_END)
            if end < 0:
                # Hold back a tail that could begin the end marker, until the next read completes it.
                last = data.rfind(_ESC, max(0, len(data) - len(BRACKETED_PASTE_END) + 1))
                if last >= 0 and BRACKETED_PASTE_END.startswith(data[last:]):
                    data, self._held = data[:last], data[last:]
                out.append(self._paste_text(data))
                break
            out.append(self._paste_text(data[:end]))
            out.append(BRACKETED_PASTE_END)
            data = data[end + len(BRACKETED_PASTE_END) :]
            self._in_paste = False
        return "".join(out)

    def _paste_text(self, text: str) -> str:
        """The part of ``text`` that fits in the paste (one more than the limit: the app sees it was cut)."""
        room = PASTE_LIMIT + 1 - self._paste_size
        text = text[: max(room, 0)]
        self._paste_size += len(text)
        return text.replace(_ESC, _SHOWN_ESC)


def install_paste_parser() -> None:
    """Make Textual's Linux driver read the terminal with :class:`PasteSafeParser` (it looks the
    parser class up in its module when its input thread starts)."""
    _linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]


def cut_paste(text: str) -> tuple[str, bool]:
    """``text`` cut to :data:`PASTE_LIMIT` characters, and whether it was cut."""
    if len(text) <= PASTE_LIMIT:
        return text, False
    return text[:PASTE_LIMIT], True
