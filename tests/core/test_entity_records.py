"""One record per entity: relabelling and rejecting change the reader's record of an entity in
place instead of stacking new ones, show the same entities as stacking did, and undo step by step."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui.core.annotations import DocumentRef, make_annotation
from tui.core.corrections import corrected_entities
from tui.core.entities import Entity
from tui.core.session import DocumentSession
from tui.core.store import Store

TEXT = "Presiden Joko Widodo meresmikan bendungan di Jawa Tengah pada Senin.\n\nIa berharap panen naik."
DOC = DocumentRef.for_text(TEXT, "/berita/bendungan.txt", "Bendungan")
JOKO, BENDUNGAN, JATENG, SENIN = (9, 20), (32, 41), (45, 56), (62, 67)
MODEL = [Entity(*JOKO, "PERSON", "Joko Widodo"), Entity(*JATENG, "LOC", "Jawa Tengah")]


def open_session(store: Store) -> DocumentSession:
    return DocumentSession.open(store, TEXT, DOC)


def shown(session: DocumentSession) -> list[tuple[str, str]]:
    return [(e.text, e.label) for e in session.corrected(MODEL)]


def records(store: Store) -> list[tuple[tuple[int, int], str, str]]:
    return sorted(((a.start, a.end), a.kind, a.label) for a in store.all_annotations())


def test_relabelling_a_pipeline_entity_twice_keeps_one_record(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        first = session.relabel_entity(*JOKO, "ORG", model_label="PERSON")
        assert first is not None and first.kind == "entity-relabel"
        second = session.relabel_entity(*JOKO, "LOC", model_label="PERSON")
        assert second is not None and second.id == first.id and second.updated > first.updated
        assert records(store) == [(JOKO, "entity-relabel", "LOC")]
        assert ("Joko Widodo", "LOC") in shown(session)
        assert session.undo() == "relabelled “Joko Widodo” as LOC"
        assert records(store) == [(JOKO, "entity-relabel", "ORG")] and ("Joko Widodo", "ORG") in shown(session)
        assert session.redo() == "relabelled “Joko Widodo” as LOC"
        assert records(store) == [(JOKO, "entity-relabel", "LOC")]


def test_relabelling_back_to_the_pipelines_label_removes_the_record(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        session.relabel_entity(*JOKO, "ORG", model_label="PERSON")
        assert session.relabel_entity(*JOKO, "PERSON", model_label="PERSON") is None
        assert records(store) == [] and shown(session) == [(e.text, e.label) for e in MODEL]
        assert session.undo() == "relabelled “Joko Widodo” as PERSON"
        assert records(store) == [(JOKO, "entity-relabel", "ORG")]
        session.redo()
        assert records(store) == []


def test_relabelling_an_added_entity_changes_its_addition(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        added = session.annotate(*BENDUNGAN, "entity-add", label="FAC")
        again = session.relabel_entity(*BENDUNGAN, "LOC")
        assert again is not None and again.id == added.id
        assert records(store) == [(BENDUNGAN, "entity-add", "LOC")] and ("bendungan", "LOC") in shown(session)
        session.undo()
        assert records(store) == [(BENDUNGAN, "entity-add", "FAC")]


def test_rejecting_a_relabelled_pipeline_entity_leaves_one_rejection(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        session = open_session(store)
        session.relabel_entity(*JATENG, "GPE", model_label="LOC")
        rejection = session.reject_entity(*JATENG, "GPE", model_label="LOC")
        assert rejection is not None
        # The rejection names the pipeline's label, the one it removes once the relabelling is gone.
        assert records(store) == [(JATENG, "entity-reject", "LOC")]
        assert shown(session) == [("Joko Widodo", "PERSON")]
        assert session.undo() == "rejected entity “Jawa Tengah” (GPE)"
        assert records(store) == [(JATENG, "entity-relabel", "GPE")] and ("Jawa Tengah", "GPE") in shown(session)
        session.redo()
        assert records(store) == [(JATENG, "entity-reject", "LOC")] and shown(session) == [("Joko Widodo", "PERSON")]


def test_an_old_database_with_stacked_records_shows_the_same_and_collapses_when_edited(tmp_path: Path) -> None:
    """Records stacked by earlier versions (an addition relabelled twice) still read as before;
    the next relabelling leaves one record, and undo brings the stack back."""
    stacked = [
        make_annotation(TEXT, *BENDUNGAN, "entity-add", document=DOC, label="FAC"),
        make_annotation(TEXT, *BENDUNGAN, "entity-relabel", document=DOC, label="LOC"),
        make_annotation(TEXT, *BENDUNGAN, "entity-relabel", document=DOC, label="ORG"),
        make_annotation(TEXT, *JOKO, "entity-relabel", document=DOC, label="ORG"),
        make_annotation(TEXT, *JOKO, "entity-relabel", document=DOC, label="LOC"),
    ]
    stacked = [a.edited(updated=f"2025-01-01T00:00:0{i}.000Z") for i, a in enumerate(stacked)]
    with Store.open(tmp_path / "db.json") as store:
        store.save_many(stacked)
        session = open_session(store)
        assert shown(session) == [("Joko Widodo", "LOC"), ("bendungan", "ORG"), ("Jawa Tengah", "LOC")]
        session.relabel_entity(*BENDUNGAN, "DATE")
        session.relabel_entity(*JOKO, "PERSON", model_label="PERSON")
        assert records(store) == [(BENDUNGAN, "entity-add", "DATE")]
        assert shown(session) == [("Joko Widodo", "PERSON"), ("bendungan", "DATE"), ("Jawa Tengah", "LOC")]
        session.undo()
        session.undo()
        assert sorted(records(store)) == sorted(((a.start, a.end), a.kind, a.label) for a in stacked)
        assert shown(session) == [("Joko Widodo", "LOC"), ("bendungan", "ORG"), ("Jawa Tengah", "LOC")]
        assert session.reject_entity(*BENDUNGAN, "ORG") is None  # the addition and its relabellings go
        assert all(span != BENDUNGAN for span, *_ in records(store))


def _stacking(session: DocumentSession, op: str, span: tuple[int, int], label: str, shown_label: str) -> None:
    """What the reader did before: a new record for each relabelling, a rejection record unless
    the entity was the reader's own addition."""
    model_label = next((e.label for e in MODEL if (e.start, e.end) == span), None)
    if op == "relabel":
        session.annotate(*span, "entity-relabel", label=label)
    elif op == "add":
        session.annotate(*span, "entity-add", label=label)
    else:
        added = [a for a in session.placed() if a.kind == "entity-add" and (a.start, a.end) == span]
        if added and model_label is None:
            session.reject_entity(*span, shown_label)
        else:
            session.annotate(*span, "entity-reject", label=shown_label)


