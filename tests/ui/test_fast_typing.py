"""Keys typed faster than the app draws (key repeat, a laggy SSH link, a paste of keystrokes):
each lands where the reader meant it, and none crashes the app."""

from __future__ import annotations

import asyncio
import random
import re
import shutil
from pathlib import Path

import pytest
from textual.command import CommandList

from tests.ui.conftest import burst, burst_one, reader, status_text, view_of
from tests.ui.test_marking_up import WIDE, stored
from tui.core.document import sample_article_path
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.legend import Legend


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return Path(shutil.copy(sample_article_path(), tmp_path / "berita.txt"))


@pytest.mark.parametrize("key", ["h", "e", "l"])
@pytest.mark.parametrize("with_the_picker", [False, True], ids=["picker-open", "picker-in-the-burst"])
async def test_number_keys_in_a_burst_choose_once_and_the_reader_stays(
    article: Path, tmp_path: Path, key: str, with_the_picker: bool
) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index("Kremlin"))
        if with_the_picker:
            await burst(pilot, key, "3", "1", "2")
        else:
            await pilot.press(key)
            await burst(pilot, "3", "1", "2")
        assert app.is_running
        assert isinstance(app.screen, ReaderScreen) and len(app.screen_stack) == 2
        (ann,) = stored(db)
        assert (ann.colour or ann.label) == ("blue" if key == "h" else "LOC")
        # The keys after the choice went on to the reader: 1 and 2 switched off legend labels 1 and 2.
        legend = app.screen.query_one(Legend)
        assert view.hidden_labels == {legend.label_numbered(1), legend.label_numbered(2)}


async def test_note_text_tab_and_tags_typed_in_one_burst_land_in_their_fields(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        kremlin = view.text.index("Kremlin")
        view.move_cursor(kremlin)
        await pilot.press("a")
        await burst(pilot, *"abc", "tab", *"x,y", "ctrl+s")
        assert isinstance(app.screen, ReaderScreen)
        (note,) = stored(db)
        assert (note.note, note.tags) == ("abc", ("x", "y"))
        # Back and forth (each return to the tags starts a new tag), and keys typed after the
        # dialog closed go to the reader.
        view.move_cursor(view.text.index("Pyongyang"))
        await pilot.press("a")
        await burst(pilot, *"d", "tab", *"p", "shift+tab", *"e", "tab", *"q", "enter", "g")
        assert isinstance(app.screen, ReaderScreen)
        assert sorted((a.note, a.tags) for a in stored(db)) == [("abc", ("x", "y")), ("de", ("p", "q"))]
        assert view.cursor == 0  # g: the top of the article


async def test_the_palette_opened_and_paged_in_one_burst_does_not_crash(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        for keys in (("ctrl+p", "pageup"), ("ctrl+p", "pagedown"), ("ctrl+p", *"hi", "pageup", "pagedown")):
            await burst(pilot, *keys)
            assert app.is_running
            await pilot.press("escape")
            assert isinstance(app.screen, ReaderScreen)
        # Once its list is on screen, the page keys page through it.
        await pilot.press("ctrl+p", "down")
        commands = app.screen.query_one(CommandList)
        await pilot.press("pagedown")
        paged = commands.highlighted
        assert paged > 1
        await pilot.press("pageup")
        assert commands.highlighted < paged


async def test_keys_typed_with_the_key_that_opens_the_note_dialog_land_in_it(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index("Kremlin"))
        await burst(pilot, "a", *"abc", "tab", *"x,y", "ctrl+s", "h", "2")
        assert isinstance(app.screen, ReaderScreen)
        (note, highlight) = sorted(stored(db), key=lambda a: a.kind != "note")
        assert (note.note, note.tags) == ("abc", ("x", "y"))
        assert highlight.colour == "green"


async def typed_with_gaps(pilot, rng: random.Random, *keys: str) -> None:
    """Type ``keys`` with a random number of event-loop turns (0 to 12) between them: some keys
    arrive while the one before is still on its way, some after it took effect."""
    for key in keys:
        for _ in range(rng.randint(0, 12)):
            await asyncio.sleep(0)
        burst_one(pilot, key)
    await burst(pilot)


# Keys of the reader and its dialogs, typed at random in bursts. Not q, which quits; nor ctrl+p,
# whose palette offers Quit to a random enter; nor E, whose dialog writes files.
FUZZ_KEYS = [
    *"haelx12345jkvwmtudbnipgG", "tab", "shift+tab", "escape", "enter", "pageup", "pagedown",
    "apostrophe", "ctrl+r", "down", "up", "right", "left", "question_mark", "ctrl+s", "space", "slash",
]  # fmt: skip


async def type_at_random(article: Path, seed: int, bursts: int) -> None:
    rng = random.Random(seed)
    async with reader(article, size=(120, 36)) as (app, pilot):
        for _ in range(bursts):
            keys = [rng.choice(FUZZ_KEYS) for _ in range(rng.randint(2, 12))]
            if rng.random() < 0.5:
                await burst(pilot, *keys)
            else:
                await typed_with_gaps(pilot, rng, *keys)
            assert app.is_running and isinstance(app.screen_stack[1], ReaderScreen), keys
            assert not app.typed_keys.busy, keys  # every key handled, none left holding the others back


async def test_random_bursts_of_keys_never_crash_or_close_the_reader(article: Path) -> None:
    await type_at_random(article, seed=0, bursts=20)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 11))
async def test_random_bursts_of_keys_never_crash_or_close_the_reader_at_length(article: Path, seed: int) -> None:
    await type_at_random(article, seed=seed, bursts=60)


@pytest.mark.parametrize("seed", range(12))
async def test_note_keys_typed_with_random_gaps_land_in_their_fields(article: Path, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index("Kremlin"))
        await typed_with_gaps(pilot, rng, "a", *"abc", "tab", *"x,y", "ctrl+s", "j")
        assert isinstance(app.screen, ReaderScreen)
        (note,) = stored(db)
        assert (note.note, note.tags) == ("abc", ("x", "y"))


@pytest.mark.parametrize("seed", range(6))
async def test_keys_typed_after_enter_in_the_search_go_to_the_article(article: Path, seed: int) -> None:
    """``/ putin enter n`` searched for "putinn": the key after enter reached the search bar."""
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        total = len(re.findall("putin", view.text, re.IGNORECASE))
        await typed_with_gaps(pilot, random.Random(seed), "slash", *"putin", "enter", "n")
        assert app.focused is view
        assert status_text(app) == f"2 of {total} for putin"
