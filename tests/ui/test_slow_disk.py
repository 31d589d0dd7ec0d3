"""A reader on a slow disk (a network file system, a busy laptop): saving a change waits for the
disk, and the reader must not wait with it. The article keeps moving; what acts on the annotations
next waits for the save, in order; and leaving saves everything that was asked for."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.ui.conftest import reader, status_text, view_of, wait_until
from tui.core.store import Store
from tui.ui.screens.annotate import ChoiceScreen

WIDE = (140, 40)


@pytest.fixture(autouse=True)
def saves_in_the_thread(saves_in_place: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """These stories are about the save thread: a save not done in 50 ms goes on there."""
    import tui.ui.screens.reader as reader_module

    monkeypatch.setattr(reader_module, "SAVE_AT_ONCE_SECONDS", 0.05)


def stored(db: Path) -> list:
    with Store.open(db) as store:
        return store.all_annotations()


def slow_disk(monkeypatch: pytest.MonkeyPatch, store: Store) -> tuple[threading.Event, threading.Event]:
    """Make the store's next writes wait for the test: (started, gate). ``started`` is set when a
    write reaches the disk; it finishes once ``gate`` is set (or after 10 s, so a broken reader
    fails the test instead of hanging it)."""
    started, gate = threading.Event(), threading.Event()
    for name in ("add", "delete", "restore"):
        real = getattr(store, name)

        def slow(*args, _real=real, **kwargs):
            started.set()
            gate.wait(10)
            return _real(*args, **kwargs)

        monkeypatch.setattr(store, name, slow)
    return started, gate


async def highlight_on_a_slow_disk(pilot, monkeypatch: pytest.MonkeyPatch):
    """Highlight "Kremlin" in green on a disk that holds the write until the test opens the gate;
    returns once the write is waiting: (the article view, the gate)."""
    started, gate = slow_disk(monkeypatch, pilot.app.store)
    view = view_of(pilot.app)
    view.move_cursor(view.text.index("Kremlin"))
    await pilot.press("h", "2")
    await wait_until(pilot, started.is_set, timeout=10)
    return view, gate


async def test_the_article_moves_while_a_change_is_saved(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view, gate = await highlight_on_a_slow_disk(pilot, monkeypatch)
        assert not gate.is_set()
        before = view.cursor
        await pilot.press("j", "j")  # the save is still waiting for the disk
        assert view.cursor != before and not gate.is_set()
        assert stored(db) == []
        gate.set()
        await wait_until(pilot, lambda: len(stored(db)) == 1, timeout=10)
        await wait_until(pilot, lambda: status_text(app).startswith("highlighted in green"), timeout=10)
        (highlight,) = stored(db)
        assert (highlight.colour, highlight.quote.exact) == ("green", "Kremlin")
        assert [a.id for a in view.annotations] == [highlight.id]


async def test_what_follows_a_slow_save_waits_for_it_keys_included(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view, gate = await highlight_on_a_slow_disk(pilot, monkeypatch)
        # Undo, then another highlight with its colour: they wait for the save, in order (undo
        # takes the cursor back to "Kremlin", where "h" then highlights; the other order would leave
        # Kremlin green); the "3" is the colour picker's (not label 3 of the legend), once it is open.
        view.move_cursor(view.text.index("Pyongyang"))
        await pilot.press("u", "h", "3")
        assert not isinstance(app.screen, ChoiceScreen)  # "h" waits too
        hidden_before = set(view.hidden_labels)
        gate.set()
        await wait_until(pilot, lambda: [(a.quote.exact, a.colour) for a in stored(db)] == [("Kremlin", "blue")])
        await pilot.pause()
        assert set(view.hidden_labels) == hidden_before  # "3" did not switch a label off
        assert [(a.quote.exact, a.colour) for a in view.annotations] == [("Kremlin", "blue")]


async def test_leaving_during_a_slow_save_keeps_the_change(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view, gate = await highlight_on_a_slow_disk(pilot, monkeypatch)
        threading.Timer(0.3, gate.set).start()  # the disk answers while the reader is closing
        await app.action_quit()
    (highlight,) = stored(db)
    assert (highlight.colour, highlight.quote.exact) == ("green", "Kremlin")


async def test_a_failing_save_is_one_line_and_the_reader_goes_on(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):

        def broken(*args, **kwargs):
            raise RuntimeError("disk\x1b[31m on fire\nreally")

        monkeypatch.setattr(app.store, "add", broken)
        view = view_of(app)
        view.move_cursor(view.text.index("Kremlin"))
        notes: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **kwargs: notes.append(str(message)))
        await pilot.press("h", "2")
        await wait_until(pilot, lambda: bool(notes), timeout=10)
        assert notes == ["not saved: RuntimeError: disk␛[31m on fire really"]
        monkeypatch.undo()
        view.move_cursor(view.text.index("Pyongyang"))
        await pilot.press("h", "3")  # the next change saves as usual
        await wait_until(pilot, lambda: [a.quote.exact for a in stored(db)] == ["Pyongyang"], timeout=10)


async def test_a_note_that_could_not_be_saved_is_opened_again_as_written(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core.store import StoreError
    from tui.ui.screens.annotate import NoteScreen

    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):

        def full(*args, **kwargs):
            raise StoreError(f"cannot save {db}: No space left on device")

        monkeypatch.setattr(app.store, "add", full)
        view = view_of(app)
        view.move_cursor(view.text.index("Kremlin"))
        await pilot.press("v", "w", "a", *"catatan penting", "tab", *"rusia", "ctrl+s")
        await wait_until(pilot, lambda: "not saved" in status_text(app), timeout=10)
        assert status_text(app) == "the note was not saved: a opens it again as you wrote it"
        assert stored(db) == []
        monkeypatch.undo()  # the disk has room again
        start = view.text.index("Kremlin")
        assert view.selection == (start, start + len("Kremlin"))  # still selected
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(stored(db)) == 1, timeout=10)
        (note,) = stored(db)
        assert (note.quote.exact, note.note, note.tags) == ("Kremlin", "catatan penting", ("rusia",))
