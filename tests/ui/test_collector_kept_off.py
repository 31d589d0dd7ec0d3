"""What a reader keeps while it is open (its entities and facts) is made without Python's cyclic
collector running, and frozen out of its walks afterwards (issue 17, item 16: keys while a 3 MB
article's entities and facts arrive).

Each full collection walks every object alive while holding the interpreter's lock: the 30,000
facts of a 3 MB article, unpickled from the NLP process, set off passes of 50 ms each in which no
key was read. The stalls themselves are measured by ``benchmarks/first_paint.py``.
"""

from __future__ import annotations

import gc
from pathlib import Path

from tests.ui.conftest import wait_until
from tui.core.analysis.engine import NlpEngine
from tui.ui.app import make_app
from tui.ui.screens.reader import ReaderScreen


def tracked(obj: object) -> bool:
    """Whether the collector's walks reach ``obj`` (a frozen object is in none of its generations)."""
    return any(o is obj for o in gc.get_objects())


async def test_entities_and_facts_are_made_with_the_collector_off_and_frozen(tmp_path: Path) -> None:
    engine = NlpEngine(in_process=True)
    collecting: dict[str, bool] = {}
    find_entities, find_facts = engine.find_entities, engine.find_facts

    def entities(*args, **kwargs):
        found = find_entities(*args, **kwargs)
        collecting["entities"] = gc.isenabled()
        return found

    def facts(*args, **kwargs):
        collecting["facts"] = gc.isenabled()
        return find_facts(*args, **kwargs)

    engine.find_entities, engine.find_facts = entities, facts  # type: ignore[method-assign]
    app = make_app(None, engine=engine, db=str(tmp_path / "db.json"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, ReaderScreen)
            await wait_until(pilot, lambda: screen.facts is not None)
            # The entities are found over seconds of NLP, the collector on; the facts are made
            # (in the NLP process for a long article, then unpickled here) with it off.
            assert collecting == {"entities": True, "facts": False}
            assert gc.isenabled()
            assert screen.facts is not None and screen.model_entities
            assert not tracked(screen.facts) and not tracked(screen.facts.dates)
            assert not tracked(screen.model_entities) and not tracked(screen.model_entities[0])
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() == 0  # the reader gone, what it kept is collectable again
    finally:
        gc.unfreeze()


async def test_a_reader_closed_while_its_facts_are_made_keeps_nothing_frozen(tmp_path: Path) -> None:
    engine = NlpEngine(in_process=True)
    find_facts = engine.find_facts
    holder: dict[str, ReaderScreen] = {}

    def facts(*args, **kwargs):
        holder["screen"]._left = True  # the reader closes meanwhile (as its on_unmount says)
        return find_facts(*args, **kwargs)

    engine.find_facts = facts  # type: ignore[method-assign]
    app = make_app(None, engine=engine, db=str(tmp_path / "db.json"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, ReaderScreen)
            holder["screen"] = screen
            await wait_until(pilot, lambda: screen.facts is not None)
            assert gc.get_freeze_count() == 0 and gc.isenabled()
    finally:
        gc.unfreeze()
