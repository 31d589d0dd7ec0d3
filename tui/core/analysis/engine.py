"""Running the spaCy pipeline away from the caller: in a child process, or in a worker thread.

Loading the Indonesian pipeline costs seconds of CPU, and a 5 MB article keeps spaCy busy for
longer. In a thread that work would hold the GIL against the UI; in a child process it runs on
the other core and the reader stays responsive. The pipeline loads once per engine (and once per
process in thread mode, so tests and library users share it).

The child is a plain ``multiprocessing.Process`` talking over a ``Pipe``: requests carry an id,
so a reply to a request the caller gave up on is recognised and dropped, and closing the engine
simply terminates the child.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date
from multiprocessing import resource_tracker
from typing import TYPE_CHECKING, Any, Literal, overload

from tui.core.document import text_sha256
from tui.core.entities import Entity

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import SpawnProcess

    from spacy.language import Language

    from tui.core.facts import Facts
from tui.core.analysis.cache import CachedResult, EntityCache, pipeline_key
from tui.core.nlp import PipelineError, doc_entities, error_line, find_entities, load_pipeline, split_for_nlp

FACTS_HERE_CHARS = 100_000
"""Facts of articles up to this long are extracted in the caller's thread, longer ones in the child."""

POLL_SECONDS = 0.05
"""How often a waiting caller checks whether it was cancelled."""

_pipelines: dict[str | None, Language] = {}
_pipelines_lock = threading.Lock()


def _pipeline(model: str | None) -> Language:
    with _pipelines_lock:
        if model not in _pipelines:
            _pipelines[model] = load_pipeline(model)
        return _pipelines[model]


@contextmanager
def _child_ignores_ctrl_c() -> Iterator[None]:
    """Start the child with SIGINT ignored (a spawned Python keeps it so): a ctrl+c typed while it
    starts, before the host's interface takes the keyboard, would print its traceback over the
    terminal. The parent stops the child itself. Only the main thread can set signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _lower_priority(pid: int) -> None:
    """Give the child the lowest CPU priority: it uses what the host leaves (the other core of a
    two-core machine, or this one while the reader waits for a key), so the reader's start-up and
    keys come before the entities, and a first open still gets them as early as the CPU allows."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, 19)
    except (AttributeError, OSError):  # not on this platform, or not allowed: run at normal priority
        pass


def _serve(conn: Connection[Any, Any], model: str | None) -> None:
    """The child: load the pipeline, say so, then answer ``(id, kind, payload)`` requests.

    ``("entities", (text, offset))`` runs the pipeline; ``("facts", (text, rows, reference_date))``
    extracts facts, the entities given as ``(start, end, label)`` rows (see :meth:`NlpEngine.find_facts`).
    """
    # The parent owns the terminal: anything a library prints here would land on the reader's
    # screen, so stdout and stderr go nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        conn.send(("ready", str(_pipeline(model).lang)))
    except Exception as exc:  # noqa: BLE001 - any failure is reported to the parent as one line
        conn.send(("failed", f"cannot load the NLP pipeline: {error_line(exc)}"))
        return
    while True:
        try:
            request_id, kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if kind == "facts":
                from tui.core.facts import extract_facts

                text, rows, reference_date = payload
                entities = [Entity(start, end, label, text[start:end]) for start, end, label in rows]
                conn.send((request_id, True, extract_facts(text, entities, reference_date)))
            else:
                text, offset = payload
                conn.send((request_id, True, doc_entities(_pipeline(model)(text), offset)))
        except Exception as exc:  # noqa: BLE001
            what = "fact extraction" if kind == "facts" else "the NLP pipeline"
            conn.send((request_id, False, f"{what} failed: {error_line(exc)}"))


