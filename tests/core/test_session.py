"""A document's annotations as a reader changes them: saved at once, undoable, found again after edits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tui.core.annotations import DocumentRef
from tui.core.entities import Entity
from tui.core.session import DocumentSession
from tui.core.store import Store, StoreError

TEXT = "Presiden Joko Widodo meresmikan bendungan di Jawa Tengah pada Senin.\n\nIa berharap panen naik."


def open_session(store: Store, text: str = TEXT, path: str = "/berita/bendungan.txt") -> DocumentSession:
    return DocumentSession.open(store, text, DocumentRef.for_text(text, path, "Bendungan"))


def test_every_change_is_saved_and_can_be_undone_and_redone(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        note = session.annotate(9, 20, "note", note="siapa?", tags=["tokoh"])
        session.edit(note.id, note="Presiden ke-7", tags=["tokoh", "politik"])
        highlight = session.annotate(32, 41, "highlight", colour="yellow")
        assert [a.id for a in store.annotations_for(session.document.sha256)] == [note.id, highlight.id]
        assert session.undo() == "highlighted “bendungan” in yellow"
        assert store.get(highlight.id) is None
        assert session.undo() == "changed note on “Joko Widodo”"
        assert store.get(note.id).note == "siapa?"
        assert session.redo() == "changed note on “Joko Widodo”"
        assert store.get(note.id).note == "Presiden ke-7" and store.get(note.id).tags == ("tokoh", "politik")
        session.delete(note.id)
        assert store.get(note.id) is None and session.annotations == []
        session.undo()
        assert store.get(note.id).note == "Presiden ke-7"
        assert set(session.tags()) == {"tokoh", "politik"}  # for completing tags
        assert session.can_redo and session.redo() == "deleted note on “Joko Widodo”" and store.get(note.id) is None


def test_a_new_change_after_undo_drops_the_redo_history(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        session.annotate(9, 20, "highlight")
        session.undo()
        session.annotate(45, 56, "highlight")
        assert session.redo() is None and session.undo() == "highlighted “Jawa Tengah”" and session.undo() is None


def test_entity_corrections_change_the_entities_shown() -> None:
    store = Store.memory()
    session = open_session(store)
    model = [
        Entity(9, 20, "ORG", "Joko Widodo"),
        Entity(45, 56, "LOC", "Jawa Tengah"),
        Entity(62, 67, "PERSON", "Senin"),
    ]
    session.annotate(9, 20, "entity-relabel", label="PERSON")
    session.annotate(62, 67, "entity-reject", label="PERSON")
    session.annotate(32, 41, "entity-add", label="FAC")
    assert [(e.text, e.label) for e in session.corrected(model)] == [
        ("Joko Widodo", "PERSON"),
        ("bendungan", "FAC"),
        ("Jawa Tengah", "LOC"),
    ]
    session.undo()
    assert ("bendungan", "FAC") not in [(e.text, e.label) for e in session.corrected(model)]


def test_rejecting_an_entity_the_reader_added_takes_the_addition_back(tmp_path: Path) -> None:
    model = [Entity(9, 20, "PERSON", "Joko Widodo"), Entity(50, 56, "LOC", "Tengah")]
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        before = store.all_annotations()
        added = session.annotate(45, 56, "entity-add", label="LOC")  # "Jawa Tengah" over the model's "Tengah"
        session.annotate(45, 56, "entity-relabel", label="GPE")
        assert ("Jawa Tengah", "GPE") in [(e.text, e.label) for e in session.corrected(model)]
        assert session.reject_entity(45, 56, "GPE") is None
        # Nothing stacks up: the store and the entities are as if the entity had never been added.
        assert store.all_annotations() == before and session.annotations == []
        assert session.corrected(model) == model
        assert session.undo() == "removed entity “Jawa Tengah” (GPE)"  # one step brings both back
        assert {a.kind for a in store.all_annotations()} == {"entity-add", "entity-relabel"}
        assert ("Jawa Tengah", "GPE") in [(e.text, e.label) for e in session.corrected(model)]
        assert session.redo() == "removed entity “Jawa Tengah” (GPE)"
        assert store.all_annotations() == [] and session.corrected(model) == model
        session.undo()
        assert replace(store.get(added.id), updated=added.updated) == added  # put back: a change, stamped now
        # A pipeline's entity is still rejected with a record of its own.
        rejection = session.reject_entity(9, 20, "PERSON")
        assert rejection is not None and rejection.kind == "entity-reject"
        assert session.undo() == "rejected entity “Joko Widodo” (PERSON)"


def test_rejecting_an_entity_added_over_a_pipeline_entity_leaves_no_entity(tmp_path: Path) -> None:
    model = [Entity(45, 56, "LOC", "Jawa Tengah")]
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        session.annotate(45, 56, "entity-add", label="ORG")
        assert [(e.text, e.label) for e in session.corrected(model)] == [("Jawa Tengah", "ORG")]
        rejection = session.reject_entity(45, 56, "ORG", model_label="LOC")
        # Taking the addition back would show the pipeline's LOC again: the span is rejected instead.
        assert rejection is not None and rejection.kind == "entity-reject"
        assert session.corrected(model) == []
        session.undo()
        assert [(e.text, e.label) for e in session.corrected(model)] == [("Jawa Tengah", "ORG")]


def test_a_failing_store_leaves_a_rejected_addition_whole() -> None:
    store = Store.memory()
    session = open_session(store)
    session.annotate(45, 56, "entity-add", label="LOC")
    session.annotate(45, 56, "entity-relabel", label="GPE")
    real_delete, calls = store.delete, []

    def delete_once(annotation_id: str):
        calls.append(annotation_id)
        if len(calls) > 1:
            raise OSError("disk full")
        return real_delete(annotation_id)

    store.delete = delete_once
    try:
        session.reject_entity(45, 56, "GPE")
    except OSError:
        pass
    else:
        raise AssertionError("the store's failure was swallowed")
    store.delete = real_delete
    assert {a.kind for a in store.all_annotations()} == {"entity-add", "entity-relabel"}
    assert {a.kind for a in session.annotations} == {"entity-add", "entity-relabel"}
    assert session.undo() == "relabelled “Jawa Tengah” as GPE"  # the failed change left no step


def test_undo_descriptions_say_what_changed_in_plain_words() -> None:
    session = open_session(Store.memory())
    note = session.annotate(0, len(TEXT), "note", note="semua")
    assert session.undo() == "added note on “Presiden Joko Widodo meresmikan…”"
    session.redo()
    session.delete(note.id)
    session.annotate(45, 56, "entity-add", label="LOC")
    session.bookmark(70, "Ia berharap")
    assert session.undo() == "added bookmark “Ia berharap”"
    assert session.undo() == "added entity “Jawa Tengah” (LOC)"
    assert session.undo().startswith("deleted note on “Presiden")


def test_reopening_an_edited_article_finds_notes_moved_and_orphaned(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        kept = session.annotate(32, 56, "note", note="bendungan mana?")
        lost = session.annotate(82, 93, "highlight")  # "panen naik."
    edited = "JAKARTA - " + TEXT.replace("Ia berharap panen naik.", "Ia tidak berkomentar.")
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store, edited)
        by_id = {a.id: a for a in session.annotations}
        assert by_id[kept.id].status == "moved"
        assert edited[by_id[kept.id].start : by_id[kept.id].end] == "bendungan di Jawa Tengah"
        assert by_id[lost.id].status == "orphaned" and session.orphans() == [by_id[lost.id]]
        assert (session.moved, session.orphaned) == (1, 1)
        # The orphan is re-attached by hand to the passage the reader picks.
        start = edited.index("tidak berkomentar")
        session.edit(lost.id, start=start, end=start + len("tidak berkomentar"))
    with Store.open(tmp_path / "db.json") as store:
        again = open_session(store, edited)
        assert {a.status for a in again.annotations} == {"ok"}  # both saved at their new places
        assert [edited[a.start : a.end] for a in again.placed()] == ["bendungan di Jawa Tengah", "tidak berkomentar"]


def test_reading_position_and_bookmarks_are_kept_per_document(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        assert session.position() is None
        session.save_position(45)
        mark = session.bookmark(70, "Ia berharap")
        assert session.bookmark(70) == mark and len(session.bookmarks) == 1
        session.undo()
        assert session.bookmarks == []
        session.redo()
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        assert session.position() == 45
        assert [b.offset for b in session.bookmarks] == [70]


def test_bookmarks_follow_an_edited_file_by_the_words_they_were_set_at(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        mark = session.bookmark(TEXT.index("Ia berharap"), "Ia berharap panen naik.")
    edited = "JAKARTA - " + TEXT
    with Store.open(tmp_path / "db.json") as store:
        (moved,) = open_session(store, edited).bookmarks
        assert moved.id == mark.id and moved.offset == edited.index("Ia berharap")


# --- copies: one text at several paths ------------------------------------------------------------


def test_a_copy_shows_the_annotations_and_never_takes_them_from_the_original(tmp_path: Path) -> None:
    original, copy = "/berita/bendungan.txt", "/salinan/bendungan.txt"
    with Store.open(tmp_path / "db.json") as store:
        note = open_session(store, TEXT, original).annotate(9, 20, "note", note="siapa?")
        unedited = open_session(store, TEXT, copy)
        assert [(a.id, a.start, a.status) for a in unedited.placed()] == [(note.id, 9, "ok")]
        assert store.get(note.id).document.path == original  # opening the copy took nothing

        edited = "Pembaruan: bendungan diresmikan.\n\n" + TEXT
        in_copy = open_session(store, edited, copy)
        (moved,) = in_copy.placed()
        assert moved.status == "moved" and edited[moved.start : moved.end] == "Joko Widodo"
        assert store.get(note.id) == note  # still on the original's text, where it was made

        (kept,) = open_session(store, TEXT, original).placed()
        assert (kept.id, kept.start, kept.status) == (note.id, 9, "ok")

        # A note edited in the edited copy: the note changes everywhere, the anchor stays on its text.
        in_copy.edit(note.id, note="Presiden ke-7")
        assert store.get(note.id).note == "Presiden ke-7" and store.get(note.id).document == note.document
        (shown,) = in_copy.placed()
        assert shown.note == "Presiden ke-7" and edited[shown.start : shown.end] == "Joko Widodo"
        (back,) = open_session(store, TEXT, original).placed()
        assert back.note == "Presiden ke-7" and back.start == 9


def test_a_file_edited_in_place_takes_its_annotations_along(tmp_path: Path) -> None:
    """No copy keeps the old text: the annotations move to the new one and are saved there."""
    with Store.open(tmp_path / "db.json") as store:
        note = open_session(store).annotate(9, 20, "note", note="siapa?")
        edited = "Pembaruan.\n\n" + TEXT
        open_session(store, edited)
        saved = store.get(note.id)
        assert saved.document.sha256 == DocumentRef.for_text(edited).sha256 and saved.status == "moved"
        assert edited[saved.start : saved.end] == "Joko Widodo"


# --- two readers on one database --------------------------------------------------------------------


def test_two_readers_keep_each_others_edits_and_deletions(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as mine, Store.open(tmp_path / "db.json") as theirs:
        here = open_session(mine)
        who = here.annotate(9, 20, "note", note="siapa?")
        dam = here.annotate(32, 41, "highlight", colour="yellow")
        there = open_session(theirs)
        there.edit(who.id, note="Presiden ke-7")  # the other reader rewrites the note...
        here.edit(who.id, tags=["tokoh"])  # ...while this one, not knowing, tags it
        assert (mine.get(who.id).note, mine.get(who.id).tags) == ("Presiden ke-7", ("tokoh",))

        there.delete(dam.id)  # the other reader deletes the highlight...
        with pytest.raises(StoreError, match="deleted"):
            here.edit(dam.id, colour="green")  # ...so changing it here cannot bring it back
        assert mine.get(dam.id) is None and dam.id not in [a.id for a in here.annotations]

        here.undo()  # the tags: only this reader's own change is taken back
        assert (mine.get(who.id).note, mine.get(who.id).tags) == ("Presiden ke-7", ())


def test_a_sync_parses_only_the_records_another_process_changed(tmp_path: Path, monkeypatch) -> None:
    """The whole file is read again after another process saves; its 20,000 unchanged annotations
    were parsed again too, on the reader's UI thread (0.7 s)."""
    from tui.core import annotations as annotations_module

    with Store.open(tmp_path / "db.json") as mine, Store.open(tmp_path / "db.json") as theirs:
        there = open_session(theirs)
        for start in range(0, 60, 3):
            there.annotate(start, start + 2, "highlight")
        here = open_session(mine)  # the reader opens the document with its annotations
        edited = there.edit(here.annotations[4].id, colour="green")
        added = there.annotate(45, 56, "note", note="baru")
        parsed: list[str] = []
        real = annotations_module.Annotation.from_dict.__func__

        def counting(cls, data):
            parsed.append(data["id"])
            return real(cls, data)

        monkeypatch.setattr(annotations_module.Annotation, "from_dict", classmethod(counting))
        assert here.sync() is True
        assert sorted(parsed) == sorted([edited.id, added.id])
        assert {a.id: a for a in here.annotations} == {a.id: a for a in theirs.annotations_for(here.document.sha256)}


