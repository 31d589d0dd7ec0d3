"""The database's file lock, ``NAME.lock``: whoever holds it may replace the database file.

Every read-modify-write of the database holds it and re-reads the file first, so two ``sorot``
processes on one database do not lose each other's writes. :class:`WriterLock` counts its
timeout as time without progress; :func:`lock_file_problem` says why a lock file cannot be
made, which is asked before a database is promised to take saves.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from tui.core.store.errors import NotWritableError, StoreError

_POLL = 0.05  # seconds between two tries at a lock another process holds (filelock's default)


class WriterLock:
    """The database's file lock (``NAME.lock``, a :class:`filelock.FileLock`), with an honest timeout.

    filelock tries a lock every 50 ms, and a process saving back to back takes it again within
    microseconds of letting it go: a waiting process can miss every gap for as long as the other
    goes on, and a timeout counted from the first try then refuses a save although nobody held
    the lock that long. Here the timeout counts time without progress: whenever the database
    file changes (a save replaces it), the clock starts again. A save is refused only after
    ``timeout`` seconds in which the lock stayed taken and nobody saved anything: a process
    stuck, or stopped, while holding it. (A waiter is not promised its turn before a process
    that keeps saving pauses: the benchmark ``store_contention.py`` prints the longest wait.)

    A lock file that cannot be created or opened raises :class:`NotWritableError` at once, not
    after the timeout. Reentrant within a thread; other threads wait for the hold to end.
    """

    def __init__(self, database: Path, timeout: float, progress: Callable[[], object] | None = None) -> None:
        self.database = database
        self.progress = progress
        """What else changes when a process saves (a sharded database's buckets), beside the file."""
        self.path = f"{database}.lock"
        self.timeout = timeout
        self._lock = FileLock(self.path)  # asked for single tries only: the waiting is done here
        self._mutex = threading.RLock()
        self._depth = 0

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self, *, wait: bool = True) -> bool:
        """Take the lock (waiting as the class says); with ``wait=False``, only if it is free now."""
        self._mutex.acquire()
        if self._depth:
            self._depth += 1
            return True
        try:
            taken = self._take(wait)
        except BaseException:
            self._mutex.release()
            raise
        if not taken:
            self._mutex.release()
            return False
        self._depth = 1
        return True

    def release(self) -> None:
        try:
            if self._depth == 1:
                self._lock.release()
        finally:
            self._depth -= 1
            self._mutex.release()

    def _take(self, wait: bool) -> bool:
        deadline = time.monotonic() + self.timeout
        progress = self._state()
        while True:
            try:
                self._lock.acquire(blocking=False)
                return True
            except Timeout:
                pass
            except OSError as exc:
                raise NotWritableError(_lock_file_error(self.path, exc)) from None
            if not wait:
                return False
            if not os.path.lexists(self.path) and (problem := lock_file_problem(self.path)) is not None:
                raise NotWritableError(problem)  # it was removed, and cannot be made again
            now = time.monotonic()
            state = self._state()
            if state != progress:
                progress, deadline = state, now + self.timeout
            elif now >= deadline:
                raise StoreError(
                    f"{self.database} is busy: another process has held its lock for {self.timeout:g} s "
                    "without saving anything"
                )
            time.sleep(min(_POLL, deadline - now))

    def _state(self) -> object:
        return (_file_state(self.database), self.progress() if self.progress is not None else None)


def lock_file_problem(lock_path: str) -> str | None:
    """Why the lock file at ``lock_path`` cannot be created or opened for locking (None: it can,
    and now exists). A lock file is never followed if it is a symbolic link."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as exc:
        return _lock_file_error(lock_path, exc)
    os.close(fd)
    return None


def _lock_file_error(lock_path: str, exc: OSError) -> str:
    verb = "open" if os.path.lexists(lock_path) else "create"
    return f"cannot {verb} the lock file {lock_path}: {exc.strerror or exc}"


def _file_state(path: Path) -> tuple[int, int, int] | None:
    """What changes whenever a process saves the database (a save replaces the file)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)
