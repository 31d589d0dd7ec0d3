"""An edit of a note that could not be saved because the database's file was damaged under the
reader is kept as a draft; the note is gone from the reader then, and ``a`` on its passage opens
the draft (it used to open an empty dialog: the draft was kept under the note's id)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import reader, status_text, view_of, wait_until
from tui.core.store import data_folder
from tui.ui.screens.annotate import NoteArea, NoteScreen


async def test_a_on_the_passage_of_a_note_whose_edit_was_not_saved_opens_the_draft(
    article: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=(140, 40), db=db) as (app, pilot):
        view = view_of(app)
        start = view.text.index("Kremlin")
        view.move_cursor(start)
        await pilot.press("v", "w", "a", *"satu", "ctrl+s")
        await wait_until(pilot, lambda: "note saved" in status_text(app), timeout=10)
        await pilot.press("escape")  # (the selection goes)
        view.move_cursor(start + 2)
        for bucket in (data_folder(db) / "docs").glob("*.json"):
            bucket.write_bytes(b"garbage")
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("end", *" dua", "ctrl+s")
        await wait_until(pilot, lambda: status_text(app).startswith("the note was not saved: a opens it"), timeout=10)
        assert not isinstance(app.screen, NoteScreen)
        view.move_cursor(start + 2)
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one(NoteArea).text == "satu dua"
