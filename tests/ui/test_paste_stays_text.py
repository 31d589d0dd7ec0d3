"""A bracketed paste is text only: an escape code inside it never turns the rest into key presses
(a pasted ``hello \\x1b]0;x`` then ``qqq…`` quit the reader), and a huge paste is cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser

import tui.ui.paste
from tests.ui.conftest import notifications, reader, wait_until
from tui.ui.paste import PasteSafeParser, install_paste_parser
from tui.ui.screens.reader import SearchBar

HOSTILE = "\x1b[200~hello \x1b]0;x" + "q" * 40 + "\x1b[201~"


def parsed(parser: XTermParser, chunks: list[str]) -> list:
    return [event for chunk in chunks for event in parser.feed(chunk)]


@pytest.mark.parametrize("chunked", [False, True], ids=["one read", "a character a read"])
def test_a_paste_with_an_escape_code_is_one_paste_and_no_keys(chunked: bool) -> None:
    chunks = list(HOSTILE) if chunked else [HOSTILE]
    (paste,) = parsed(PasteSafeParser(), chunks)
    assert isinstance(paste, events.Paste)
    assert paste.text == "hello ␛]0;x" + "q" * 40


def test_textual_s_own_parser_turns_such_a_paste_into_keys() -> None:
    """What the fix is for (if Textual fixes it, this fails and the parser can go)."""
    assert any(isinstance(event, events.Key) for event in parsed(XTermParser(), [HOSTILE]))


def test_keys_around_a_paste_and_markers_split_between_reads_still_work() -> None:
    data = "a\x1b[A" + HOSTILE + "b\x1b[201~c" + "\x1b[200~x\x1b\x1by\x1b[201~" + "d"
    for size in (1, 2, 3, 5, 7, len(data)):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        got = parsed(PasteSafeParser(), chunks)
        shown = [event.key if isinstance(event, events.Key) else event.text for event in got]
        assert shown == ["a", "up", "hello ␛]0;x" + "q" * 40, "b", "c", "x␛␛y", "d"], size


def test_an_escape_key_alone_is_still_a_key() -> None:
    parser = PasteSafeParser()
    assert parsed(parser, ["\x1b"]) == []
    (key,) = list(parser.feed(""))  # (the end of input, like the escape delay, settles it)
    assert isinstance(key, events.Key) and key.key == "escape"


def test_a_paste_keeps_one_character_more_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.ui.paste, "PASTE_LIMIT", 100)
    text = ("\x1b]0;x" + "z" * 45) * 10
    (paste, key) = parsed(PasteSafeParser(), ["\x1b[200~", text[:230], text[230:], "\x1b[201~q"])
    assert paste.text == text.replace("\x1b", "␛")[:101]
    assert key.key == "q"


def test_the_app_reads_the_terminal_with_the_paste_safe_parser() -> None:
    import textual.drivers.linux_driver as linux_driver

    install_paste_parser()
    assert linux_driver.XTermParser is PasteSafeParser


async def test_a_paste_longer_than_the_limit_is_cut_with_a_notification(
    article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tui.ui.paste, "PASTE_LIMIT", 12)
    async with reader(article) as (app, pilot):
        await pilot.press("slash")
        app.post_message(events.Paste("kata \x1b]0;x\x07 lebih panjang"))
        await pilot.pause()
        assert app.screen.query_one(SearchBar).value == "kata ␛]0;x␇ "
        await wait_until(pilot, lambda: bool(notifications(app)))
        assert "first 12 characters" in notifications(app)[-1].message
