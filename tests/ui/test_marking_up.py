"""A reader's story with annotations: select, highlight, note, tag, correct entities, undo,
quit, come back and find everything where it was, also after the article was edited."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import notifications, panel_text, reader, status_text, view_of, wait_until
from tui.core.store import Store
from tui.ui.screens.annotate import BookmarksScreen, ChoiceScreen, NoteScreen
from tui.ui.widgets.notes_panel import NotesPanel

WIDE = (140, 40)


def stored(db: Path) -> list:
    with Store.open(db) as store:
        return store.all_annotations()


async def select_words(pilot, text: str, words: int) -> None:
    """Put the cursor on ``text`` and select ``words`` words from there with v and w."""
    view = view_of(pilot.app)
    view.move_cursor(view.text.index(text))
    await pilot.press("v", *["w"] * words)


async def test_a_note_with_tags_is_saved_listed_and_back_after_a_restart(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        await select_words(pilot, "Kremlin mengkonfirmasi", 2)
        assert view_of(app).selection == (view_of(app).text.index("Kremlin"), view_of(app).text.index(" adanya"))
        assert status_text(app).startswith("selected 22 characters")
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"Dikonfirmasi [bold]resmi[/]", "tab", *"politik, rus")
        await pilot.press("ctrl+s")
        await pilot.pause()
        (note,) = stored(db)
        assert (note.kind, note.quote.exact, note.note) == (
            "note",
            "Kremlin mengkonfirmasi",
            "Dikonfirmasi [bold]resmi[/]",
        )
        assert note.tags == ("politik", "rus")
        assert view_of(app).selection is None and view_of(app).annotations == [note]
        await pilot.press("t", "tab")  # t shows the Notes tab, tab moves the focus there
        notes = app.screen.query_one(NotesPanel)
        assert notes.has_focus and "Dikonfirmasi [bold]resmi[/]" in panel_text(notes)
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        assert [a.id for a in view_of(app).annotations] == [note.id]
        # The tag typed before completes the next note's tags.
        await select_words(pilot, "Pyongyang", 1)
        await pilot.press("a", "tab", *"pol", "right")
        assert app.screen.query_one("#tags").value == "politik"


async def test_editing_a_note_adds_to_its_end_and_a_tag_after_its_tags(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        await select_words(pilot, "Kremlin", 1)
        await pilot.press("a", *"Dikonfirmasi", "tab", *"politik", "ctrl+s")
        await pilot.pause()
        view_of(app).move_cursor(view_of(app).text.index("Kremlin"))
        await pilot.press("a")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*" resmi", "tab")
        tags = app.screen.query_one("#tags")
        assert (tags.value, tags.cursor_position) == ("politik, ", len("politik, "))
        await pilot.press("shift+tab")  # left without a new tag: the separator goes again
        assert tags.value == "politik"
        await pilot.press("tab", *"rus", "ctrl+s")
        await pilot.pause()
        (note,) = stored(db)
        assert (note.note, note.tags) == ("Dikonfirmasi resmi", ("politik", "rus"))


async def test_highlight_undo_and_redo(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        await select_words(pilot, "Korea Selatan dan", 2)
        await pilot.press("h")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("2")
        await pilot.pause()
        (highlight,) = stored(db)
        assert (highlight.kind, highlight.colour, highlight.quote.exact) == ("highlight", "green", "Korea Selatan")
        await pilot.press("u")
        assert stored(db) == [] and view_of(app).annotations == []
        assert status_text(app) == "Undone: highlighted “Korea Selatan” in green"
        await pilot.press("ctrl+r")
        assert status_text(app) == "Redone: highlighted “Korea Selatan” in green"
        await pilot.press("u")
        await pilot.press("ctrl+r")
        assert [a.id for a in stored(db)] == [highlight.id]
        await pilot.press("u", "u")
        assert status_text(app) == "nothing to undo"


async def test_highlighting_a_highlighted_passage_again_changes_its_colour(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        await select_words(pilot, "Korea Selatan dan", 2)
        await pilot.press("h", "2")
        await pilot.pause()
        await select_words(pilot, "Korea Selatan dan", 2)
        await pilot.press("h", "3")
        await pilot.pause()
        (highlight,) = stored(db)
        assert (highlight.colour, highlight.quote.exact) == ("blue", "Korea Selatan")
        assert status_text(app) == "highlight now blue (u undoes)"
        await pilot.press("u")
        assert [a.colour for a in stored(db)] == ["green"]


async def test_entity_corrections_change_the_highlights_and_the_facts(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.facts is not None)
        view = view_of(app)
        text = view.text
        kremlin = text.index("Kremlin")
        view.move_cursor(kremlin)
        await pilot.press("l", "2")  # the pipeline says PERSON; the reader says ORG
        await pilot.pause()
        entity = next(e for e in view.entities if e.start == kremlin)
        assert entity.label == "ORG" and (kremlin, kremlin + 7) in view.corrected
        momentum = text.index("Momentum")
        view.move_cursor(momentum)
        await pilot.press("x")
        await pilot.pause()
        assert not any(e.start == momentum for e in view.entities)
        await wait_until(pilot, lambda: not any(f.text == "Momentum" for f in app.screen.facts.entities))
        assert next(f for f in app.screen.facts.entities if f.text == "Kremlin").label == "ORG"
        await select_words(pilot, "Universitas Studi Korea Utara", 1)
        await pilot.press("e", "3")
        await pilot.pause()
        assert any(e.text == "Universitas" and e.label == "LOC" for e in view.entities)
        kinds = sorted(a.kind for a in stored(db))
        assert kinds == ["entity-add", "entity-reject", "entity-relabel"]
        await pilot.press("u")  # the added entity goes again
        assert not any(e.text == "Universitas" for e in view.entities)


async def test_the_reading_position_and_bookmarks_come_back(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index("Pyongyang dilaporkan"))
        await pilot.press("m")
        assert status_text(app).startswith("bookmark 1 set")
        view.move_cursor(view.text.index("Yang Moo Jin berpendapat"))
        place = view.cursor
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        await wait_until(pilot, lambda: view.cursor == place)
        await pilot.press("apostrophe")
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("enter")
        assert view.cursor == view.text.index("Pyongyang dilaporkan")


async def test_notes_follow_an_edited_article_and_orphans_can_be_reattached(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        await select_words(pilot, "Kremlin mengkonfirmasi", 2)
        await pilot.press("h", "1")
        await select_words(pilot, "Momentum", 1)
        await pilot.press("h", "3")
        await pilot.pause()
    text = article.read_text(encoding="utf-8")
    edited = "Catatan redaksi: artikel ini diperbarui.\n\n" + text.replace("Momentum", "Situasi")
    article.write_text(edited, encoding="utf-8")
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        moved = next(a for a in view.annotations if a.quote.exact == "Kremlin mengkonfirmasi")
        assert moved.status == "moved" and edited[moved.start : moved.end] == "Kremlin mengkonfirmasi"
        session = app.screen.session
        (orphan,) = session.orphans()
        assert orphan.quote.exact == "Momentum" and orphan not in view.annotations
        await pilot.press("t")
        notes = app.screen.query_one(NotesPanel)
        assert "not found in this text" in panel_text(notes).split("highlight")[2]  # the second: the orphan
        await pilot.press("escape")
        await select_words(pilot, "Situasi", 1)
        await pilot.press("tab")  # to the panel's open tab: Notes
        assert notes.has_focus
        notes.highlighted = notes.ids.index(orphan.id)  # orphans are listed last
        await pilot.press("r")
        await pilot.pause()
        fixed = next(a for a in session.annotations if a.id == orphan.id)
        assert fixed.status == "ok" and edited[fixed.start : fixed.end] == "Situasi"
        assert fixed in view.annotations
    assert {a.status for a in stored(db)} == {"moved", "ok"}


async def test_a_mouse_drag_selects(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        await pilot.mouse_down(view, offset=(view.margin + 2, 0))
        await pilot.hover(view, offset=(view.margin + 12, 0))
        await pilot.mouse_up(view, offset=(view.margin + 12, 0))
        assert view.selection is not None and view.selection[1] - view.selection[0] == 11


async def test_a_corrupt_database_is_kept_aside_and_the_app_still_opens(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    db.write_text("{ this is not json", encoding="utf-8")
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        (message,) = [n.message for n in notifications(app)]
        assert message.startswith("db.json is not valid JSON (") and "kept it as db.json.corrupt-" in message
        assert message.endswith("and started a new database")
        await select_words(pilot, "Kremlin", 1)
        await pilot.press("h", "1")
        await pilot.pause()
    assert len(stored(db)) == 1
    (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith("db.json.corrupt")]
    assert aside.read_text(encoding="utf-8") == "{ this is not json"


async def test_an_unwritable_database_still_lets_the_reader_read(article: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    async with reader(article, size=WIDE, db=blocker / "db.json") as (app, pilot):
        assert any("will not be saved" in n.message for n in notifications(app))
        await select_words(pilot, "Kremlin", 1)
        await pilot.press("h", "1")
        await pilot.pause()
        assert len(view_of(app).annotations) == 1  # kept for the session


async def test_export_from_the_app_writes_the_file_and_says_where(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from tui.ui.screens.export import ExportScreen

    monkeypatch.chdir(tmp_path)
    async with reader(article, size=WIDE, db=tmp_path / "db.json") as (app, pilot):
        await select_words(pilot, "Kremlin mengkonfirmasi", 2)
        await pilot.press("a", *"catatan", "ctrl+s")
        await pilot.press("E")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any(n.title == "Exported" for n in notifications(app)))
        (message,) = [n.message for n in notifications(app) if n.title == "Exported"]
    (written,) = [p for p in tmp_path.iterdir() if p.suffix in (".jsonld", ".json") and p.name != "db.json"]
    assert str(written.name) in message and "1 annotation" in message
    data = json.loads(written.read_text(encoding="utf-8"))
    assert "http://www.w3.org/ns/anno.jsonld" in json.dumps(data["@context"])


@pytest.mark.parametrize("scope", ["document", "all"])
async def test_a_reader_whose_database_cannot_be_opened_still_exports_what_it_annotated(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scope: str
) -> None:
    """The annotations live in memory for the session (nothing can be saved): export takes them
    from there, in either scope."""
    import json

    from textual.widgets import RadioButton

    from tui.ui.screens.export import ExportScreen

    monkeypatch.chdir(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    async with reader(article, size=WIDE, db=blocker / "db.json") as (app, pilot):
        assert app.not_saved and app.store.path is None  # the in-memory fallback
        await select_words(pilot, "Kremlin mengkonfirmasi", 2)
        await pilot.press("a", *"catatan", "ctrl+s")
        await pilot.press("E")
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one(f"#scope-{scope}", RadioButton).value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any(n.title == "Exported" or n.severity == "error" for n in app._notifications))
        assert not [n.message for n in app._notifications if n.severity == "error"]
    (written,) = tmp_path.glob("*.jsonld")
    (item,) = json.loads(written.read_text(encoding="utf-8"))["first"]["items"]
    assert item["body"][0]["value"] == "catatan"
    assert item["target"]["selector"][0]["exact"] == "Kremlin mengkonfirmasi"


async def test_the_restored_place_is_on_screen(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    article.write_text("\n\n".join([article.read_text(encoding="utf-8")] * 4), encoding="utf-8")
    async with reader(article, size=(100, 24), db=db) as (app, pilot):
        await pilot.press("G", "k", "k")
        place = view_of(app).cursor
    async with reader(article, size=(100, 24), db=db) as (app, pilot):
        view = view_of(app)
        await wait_until(pilot, lambda: view.cursor == place)
        row = view.wrapped.row_of(view.cursor)
        assert view.scroll_offset.y <= row < view.scroll_offset.y + view.size.height


async def test_an_action_message_survives_the_end_of_the_selection(article: Path) -> None:
    async with reader(article, size=WIDE) as (app, pilot):
        await select_words(pilot, "Kremlin", 1)
        await pilot.press("h", "5")
        await pilot.pause()
        assert status_text(app) == "highlighted in orange (u undoes)"
        await pilot.press("m", "m")
        assert status_text(app).startswith("already bookmarked here")


async def test_the_label_picker_offers_every_label_digits_for_nine_and_typing_for_the_rest(article: Path) -> None:
    from tui.core.entities import PIPELINE_LABELS

    async with reader(article, size=WIDE) as (app, pilot):
        view = view_of(app)
        kremlin = view.text.index("Kremlin")
        view.move_cursor(kremlin)
        await pilot.press("l")
        picker = app.screen
        assert isinstance(picker, ChoiceScreen)
        assert [value for value, _ in picker.choices] == list(PIPELINE_LABELS)  # ORDINAL too
        await pilot.press(*"ord", "enter")  # past the ninth: found by typing its name
        await pilot.pause()
        assert next(e for e in view.entities if e.start == kremlin).label == "ORDINAL"
        view.move_cursor(kremlin)
        await pilot.press("l", "2")  # the first nine keep their digits
        await pilot.pause()
        assert next(e for e in view.entities if e.start == kremlin).label == "ORG"
        await pilot.press("l", "end", "enter")  # and the list scrolls to the last
        await pilot.pause()
        assert next(e for e in view.entities if e.start == kremlin).label == PIPELINE_LABELS[-1]


async def test_the_label_picker_offers_the_labels_another_pipeline_found(tmp_path: Path, english_model: Path) -> None:
    path = tmp_path / "en.txt"
    path.write_text("Ada Lovelace wrote to Babbage from London.\n", encoding="utf-8")
    async with reader(path, model=str(english_model)) as (app, pilot):
        view = view_of(app)
        view.move_cursor(view.text.index("Babbage"))
        await pilot.press("l")
        choices = [value for value, _ in app.screen.choices]
        assert "GPE" in choices and choices.index("GPE") > choices.index("ORDINAL")
        await pilot.press(*"gp", "enter")
        await pilot.pause()
        assert next(e for e in view.entities if e.text == "Babbage").label == "GPE"


async def test_rejecting_an_entity_the_reader_added_takes_the_addition_back(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        view = view_of(app)
        before = list(view.entities)
        await select_words(pilot, "menjelang pertemuan", 2)
        await pilot.press("e", "3")
        await pilot.pause()
        start = view.text.index("menjelang pertemuan")
        assert any(e.start == start and e.label == "LOC" for e in view.entities)
        await pilot.press("l", "1")  # relabelled too: PERSON, in the addition itself
        await pilot.pause()
        assert [(a.kind, a.label) for a in stored(db)] == [("entity-add", "PERSON")]
        view.move_cursor(start + 2)
        await pilot.press("x")
        await pilot.pause()
        assert stored(db) == [] and view.entities == before  # as if it had never been added
        await pilot.press("u")
        await pilot.pause()
        assert status_text(app) == "Undone: removed entity “menjelang pertemuan” (PERSON)"
        assert [(a.kind, a.label) for a in stored(db)] == [("entity-add", "PERSON")]
        await pilot.press("u")
        assert status_text(app) == "Undone: relabelled “menjelang pertemuan” as PERSON"
        assert [(a.kind, a.label) for a in stored(db)] == [("entity-add", "LOC")]
        await pilot.press("u")
        assert status_text(app) == "Undone: added entity “menjelang pertemuan” (LOC)"
        assert stored(db) == []


async def test_undo_messages_quote_the_article_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Banjir di [bold]Kali[/bold] Krukut\x1b[31m kemarin.\n", encoding="utf-8")
    async with reader(path, size=WIDE) as (app, pilot):
        view = view_of(app)
        view.move_cursor(0)
        await pilot.press("v", *["right"] * (view.text.index(" kemarin")))
        await pilot.press("e", "3", "u")
        await pilot.pause()
        message = app.screen.query_one("#status-message").render()
        assert str(message) == "Undone: added entity “Banjir di [bold]Kali[/bold] Krukut␛[31m” (LOC)"
        assert "\x1b" not in str(message)


async def test_escape_in_a_changed_note_asks_before_discarding_it(article: Path, tmp_path: Path) -> None:
    from tui.ui.screens.annotate import ConfirmScreen

    db = tmp_path / "db.json"
    async with reader(article, size=WIDE, db=db) as (app, pilot):
        await select_words(pilot, "Kremlin", 1)
        await pilot.press("a", "escape")  # nothing typed: closes at once
        assert not isinstance(app.screen, (NoteScreen, ConfirmScreen))
        await select_words(pilot, "Kremlin", 1)
        await pilot.press("a", *"catatan panjang", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused, safe answer: keep editing
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one("#note").text == "catatan panjang"
        await pilot.press("escape", "n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("escape", "y", "a")  # no letter discards: words typed on after esc are safe
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen.query_one("#note").text == "catatan panjang"
        await pilot.press("escape", "left", "right", "enter")  # ← → go between the buttons: back on Keep
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("escape", "left", "enter")  # the Discard button
        assert not isinstance(app.screen, (NoteScreen, ConfirmScreen))
        assert stored(db) == []
        # Editing a saved note: changing only its tags counts too, and an unchanged one closes at once.
        await select_words(pilot, "Kremlin", 1)
        await pilot.press("a", *"isi", "tab", *"politik", "ctrl+s")
        await pilot.pause()
        view_of(app).move_cursor(view_of(app).text.index("Kremlin"))
        await pilot.press("a", "escape")
        assert not isinstance(app.screen, (NoteScreen, ConfirmScreen))
        await pilot.press("a", "tab", *", rusia", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")
        assert not isinstance(app.screen, (NoteScreen, ConfirmScreen))
        (note,) = stored(db)
        assert (note.note, note.tags) == ("isi", ("politik",))