class NlpEngine:
    """Loads a spaCy pipeline once, off the caller's thread, and finds entities with it.

    ``in_process=False`` (the default) uses a child process; ``True`` uses a thread of this one.
    The child runs at the lowest CPU priority, behind an interface, unless ``background=False``.
    With a ``cache``, results are kept by text and pipeline, and ``cached`` answers without
    loading anything. ``language`` and ``find_entities`` block, so call them from a worker thread.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        in_process: bool = False,
        cache: EntityCache | None = None,
        background: bool = True,
    ) -> None:
        self.model = model
        self.in_process = in_process
        self.background = background
        self.cache = cache
        self._cache_key: str | None = None
        self._lock = threading.Lock()
        self._lookup_lock = threading.Lock()
        self._last_lookup: tuple[str, str, CachedResult | None] | None = None
        self._started = False
        self._closed = False
        self._ready = threading.Event()
        self._language: str | None = None
        self._error: str | None = None
        self._process: SpawnProcess | None = None
        # What the pipe carries is unpickled: ``("ready" | "failed", str)`` once, then replies
        # ``(id, ok, value)`` to requests ``(id, kind, payload)``, ``value`` as ``kind`` says.
        self._conn: Connection[Any, Any] | None = None
        self._ids = itertools.count()
        if not in_process:
            # Spawning needs multiprocessing's resource tracker, which is started with this
            # process's stderr; start it now, before a host such as Textual replaces stderr.
            resource_tracker.ensure_running()

    # ----------------------------------------------------------------------------- loading

    def start(self) -> None:
        """Begin loading the pipeline in the background (idempotent)."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
            if self.in_process:
                threading.Thread(target=self._load_here, name="sorot-nlp-load", daemon=True).start()
                return
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child, self.model), name="sorot-nlp", daemon=True)
            self._process = process
            with _child_ignores_ctrl_c():
                process.start()
            child.close()
            if self.background and process.pid is not None:  # started: it has one
                _lower_priority(process.pid)
            self._conn = parent
        threading.Thread(target=self._await_child, args=(parent,), name="sorot-nlp-ready", daemon=True).start()

    def _load_here(self) -> None:
        try:
            self._language = str(_pipeline(self.model).lang)
        except Exception as exc:  # noqa: BLE001
            self._error = f"cannot load the NLP pipeline: {error_line(exc)}"
        self._ready.set()

    def _await_child(self, conn: Connection[Any, Any]) -> None:
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            kind, value = "failed", "the NLP process stopped unexpectedly"
        if kind == "ready":
            self._language = value
        else:
            self._error = value
        self._ready.set()

    def language(self, cancelled: Callable[[], bool] = lambda: False) -> str:
        """Wait until the pipeline is loaded; its language code. ``PipelineError`` if it cannot be."""
        self.start()
        while not self._ready.wait(POLL_SECONDS):
            if cancelled() or self._closed:
                raise PipelineError("stopped before the NLP pipeline was loaded")
        if self._error is not None:
            raise PipelineError(self._error)
        assert self._language is not None
        return self._language

    # ----------------------------------------------------------------------------- entities

    def _key(self) -> str | None:
        if self.cache is None:
            return None
        if self._cache_key is None:
            self._cache_key = pipeline_key(self.model) or ""
        return self._cache_key or None

    def cached(self, text: str) -> CachedResult | None:
        """The language and entities this pipeline found in ``text`` before, if the cache has them."""
        return self._lookup(text)[1]

    def _lookup(self, text: str) -> tuple[str, CachedResult | None]:
        """``text``'s sha256 ("" without a cache) and its cached result; the last answer is kept,
        so a reader's check and ``find_entities`` hash and read the text once."""
        with self._lookup_lock:
            if self._last_lookup is not None and self._last_lookup[0] is text:
                return self._last_lookup[1:]
            key = self._key()
            if key is None or self.cache is None:  # no key without a cache
                return "", None
            digest = text_sha256(text)
            hit = self.cache.get(text, digest, key)
            self._last_lookup = (text, digest, hit)
            return digest, hit

    def find_entities(
        self,
        text: str,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Entity]:
        """All entities of ``text`` in document order; ``progress(done, total)`` after each piece.

        Returns what was found so far if ``cancelled()`` becomes true; a complete result is cached.
        """
        digest, hit = self._lookup(text)
        if hit is not None:
            return hit.entities
        entities = self._find(text, progress, cancelled)
        key = self._key() if digest else None  # a digest is taken only with a cache and its key
        if digest and not cancelled() and self._language is not None and self.cache is not None and key is not None:
            self.cache.put(digest, key, self._language, entities)
            with self._lookup_lock:
                self._last_lookup = (text, digest, CachedResult(self._language, entities))
        return entities

    def _find(
        self, text: str, progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool]
    ) -> list[Entity]:
        try:
            self.language(cancelled)
        except PipelineError:
            if cancelled():
                return []
            raise
        if self.in_process:
            try:
                return find_entities(_pipeline(self.model), text, progress, cancelled)
            except Exception as exc:  # noqa: BLE001 - a broken pipeline must not take the reader down
                raise PipelineError(f"the NLP pipeline failed: {error_line(exc)}") from exc
        entities: list[Entity] = []
        for start, end in split_for_nlp(text):
            if cancelled():
                break
            found = self._ask("entities", (text[start:end], start), cancelled)
            if found is None:
                break
            entities.extend(found)
            if progress is not None:
                progress(end, len(text))
        return entities

    def find_facts(
        self,
        text: str,
        entities: list[Entity],
        cancelled: Callable[[], bool] = lambda: False,
        reference_date: date | None = None,
        making: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> Facts | None:
        """The facts of ``text`` given its ``entities``; ``None`` if cancelled. Relative dates
        count from ``reference_date`` (a web article's publication day) when given, else from the
        date the text itself gives (a dateline).

        Small articles are read here (milliseconds); long ones in the child process, whose core
        is not the interface's (a 1 MB article takes about a second of pure Python). The child's
        answer (30,000 facts for 3 MB, a quarter of a second to unpickle) is made in ``making()``:
        an interface keeps the garbage collector's passes off it there (see the reader).
        """
        from tui.core.facts import extract_facts  # 80 ms of imports the reader's first paint need not wait for

        if self.in_process or len(text) <= FACTS_HERE_CHARS:
            try:
                return extract_facts(text, entities, reference_date)
            except Exception as exc:  # noqa: BLE001 - a fault in a fact rule: one line, as from the child
                raise PipelineError(f"fact extraction failed: {error_line(exc)}") from exc
        try:
            self.language(cancelled)
        except PipelineError:
            if cancelled():
                return None
            raise
        # Rows of plain values: pickling 85,000 entities (3 MB) as dataclasses ran Python for each,
        # 240 ms of this process's interpreter, shared with the interface; rows take 20 ms.
        rows = [(entity.start, entity.end, entity.label) for entity in entities]
        return self._ask("facts", (text, rows, reference_date), cancelled, making)

    @overload
    def _ask(
        self,
        kind: Literal["entities"],
        payload: tuple[str, int],
        cancelled: Callable[[], bool],
        making: Callable[[], AbstractContextManager[object]] = ...,
    ) -> list[Entity] | None: ...
    @overload
    def _ask(
        self,
        kind: Literal["facts"],
        payload: tuple[str, list[tuple[int, int, str]], date | None],
        cancelled: Callable[[], bool],
        making: Callable[[], AbstractContextManager[object]] = ...,
    ) -> Facts | None: ...
    def _ask(
        self,
        kind: str,
        payload: tuple[object, ...],
        cancelled: Callable[[], bool],
        making: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> object:
        """One request to the child; ``None`` if cancelled while waiting. What the child answers
        is as :func:`_serve` makes it: entities for ``"entities"``, the facts for ``"facts"``,
        unpickled in ``making()`` (the wait for it is not)."""
        with self._lock:
            conn = self._conn
            if conn is None or self._closed:
                raise PipelineError("the NLP engine is closed")
            request_id = next(self._ids)
            try:
                conn.send((request_id, kind, payload))
                while True:
                    if not conn.poll(POLL_SECONDS):
                        if cancelled():
                            return None  # the reply, when it comes, is dropped by its id
                        continue
                    reply = conn.recv_bytes()
                    with making():
                        reply_id, ok, value = pickle.loads(reply)
                    if reply_id != request_id:
                        continue
                    if not ok:
                        raise PipelineError(value)
                    return value
            except (EOFError, OSError, BrokenPipeError):
                raise PipelineError("the NLP process stopped unexpectedly") from None

    def close(self) -> None:
        """Stop the engine at once; a caller still waiting gets ``PipelineError`` or its cancellation."""
        self._closed = True
        process, conn = self._process, self._conn
        if process is not None and process.is_alive():
            process.terminate()
            process.join(1)
            if process.is_alive():  # on a loaded machine a second was seen not to be enough
                process.kill()
                process.join(5)
        if conn is not None:
            conn.close()
