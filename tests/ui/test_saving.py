"""The save queue without an app: quick saves are done before the next key, slow ones are handed
back to the event loop once done, changes are saved in the order made, and leaving saves them all."""

from __future__ import annotations

import threading
import time

from tui.ui.saving import Outcome, SaveQueue


class Loop:
    """Stands in for the event loop: what the save thread hands back waits here until run."""

    def __init__(self) -> None:
        self.handed: list = []
        self.lock = threading.Lock()

    def later(self, call) -> None:
        with self.lock:
            self.handed.append(call)

    def run(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                calls, self.handed = self.handed, []
            for call in calls:
                call()
            if calls:
                return
            time.sleep(0.01)
        raise AssertionError("nothing was handed back")


def queue_for(events: list, loop: Loop, at_once: float = 0.5) -> SaveQueue:
    def attempt(change) -> Outcome:
        return change(), None, False

    def saved(outcome: Outcome, then) -> None:
        result, failure, _ = outcome
        events.append(("saved", result, failure))
        if result is not None:
            then(result)

    return SaveQueue(attempt, saved, lambda: events.append(("idle",)), loop.later, at_once)


def test_a_quick_save_is_done_before_save_returns() -> None:
    events: list = []
    queue = queue_for(events, Loop())
    queue.save(lambda: "one", lambda result: events.append(("then", result)))
    assert events == [("saved", "one", None), ("then", "one"), ("idle",)]
    assert not queue


def test_a_slow_save_is_handed_back_and_the_next_waits_for_it() -> None:
    events: list = []
    loop = Loop()
    queue = queue_for(events, loop, at_once=0.01)
    gate = threading.Event()
    order: list[str] = []

    def slow() -> str:
        gate.wait(10)
        order.append("slow")
        return "slow"

    queue.save(slow, lambda result: events.append(("then", result)))
    queue.save(lambda: order.append("next") or "next", lambda result: events.append(("then", result)))
    assert events == [] and queue  # the first is still waiting for the disk; the second waits for it
    gate.set()
    loop.run()
    assert order == ["slow", "next"]
    assert events == [("saved", "slow", None), ("then", "slow"), ("saved", "next", None), ("then", "next"), ("idle",)]
    assert not queue


def test_a_bug_in_a_change_is_one_line_and_the_queue_goes_on() -> None:
    events: list = []
    queue = queue_for(events, Loop())

    def broken() -> str:
        raise RuntimeError("kaput\nsecond line")

    queue.save(broken, lambda result: events.append(("then", result)))
    queue.save(lambda: "after", lambda result: events.append(("then", result)))
    assert events == [
        ("saved", None, "not saved: RuntimeError: kaput second line"),
        ("idle",),
        ("saved", "after", None),
        ("then", "after"),
        ("idle",),
    ]


def test_leaving_saves_the_change_in_flight_and_every_one_after_it() -> None:
    events: list = []
    queue = queue_for(events, Loop(), at_once=0.01)
    gate = threading.Event()
    done: list[str] = []
    queue.save(lambda: gate.wait(10) and done.append("first"), lambda _: None)
    queue.save(lambda: done.append("second"), lambda _: None)
    queue.save(lambda: done.append("third"), lambda _: None)
    threading.Timer(0.2, gate.set).start()
    queue.finish(lambda change: change(), wait=10)
    assert done == ["first", "second", "third"] and not queue
