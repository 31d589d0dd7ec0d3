"""What a reader keeps while it is open (its cached entities, its facts from the NLP process) is
made without Python's cyclic collector running, and frozen out of its walks afterwards (issue 17,
item 16: keys while a 3 MB article's entities and facts arrive).

Each full collection walks every object alive while holding the interpreter's lock: the 30,000
facts of a 3 MB article, unpickled from the NLP process, set off passes of 50 ms each in which no
key was read. Only the making is covered, not the waiting: with the collector off for the seconds
the NLP takes, the interface's own cyclic garbage (some 1,000 objects a key press) would pile up,
then be frozen with the rest. The stalls are measured by ``benchmarks/first_paint.py``; that the
engine unpickles the facts inside ``making`` is ``tests/core/test_engine.py``'s.
"""

from __future__ import annotations

import gc
from pathlib import Path

from tests.ui.conftest import wait_until
from tui.core.analysis.cache import EntityCache
from tui.core.analysis.engine import NlpEngine
from tui.core.document import sample_article_path
from tui.ui.app import make_app
from tui.ui.screens.reader import ReaderScreen


def tracked(obj: object) -> bool:
    """Whether the collector's walks reach ``obj`` (a frozen object is in none of its generations)."""
    return any(o is obj for o in gc.get_objects())


def facts_made_as_from_the_child(engine: NlpEngine, seen: dict[str, bool], before=lambda: None) -> None:
    """The engine's facts made in ``making()``, as the child's answer is (without a child to start)."""
    find_facts = engine.find_facts

    def facts(text, entities, cancelled, reference_date=None, making=None):
        assert making is not None  # the reader gives one
        before()
        seen["facts waited for"] = gc.isenabled()
        with making():
            seen["facts made"] = gc.isenabled()
            return find_facts(text, entities, cancelled, reference_date)

    engine.find_facts = facts  # type: ignore[method-assign]


async def test_cached_entities_and_facts_are_made_with_the_collector_off_then_frozen(tmp_path: Path) -> None:
    cache = EntityCache(tmp_path / "cache")
    NlpEngine(in_process=True, cache=cache).find_entities(sample_article_path().read_text(encoding="utf-8"))
    engine = NlpEngine(in_process=True, cache=cache)
    seen: dict[str, bool] = {}
    cached = engine.cached

    def reading(text):
        seen["cache read"] = gc.isenabled()
        return cached(text)

    engine.cached = reading  # type: ignore[method-assign]
    facts_made_as_from_the_child(engine, seen)
    app = make_app(None, engine=engine, db=str(tmp_path / "db.json"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, ReaderScreen)
            await wait_until(pilot, lambda: screen.facts is not None)
            # (While the facts were waited for, the collector was on unless the annotations were
            # being read in their own thread then, which pauses it too.)
            assert seen["cache read"] is False and seen["facts made"] is False
            assert gc.isenabled()
            assert screen.facts is not None and screen.model_entities
            assert not tracked(screen.facts) and not tracked(screen.facts.dates)
            assert not tracked(screen.model_entities) and not tracked(screen.model_entities[0])
            frozen = gc.get_freeze_count()
            assert frozen > 0
            # Facts made again (after a correction) pause the collector but freeze nothing more:
            # a freeze takes in the interface's objects alive then, and those that die frozen
            # stay until the reader closes (some 3.7 MB a correction on a 200 KB article).
            first, seen["facts made"] = screen.facts, True
            screen.find_facts(screen.model_entities)
            await wait_until(pilot, lambda: screen.facts is not first)
            assert seen["facts made"] is False and gc.isenabled()
            assert not tracked(first) and tracked(screen.facts)
            assert gc.get_freeze_count() <= frozen
        assert gc.get_freeze_count() == 0  # the reader gone, what it kept is collectable again
    finally:
        gc.unfreeze()


async def test_entities_found_by_the_pipeline_are_frozen_once_found(tmp_path: Path) -> None:
    """Found over seconds of NLP with the collector on (its pieces are small), then frozen."""
    app = make_app(None, engine=NlpEngine(in_process=True), db=str(tmp_path / "db.json"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, ReaderScreen)
            await wait_until(pilot, lambda: screen.model_entities is not None)
            assert screen.model_entities and not tracked(screen.model_entities)
    finally:
        gc.unfreeze()


def test_threads_pausing_the_collector_together_leave_it_on_only_when_the_last_is_done() -> None:
    from tui.ui.screens.reader import _collector_kept_off

    class Reader:
        _left = False

    first, second = _collector_kept_off(Reader()), _collector_kept_off(Reader())  # type: ignore[arg-type]
    try:
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)  # the first done while the second still makes its objects
        assert not gc.isenabled()
        second.__exit__(None, None, None)
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_a_reader_closed_while_its_facts_are_made_keeps_nothing_frozen(tmp_path: Path) -> None:
    engine = NlpEngine(in_process=True)
    holder: dict[str, ReaderScreen] = {}

    def close() -> None:
        holder["screen"]._left = True  # the reader closes meanwhile (as its on_unmount says)

    facts_made_as_from_the_child(engine, {}, before=close)
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
