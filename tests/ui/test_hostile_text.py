"""Escape sequences in anything the reader did not type in this session (an imported note or tag,
a label from a pipeline, a pasted text, a message quoting them) never reach the terminal: every
widget shows control characters as inert symbols, as the article view does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual import events

from tests.ui.conftest import notifications, reader, screen_strips, status_text, view_of, wait_until
from tui.core.annotations import DocumentRef, make_annotation
from tui.core.document import load_article
from tui.core.store import Store
from tui.ui.screens.annotate import BookmarksScreen, ChoiceScreen, NoteScreen, restore_hidden
from tui.ui.screens.reader import SearchBar

# OSC 52 (set the clipboard), OSC 0 (window title), CSI colour, CR, C1 CSI, NUL, DEL, a bidi override.
HOSTILE = "set \x1b]52;c;aGVsbG8=\x07 title \x1b]0;pwned\x07 red \x1b[31mR\r cr \x9b1m c1 \x00\x7f \u202eabc"
SHOWN = "set ␛]52;c;aGVsbG8=␇ title ␛]0;pwned␇ red ␛[31mR␍ cr �1m c1 ␀␡ �abc"
RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
WIDE = (140, 40)
ARTICLE = "Judul \x1b]0;judul\x07 berita\n\nBanjir melanda Jakarta kemarin. Warga Kampung Melayu mengungsi ke masjid.\n"


def painted_text(app) -> str:
    """The text every screen on the stack paints (the terminal's own sequences aside)."""
    return "".join(
        segment.text for strip in screen_strips(app, app.screen_stack) for segment in strip if not segment.control
    )


def assert_inert(app) -> None:
    raw = RAW_CONTROL.findall(painted_text(app))
    assert not raw, f"raw control characters painted: {raw!r}"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "berita.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def imported(db: Path, article: Path, passage: str, kind: str, **fields):
    """An annotation as an import from another tool would store it."""
    loaded = load_article(article)
    doc = DocumentRef(loaded.sha256, str(loaded.path), loaded.title)
    start = loaded.text.index(passage)
    ann = make_annotation(loaded.text, start, start + len(passage), kind, document=doc, **fields)
    with Store.open(db) as store:
        store.save_many([ann])
    return ann


def stored(db: Path, ident: str):
    with Store.open(db) as store:
        return next(a for a in store.all_annotations() if a.id == ident)


async def test_an_imported_note_is_shown_inert_in_notes_and_in_its_editor_and_kept_when_saved(
    article: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    tags = ["tag\x1b[5m", "kota, \x9bbesar"]  # a tag with a comma: Sorot's own input could not make it
    note = imported(db, article, "Kampung Melayu", "note", note=HOSTILE + "\nbaris dua", tags=tags)
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        await pilot.press("t")  # the Notes list
        await pilot.pause()
        assert "title ␛]0;pwned␇ red" in painted_text(app)
        assert_inert(app)

        view = view_of(app)
        view.move_cursor(view.text.index("Kampung"))
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        await pilot.pause()
        assert app.screen.query_one("#note").text == SHOWN + "\nbaris dua"
        assert app.screen.query_one("#tags").value == "tag␛[5m, kota, �besar"
        assert_inert(app)

        await pilot.press("ctrl+s")  # saved as it was: nothing rewritten
        await pilot.pause()
        assert status_text(app) == "note unchanged"
        assert stored(db, note.id) == note

        await pilot.press("a", *" penting", "tab", *"baru", "ctrl+s")
        await pilot.pause()
        edited = stored(db, note.id)
        # The control characters the reader did not touch are kept, and so are the tags.
        assert edited.note == HOSTILE + "\nbaris dua penting"
        assert edited.tags == (*note.tags, "baru")

        # Completing a tag used before gives that tag as stored, not its symbols.
        view.move_cursor(view.text.index("Jakarta"))
        await pilot.press("a", *"isi", "tab", *"ta", "right")
        assert app.screen.query_one("#tags").value == "tag␛[5m"
        await pilot.press("ctrl+s")
        await pilot.pause()
        with Store.open(db) as store:
            (second,) = [a for a in store.all_annotations() if a.note == "isi"]
        assert second.tags == ("tag\x1b[5m",)


async def test_labels_in_the_picker_the_status_line_and_the_palette_are_inert(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    imported(db, article, "Jakarta", "entity-add", label="LOC\x1b]0;x\x07")
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index("Jakarta"))
        await pilot.press("l")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.pause()
        assert "LOC␛]0;x␇ (now)" in painted_text(app)
        assert_inert(app)
        await pilot.press("1")
        await pilot.pause()
        assert status_text(app) == "LOC␛]0;x␇ → PERSON (u undoes)"
        assert_inert(app)
        await pilot.press("u", "ctrl+p")
        await wait_until(pilot, lambda: "Hide LOC␛]0;x␇ highlighting" in painted_text(app))
        assert_inert(app)


async def test_bookmarks_pasted_text_and_notifications_are_inert(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        await pilot.press("m", "apostrophe")
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.pause()
        assert "Judul ␛]0;judul␇ berita" in painted_text(app)
        assert_inert(app)
        await pilot.press("escape")

        await pilot.press("slash")
        app.post_message(events.Paste("cari \x1b]0;x\x07 \x9bkata"))  # as the terminal sends it
        await pilot.pause()
        assert app.screen.query_one(SearchBar).value == "cari ␛]0;x␇ �kata"
        assert_inert(app)

        # (Toasts are not drawn in tests: what a toast would show is checked instead.)
        app.notify(HOSTILE + "\nline two", title="Impor \x1b]0;x\x07", markup=False)
        await wait_until(pilot, lambda: bool(notifications(app)))
        (toast,) = notifications(app)
        assert (toast.title, toast.message) == ("Impor ␛]0;x␇", SHOWN + "\nline two")


def test_an_edited_note_keeps_the_control_characters_left_in_place() -> None:
    original = "a\x1bb c\x07d e\x9bf"
    shown = "a␛b c␇d e�f"
    assert restore_hidden(original, shown, shown) == original
    assert restore_hidden(original, shown, "X" + shown + "Y") == "X" + original + "Y"
    # Changes at both ends and in the middle: only the changed characters take what was typed.
    assert restore_hidden(original, shown, "a␛bb c d e�f!") == "a\x1bbb c d e\x9bf!"
    # A symbol the reader deleted is gone; one they typed stays a symbol.
    assert restore_hidden(original, shown, "ab c␇d ␛e�f") == "ab c\x07d ␛e\x9bf"
    # A note without control characters is saved as typed.
    assert restore_hidden("plain", "plain", "plainer") == "plainer"
