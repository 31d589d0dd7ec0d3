"""The reader on annotation databases that are not what they seem: damaged, read-only, behind a
symbolic link, or somewhere no lock file can be made. The article always opens and stays usable;
one notification says what happened to the annotations, in one line, quoting nothing from the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import TabbedContent

from tests.core.test_damaged_databases import DAMAGE, DAMAGED_FILES, SECRET, with_damaged_records
from tests.core.test_store import PROC, refuse_writes_to
from tests.ui.conftest import notifications, reader, status_text, view_of, wait_until
from tests.ui.test_marking_up import WIDE
from tui.core.annotations import DocumentRef, make_annotation
from tui.core.document import load_article
from tui.core.store import Store


def document_of(path: Path) -> tuple[str, DocumentRef]:
    """The article's text and the reference the reader files its annotations under."""
    loaded = load_article(path)
    return loaded.text, DocumentRef(loaded.sha256, str(loaded.path), loaded.title)


def messages(app) -> list[str]:
    return [n.message for n in notifications(app) if n.title == "Annotations"]


async def opened(pilot) -> None:
    """Until the side panel (and with it the annotation store) is there."""
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "side_ready", False))


async def highlight(pilot, passage: str) -> None:
    view = view_of(pilot.app)
    view.move_cursor(view.text.index(passage))
    await pilot.press("v", "w", "h", "1")
    await pilot.pause()


def notes_label(app) -> str:
    return str(app.screen.query_one(TabbedContent).get_tab("tab-notes").label)


@pytest.mark.parametrize(("content", "reason"), DAMAGED_FILES)
async def test_a_damaged_database_is_moved_aside_and_the_reader_goes_on(
    article: Path, tmp_path: Path, content: bytes, reason: str
) -> None:
    db = tmp_path / "db.json"
    db.write_bytes(content)
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        await opened(pilot)
        (message,) = messages(app)
        assert reason in message and "kept it as db.json.corrupt-" in message
        assert "\n" not in message and SECRET not in message
        await highlight(pilot, "Kremlin")
    (aside,) = tmp_path.glob("db.json.corrupt-*")
    assert aside.read_bytes() == content
    with Store.open(db) as store:
        assert [a.quote.exact for a in store.all_annotations()] == ["Kremlin"]


