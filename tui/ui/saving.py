"""Changes to the annotations, saved one at a time off the event loop.

A change is written to the database and waits for the disk (fsync). That takes a few
milliseconds, and then it is done before the next key, as if saved in place; on a slow disk or a
network file system it takes long enough to feel, and after ``at_once`` seconds the reader goes on
while the save thread finishes it. Changes are saved in the order made, each after the one
before has been shown, so the screen never reads a session that another thread is changing.

:class:`SaveQueue` knows nothing of Textual: it is given how to run a change (``attempt``: the
change's result, what went wrong in one line, whether the session moved to memory), what to do
once one is saved (``saved``) or none is left (``idle``), and how to hand work back to the event
loop from the save thread (``later``: the reader posts a message).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from typing import Any, TypeAlias

Outcome: TypeAlias = tuple[Any, str | None, bool]
"""What a save gave: the change's result (None if it failed), the failure in one line, and
whether the session now lives in memory."""
Change: TypeAlias = Callable[[], Any]
Then: TypeAlias = Callable[[Any], object]


class SaveQueue:
    """Changes waiting to be saved; the first is being saved."""

    def __init__(
        self,
        attempt: Callable[[Change], Outcome],
        saved: Callable[[Outcome, Then], None],
        idle: Callable[[], None],
        later: Callable[[Callable[[], None]], None],
        at_once: float,
    ) -> None:
        self._attempt = attempt
        self._saved = saved
        self._idle = idle
        self._later = later
        self.at_once = at_once
        self._waiting: deque[tuple[Change, Then]] = deque()
        self._thread: ThreadPoolExecutor | None = None
        self._now: Future[Outcome] | None = None

    def __bool__(self) -> bool:
        """Whether a change is being saved (or waits to be)."""
        return bool(self._waiting)

    def save(self, change: Change, then: Then) -> None:
        """Save ``change`` after those before it, then ``then(result)`` on the event loop (not
        called when it fails: ``saved`` is told why)."""
        self._waiting.append((change, then))
        if len(self._waiting) == 1:
            self._start()

    def _start(self) -> None:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sorot-save")
        self._now = future = self._thread.submit(self._attempt_anything, self._waiting[0][0])
        try:
            outcome = future.result(timeout=self.at_once)
        except TimeoutError:
            future.add_done_callback(lambda done: self._later(lambda: self.done(done.result())))
            return
        self.done(outcome)

    def _attempt_anything(self, change: Change) -> Outcome:
        """``attempt``, with a bug said in one line too: the reader goes on."""
        try:
            return self._attempt(change)
        except Exception as exc:
            return None, f"not saved: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}", False

    def done(self, outcome: Outcome) -> None:
        """The first change waiting was saved (or failed): say so, then save the next one, or, with
        none left, let what waited for the saves go on. Runs on the event loop."""
        _, then = self._waiting.popleft()
        self._now = None
        self._saved(outcome, then)
        if self._waiting:
            self._start()
        else:
            self._idle()

    def finish(self, attempt_here: Callable[[Change], object], wait: float) -> None:
        """Leaving: let the change being saved finish (up to ``wait`` seconds), and save the ones
        after it with ``attempt_here``, on this thread. Nothing asked for is dropped."""
        if self._now is not None:
            with suppress(TimeoutError):
                self._now.result(timeout=wait)
            self._waiting.popleft()
            self._now = None
        while self._waiting:
            change, _ = self._waiting.popleft()
            attempt_here(change)
        if self._thread is not None:
            self._thread.shutdown(wait=False)
            self._thread = None
