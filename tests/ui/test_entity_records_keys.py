"""`l` and `x` keep one record per entity: relabelling twice changes the record, relabelling back
to the pipeline's label removes it, rejecting replaces it, and `u` steps back through each."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import reader, status_text, view_of, wait_until
from tui.core.store import Store


def records(db: Path) -> list[tuple[str, str]]:
    with Store.open(db) as store:
        return sorted((a.kind, a.label) for a in store.all_annotations())


async def test_relabelling_and_rejecting_an_entity_keeps_one_record(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=(140, 40), db=db) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.facts is not None)
        view = view_of(app)
        kremlin = view.text.index("Kremlin")
        model = next(e for e in app.screen.model_entities if e.start == kremlin)
        assert model.label == "PERSON"  # what the pipeline says; the reader corrects it

        def label() -> str | None:
            return next((e.label for e in view.entities if e.start == kremlin), None)

        view.move_cursor(kremlin)
        await pilot.press("l", "2")  # ORG
        await pilot.pause()
        await pilot.press("l", "3")  # then LOC: the same record changes
        await pilot.pause()
        assert label() == "LOC" and records(db) == [("entity-relabel", "LOC")]
        await pilot.press("l", "1")  # back to the pipeline's PERSON: no record needed
        await pilot.pause()
        assert label() == "PERSON" and records(db) == []
        assert (kremlin, kremlin + 7) not in view.corrected  # no longer drawn as the reader's own
        await pilot.press("u")
        await pilot.pause()
        assert status_text(app) == "Undone: relabelled “Kremlin” as PERSON"
        assert label() == "LOC" and records(db) == [("entity-relabel", "LOC")]
        await pilot.press("x")  # not an entity: the relabelling gives way to one rejection
        await pilot.pause()
        assert label() is None and records(db) == [("entity-reject", "PERSON")]
        await pilot.press("u")
        await pilot.pause()
        assert label() == "LOC" and records(db) == [("entity-relabel", "LOC")]
        await pilot.press("u")
        await pilot.pause()
        assert label() == "ORG" and records(db) == [("entity-relabel", "ORG")]


async def test_adding_an_entity_the_reader_rejected_replaces_the_rejection(article: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    async with reader(article, size=(140, 40), db=db) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.facts is not None)
        view = view_of(app)
        kremlin = view.text.index("Kremlin")
        view.move_cursor(kremlin)
        await pilot.press("x")
        await pilot.pause()
        assert records(db) == [("entity-reject", "PERSON")]
        await pilot.press("e", "2")  # the word under the cursor, as ORG
        await pilot.pause()
        assert records(db) == [("entity-add", "ORG")]
        assert any(e.start == kremlin and e.label == "ORG" for e in view.entities)
        await pilot.press("u")
        await pilot.pause()
        assert records(db) == [("entity-reject", "PERSON")]
        assert not any(e.start == kremlin for e in view.entities)
