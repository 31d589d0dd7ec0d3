"""Running the spaCy pipeline away from the caller: in a child process, or in a worker thread.

Loading the Indonesian pipeline costs seconds of CPU, and a 5 MB article keeps spaCy busy for
longer. In a thread that work would hold the GIL against the UI; in a child process it runs on
the other core and the reader stays responsive. The pipeline loads once per engine (and once per
process in thread mode, so tests and library users share it).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from tui.core.entities import Entity
from tui.core.nlp import CHUNK_CHARS, PipelineError, doc_entities, load_pipeline, split_for_nlp

_pipelines: dict[str | None, object] = {}
_pipelines_lock = threading.Lock()


def _pipeline(model: str | None):
    with _pipelines_lock:
        if model not in _pipelines:
            _pipelines[model] = load_pipeline(model)
        return _pipelines[model]


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _quiet_child() -> None:
    # The parent owns the terminal: anything a library prints in the child would land on the
    # reader's screen, so the child's stdout and stderr go nowhere. And the child yields the CPU
    # to the parent: the reader's keys come before the entities on a two-core machine.
    try:
        os.nice(5)
    except OSError:
        pass
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


@contextmanager
def _real_std_streams() -> Iterator[None]:
    """Let ``multiprocessing`` see real stdout/stderr while it spawns a child.

    It hands the streams' file descriptors to the child; a host that replaced ``sys.stdout`` or
    ``sys.stderr`` with objects that have none (Textual does while an app runs) makes it fail.
    """
    saved = sys.stdout, sys.stderr
    try:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            try:
                usable = stream.fileno() >= 0
            except (AttributeError, OSError, ValueError):
                usable = False
            if not usable:
                setattr(sys, name, getattr(sys, f"__{name}__"))
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _load(model: str | None) -> str:
    """Load the pipeline (in the engine's process); return its language code."""
    return str(_pipeline(model).lang)


def _entities_of(model: str | None, text: str, offset: int) -> list[Entity]:
    return doc_entities(_pipeline(model)(text), offset)


class NlpEngine:
    """Loads a spaCy pipeline once, off the caller's thread, and finds entities with it.

    ``in_process=False`` (the default) uses a child process; ``True`` uses a thread of this one.
    Blocking methods (``language``, ``find_entities``) are meant for a worker thread.
    """

    def __init__(self, model: str | None = None, *, in_process: bool = False) -> None:
        self.model = model
        self.in_process = in_process
        self._executor: Executor | None = None
        self._loaded: Future[str] | None = None
        self._lock = threading.Lock()

    def start(self) -> Future[str]:
        """Begin loading the pipeline (idempotent); the future gives its language code."""
        with self._lock:
            if self._loaded is None:
                if self.in_process:
                    self._executor = ThreadPoolExecutor(1, thread_name_prefix="sorot-nlp")
                    self._loaded = self._executor.submit(_load, self.model)
                else:
                    context = multiprocessing.get_context("spawn")
                    self._executor = ProcessPoolExecutor(1, mp_context=context, initializer=_quiet_child)
                    with _real_std_streams():  # the child is spawned by this first submit
                        self._loaded = self._executor.submit(_load, self.model)
            return self._loaded

    def language(self) -> str:
        """Block until the pipeline is loaded; raise ``PipelineError`` if it cannot be."""
        try:
            return self.start().result()
        except PipelineError:
            raise
        except BrokenProcessPool:
            raise PipelineError("the NLP process stopped unexpectedly") from None
        except Exception as exc:  # a broken pipeline must not take the reader down with it
            raise PipelineError(f"cannot load the NLP pipeline: {_one_line(exc)}") from exc

    def find_entities(
        self,
        text: str,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Entity]:
        """All entities of ``text`` in document order; ``progress(done, total)`` after each piece."""
        self.language()
        assert self._executor is not None
        pieces = list(split_for_nlp(text, CHUNK_CHARS))
        futures = [self._executor.submit(_entities_of, self.model, text[a:b], a) for a, b in pieces]
        entities: list[Entity] = []
        try:
            for (_, end), future in zip(pieces, futures):
                if cancelled():
                    break
                entities.extend(future.result())
                if progress is not None:
                    progress(end, len(text))
        except BrokenProcessPool:
            raise PipelineError("the NLP process stopped unexpectedly") from None
        except Exception as exc:
            raise PipelineError(f"the NLP pipeline failed: {_one_line(exc)}") from exc
        finally:
            for future in futures:
                future.cancel()
        return entities

    def close(self) -> None:
        """Stop the engine without waiting for work in progress."""
        with self._lock:
            executor, self._executor = self._executor, None
            self._loaded = None
        if executor is None:
            return
        if isinstance(executor, ProcessPoolExecutor):
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