def test_a_session_picks_up_what_other_processes_added_changed_and_deleted(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as mine, Store.open(tmp_path / "db.json") as theirs:
        here = open_session(mine)
        kept = here.annotate(9, 20, "note", note="siapa?")
        gone = here.annotate(32, 41, "highlight")
        assert here.sync() is False  # nothing changed elsewhere
        there = open_session(theirs)
        added = there.annotate(45, 56, "highlight", colour="green")
        there.edit(kept.id, note="Presiden ke-7")
        there.delete(gone.id)
        mark = there.bookmark(70, "Ia berharap")
        assert here.sync() is True
        assert [(a.id, a.note) for a in here.annotations] == [(kept.id, "Presiden ke-7"), (added.id, "")]
        assert here.bookmarks == [mark]
        here.undo()  # this reader's last change (the highlight) is still its own to undo
        assert mine.get(gone.id) is None


def test_the_corrections_in_place_and_the_spans_drawn_as_the_readers_own(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        session.annotate(9, 20, "highlight")
        add = session.annotate(45, 56, "entity-add", label="LOC")
        session.annotate(62, 67, "entity-relabel", label="DATE")
        session.reject_entity(0, 8, "PERSON", model_label="PERSON")
        assert session.corrections() == [
            (0, 8, "entity-reject", "PERSON"),
            (45, 56, "entity-add", "LOC"),
            (62, 67, "entity-relabel", "DATE"),
        ]
        assert session.corrected_spans() == {(45, 56), (62, 67)}  # a rejection is not drawn at all
        assert session.entity_labels() == {"PERSON", "LOC", "DATE"}
        session.delete(add.id)
        assert (45, 56) not in session.corrected_spans()


def test_a_bookmark_is_named_by_the_rest_of_its_line(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        mark = session.bookmark(9)
        assert mark.label == "Joko Widodo meresmikan bendungan di Jawa Tengah pada Senin."
        assert session.bookmark(TEXT.index("Ia"), "panen").label == "panen"
        last = session.bookmark(len(TEXT) - 5)
        assert last.label == "naik."


def test_the_same_file_from_another_directory_is_the_same_document(tmp_path: Path, monkeypatch) -> None:
    from tui.core.document import load_article
    from tui.core.session import document_of

    path = tmp_path / "berita.txt"
    path.write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    here = document_of(load_article(Path("berita.txt")))
    elsewhere = document_of(load_article(path))
    assert here == elsewhere and here.path == str(path.resolve()) and here.sha256 == load_article(path).sha256
