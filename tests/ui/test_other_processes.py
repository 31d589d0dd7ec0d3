"""Two sorot processes on one database: what one writes shows in the other's open reader, and
a copy of an annotated article shows its annotations without taking them from the original."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from contextlib import asynccontextmanager
from pathlib import Path

from tests.ui.conftest import panel_text, reader, view_of, wait_until
from tui.core.annotations import DocumentRef, make_annotation
from tui.core.document import load_article
from tui.core.exchange import run_export
from tui.core.store import Store
from tui.ui.screens.annotate import NoteScreen
from tui.ui.widgets.notes_panel import NotesPanel

WIDE = (140, 40)


def ref(path: Path) -> DocumentRef:
    article = load_article(path)
    return DocumentRef(article.sha256, str(path.resolve()), article.title)


def passage(path: Path, words: str, **fields):
    text = load_article(path).text
    start = text.index(words)
    return make_annotation(text, start, start + len(words), document=ref(path), **fields)


def notes_shown(screen) -> list[str]:
    return panel_text(screen.query_one(NotesPanel)).splitlines()


async def test_what_another_process_writes_shows_in_the_open_reader(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        view, screen = view_of(app), app.screen
        await wait_until(pilot, lambda: screen.side_ready)
        start = view.text.index("Kremlin mengkonfirmasi")
        view.move_cursor(start)
        await pilot.press("v", "w", "w")
        selection = view.selection
        assert selection is not None

        # `sorot import` in another process adds a note on this article.
        note = passage(article, "Vladimir Putin", kind="note", note="dari impor")
        source = tmp_path / "impor.jsonl"
        source.write_text(json.dumps(note.to_dict()) + "\n", encoding="utf-8")
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tui", "import", str(source), "--db", str(db),
            env={**os.environ, "SOROT_CACHE_DIR": str(tmp_path / "cache")},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert await child.wait() == 0
        await wait_until(pilot, lambda: [a.id for a in view.annotations] == [note.id], timeout=10)
        assert view.selection == selection  # the reader's selection is left alone
        await pilot.press("t")
        assert any("dari impor" in row for row in notes_shown(screen))

        # Another reader (another Store on the file) edits the note, then deletes it; and a
        # note dialog open here stays open, with what was typed in it.
        await pilot.press("escape")
        view.move_cursor(start)
        await pilot.press("v", "w", "a", *"sedang ditulis")
        assert isinstance(app.screen, NoteScreen)
        with Store.open(db) as other:
            other.edit(note.id, note="diubah di jendela lain")
            await wait_until(pilot, lambda: any("jendela lain" in row for row in notes_shown(screen)), timeout=10)
            other.delete(note.id)
            await wait_until(pilot, lambda: view.annotations == [], timeout=10)
            bookmark = other.add_bookmark(ref(article), 100, "penanda")
            await wait_until(pilot, lambda: screen.session.bookmarks == [bookmark], timeout=10)
        assert isinstance(app.screen, NoteScreen) and app.screen.query_one("#note").text == "sedang ditulis"


async def test_a_copy_of_an_annotated_article_shows_its_annotations_and_leaves_them(
    article: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    copy = tmp_path / "salinan" / "berita.txt"
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index("Kremlin mengkonfirmasi"))
        await pilot.press("v", "w", "w", "h", "1")
        await wait_until(pilot, lambda: len(view.annotations) == 1)
        (highlight,) = view.annotations
    copy.parent.mkdir()
    shutil.copy(article, copy)
    async with reader(copy, size=WIDE, db=db, wait=False) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.side_ready)
        assert [(a.id, a.start, a.status) for a in view_of(app).annotations] == [(highlight.id, highlight.start, "ok")]
    edited = "Catatan redaksi: salinan ini diperbarui.\n\n" + copy.read_text(encoding="utf-8")
    copy.write_text(edited, encoding="utf-8")
    async with reader(copy, size=WIDE, db=db, wait=False) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.side_ready)
        (moved,) = view_of(app).annotations
        assert moved.status == "moved" and edited[moved.start : moved.end] == "Kremlin mengkonfirmasi"
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.side_ready)
        assert [(a.id, a.start, a.status) for a in view_of(app).annotations] == [(highlight.id, highlight.start, "ok")]
    out = tmp_path / "out.jsonl"
    with Store.open(db, read_only=True) as store:
        for path in (article, copy):
            report = run_export(store, "jsonl", path, out)
            assert report.annotations == 1 and report.orphans == 0, report.warnings


@asynccontextmanager
async def editing(article: Path, db: Path, note):
    """A reader on ``db`` with ``note`` (already stored) open in the note dialog."""
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        view = view_of(app)
        await wait_until(pilot, lambda: [a.id for a in view.annotations] == [note.id])
        view.move_cursor(note.start)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen))
        yield app, pilot


async def test_a_note_edited_here_while_another_reader_tags_it_keeps_both(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    note = passage(article, "Kremlin mengkonfirmasi", kind="note", note="awal", tags=["satu"])
    with Store.open(db) as store:
        store.add(note)
    async with editing(article, db, note) as (app, pilot):
        with Store.open(db) as other:  # another reader adds a tag while this note is being edited
            other.edit(note.id, tags=["satu", "dua"])
        await pilot.press(*" lagi", "tab", *"tiga", "ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteScreen))
    with Store.open(db) as store:
        saved = store.get(note.id)
    assert saved is not None and saved.note == "awal lagi" and saved.tags == ("satu", "dua", "tiga")


async def test_a_note_deleted_elsewhere_while_it_is_edited_here_is_saved_as_a_new_note(
    article: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    note = passage(article, "Kremlin mengkonfirmasi", kind="note", note="awal")
    with Store.open(db) as store:
        store.add(note)
    async with editing(article, db, note) as (app, pilot):
        with Store.open(db) as other:
            other.delete(note.id)
        await pilot.press(*" lagi", "ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteScreen))
        await wait_until(pilot, lambda: [a.note for a in view_of(app).annotations] == ["awal lagi"])
    with Store.open(db) as store:
        (kept,) = store.annotations_for(note.document.sha256)
    assert kept.id != note.id and (kept.start, kept.end, kept.note) == (note.start, note.end, "awal lagi")