@pytest.fixture
def ticking_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every change a millisecond after the one before: stacked records made within one
    millisecond would otherwise apply in the order of their random ids."""
    moments = (datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=i) for i in range(10**9))

    def now_iso() -> str:
        return next(moments).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    monkeypatch.setattr("tui.core.annotations.now_iso", now_iso)
    monkeypatch.setattr("tui.core.store.api.now_iso", now_iso)


@pytest.mark.usefixtures("ticking_clock")
def test_any_run_of_corrections_shows_what_stacking_records_showed() -> None:
    """Random runs of adding, relabelling and rejecting, done in place and done by stacking
    records as before: the same entities after each step and after each undo, and never more
    than one record of the reader's on a span (a rejection of the pipeline's entity included)."""
    rng = random.Random(17)
    spans = [JOKO, BENDUNGAN, JATENG, SENIN]
    labels = ["PERSON", "ORG", "LOC", "GPE", "DATE"]
    for _ in range(40):
        in_place, stacked = open_session(Store.memory()), open_session(Store.memory())
        steps = 0
        for _ in range(12):
            span = rng.choice(spans)
            entity = next((e for e in in_place.corrected(MODEL) if (e.start, e.end) == span), None)
            model_label = next((e.label for e in MODEL if (e.start, e.end) == span), None)
            label = rng.choice(labels)
            if entity is None:
                op = "add"
                in_place.add_entity(*span, label)
            elif rng.random() < 0.3:
                op = "reject"
                in_place.reject_entity(*span, entity.label, model_label=model_label)
            elif label != entity.label:
                op = "relabel"
                in_place.relabel_entity(*span, label, model_label=model_label)
            else:
                continue
            _stacking(stacked, op, span, label, entity.label if entity else label)
            steps += 1
            assert in_place.corrected(MODEL) == stacked.corrected(MODEL)
            on_spans = [(a.start, a.end) for a in in_place.store.all_annotations()]
            assert len(on_spans) == len(set(on_spans))
            exported = corrected_entities(MODEL, in_place.store.all_annotations(), TEXT)
            assert exported == in_place.corrected(MODEL)  # the training exports see what the reader shows
        for _ in range(steps):
            in_place.undo()
            stacked.undo()
            assert in_place.corrected(MODEL) == stacked.corrected(MODEL)
        assert in_place.store.all_annotations() == []