async def test_damaged_records_are_counted_in_a_notification_and_in_the_notes_tab(
    article: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    text, document = document_of(article)
    sound, _ = with_damaged_records(db, document, text, ("Kremlin", "Pyongyang"))
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        await opened(pilot)
        converted, damage = messages(app)
        assert converted.startswith("converted db.json to the folder layout") and "db.json.schema1-backup" in converted
        assert damage == f"db.json.d/docs/_.json: {DAMAGE}"
        assert notes_label(app) == "Notes (2, 3 damaged)"  # not "Notes (2)" of the 5 it holds
        assert sorted(a.id for a in view_of(app).annotations) == sorted(a.id for a in sound)


@pytest.mark.parametrize("read_only", ["file", "directory"])
async def test_a_read_only_database_is_shown_read_only(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: str
) -> None:
    """chmod a-w (or a read-only mount), simulated so that it also holds as root."""
    db = tmp_path / "shared" / "db.json"
    text, document = document_of(article)
    start = text.index("Kremlin")
    saved = make_annotation(text, start, start + len("Kremlin"), document=document, note="dari rekan")
    with Store.open(db) as store:
        store.add(saved)
    before = sorted((str(p), p.read_bytes()) for p in db.parent.rglob("*") if p.is_file())
    refuse_writes_to(monkeypatch, db if read_only == "file" else db.parent)
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        await opened(pilot)
        (message,) = messages(app)
        assert message.startswith("opened read-only: ") and "its annotations are shown" in message
        assert "not saved" in message and "\n" not in message
        assert view_of(app).annotations == [saved] and notes_label(app) == "Notes (1)"
        assert store_state(app) == "read-only"  # in the status line, after the notification has gone
        await highlight(pilot, "Pyongyang")
        assert len(view_of(app).annotations) == 2  # kept for the session
        assert status_text(app).endswith("(u undoes) · not saved")
        await pilot.press("m")
        assert status_text(app) == "bookmark 1 set (' lists them) · not saved"
    assert sorted((str(p), p.read_bytes()) for p in db.parent.rglob("*") if p.is_file()) == before


@pytest.mark.parametrize("how", ["chmod a-w", "a FIFO in its place"])
async def test_a_database_that_stops_taking_saves_while_open_keeps_the_change_in_memory(
    article: Path, tmp_path: Path, how: str
) -> None:
    """A highlight made after the database had been made read-only (or replaced by a FIFO) was
    dropped with a notification per write; it is kept for the session, and the file untouched."""
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        await opened(pilot)
        await highlight(pilot, "Kremlin")
        await wait_until(pilot, lambda: db.exists())
        if how == "chmod a-w":
            db.chmod(0o444)
        else:
            db.rename(tmp_path / "aside.json")
            os.mkfifo(db)
        saved = db if how == "chmod a-w" else tmp_path / "aside.json"

        def on_disk() -> tuple[list[str], bytes]:
            return sorted(p.name for p in tmp_path.iterdir()), saved.read_bytes()

        kept = on_disk()
        try:
            await highlight(pilot, "Pyongyang")
            assert sorted(a.quote.exact for a in view_of(app).annotations) == ["Kremlin", "Pyongyang"]
            (message,) = messages(app)
            assert message.startswith("not saved: ") and message.endswith("kept in memory until you quit")
            assert store_state(app) == "not saved" and status_text(app).endswith("· not saved")
            await pilot.press("u")  # undo works on the copy in memory
            assert [a.quote.exact for a in view_of(app).annotations] == ["Kremlin"]
        finally:
            if how == "chmod a-w":
                db.chmod(0o644)
    assert on_disk() == kept


async def test_a_database_that_stops_taking_saves_while_open_exports_what_the_session_kept(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export reads the session's store, the copy in memory: the change the file did not take is in it."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db, wait=False) as (app, pilot):
        await opened(pilot)
        await highlight(pilot, "Kremlin")
        await wait_until(pilot, lambda: db.exists())
        db.chmod(0o444)
        try:
            await highlight(pilot, "Pyongyang")
            assert store_state(app) == "not saved"
            await pilot.press("E")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: any(n.title in ("Exported", "Export failed") for n in app._notifications))
        finally:
            db.chmod(0o644)
    (written,) = tmp_path.glob("*.jsonld")
    items = json.loads(written.read_text(encoding="utf-8"))["first"]["items"]
    assert sorted(item["target"]["selector"][0]["exact"] for item in items) == ["Kremlin", "Pyongyang"]


def store_state(app) -> str:
    return str(app.screen.query_one("#store-state").render()).strip()


@pytest.mark.skipif(not PROC, reason="needs /proc, where no file can be created")
async def test_a_database_where_no_file_can_be_made_is_said_at_once(article: Path) -> None:
    """``--db /proc/x.json``: the reason, not "busy" after the lock timeout; annotations in memory."""
    async with reader(article, size=WIDE, db="/proc/sorot-test.json", wait=False) as (app, pilot):
        await opened(pilot)
        (message,) = messages(app)
        assert "cannot save annotations in /proc: the directory is not writable" in message
        assert "kept in memory for this session" in message and "busy" not in message
        assert store_state(app) == "not saved"
        await highlight(pilot, "Kremlin")
        assert [a.quote.exact for a in view_of(app).annotations] == ["Kremlin"]


async def test_annotations_go_through_a_symlinked_database_to_its_target(article: Path, tmp_path: Path) -> None:
    """The database lives in a synced folder, linked from where sorot looks for it."""
    real = tmp_path / "sync" / "db.json"
    link = tmp_path / "db.json"
    link.symlink_to(real)
    async with reader(article, size=WIDE, db=link, wait=False) as (app, pilot):  # the folder is not there
        await opened(pilot)
        (message,) = messages(app)
        assert f"is a symbolic link to {real}, which does not exist" in message and "\n" not in message
    assert not real.parent.exists()
    Store.open(real).close()
    async with reader(article, size=WIDE, db=link, wait=False) as (app, pilot):
        await opened(pilot)
        assert messages(app) == []
        await highlight(pilot, "Kremlin")
    assert link.is_symlink()
    with Store.open(real) as store:
        assert [a.quote.exact for a in store.all_annotations()] == ["Kremlin"]
