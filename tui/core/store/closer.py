"""Closing the handles of replaced database files on a background thread.

The storage keeps the file it read last open (see :mod:`.storage`); when a save replaces that
file, the old handle is the last one on it, and closing it frees the old file's blocks: for a
multi-megabyte database that takes milliseconds a save need not wait for. :func:`close_later`
hands the handle to one daemon thread, ``sorot-store-close``, started on first use (again in a
forked child, which inherits no threads).
"""

from __future__ import annotations

import os
import queue
import threading
from contextlib import suppress
from typing import BinaryIO

_closing: queue.SimpleQueue[BinaryIO] | None = None
_closing_guard = threading.Lock()


def close_later(handle: BinaryIO) -> None:
    """Close a handle on a replaced file off the caller's path: the last close of a replaced
    multi-megabyte file frees its blocks, which takes milliseconds that a save need not wait for."""
    global _closing
    with _closing_guard:
        if _closing is None:
            _closing = queue.SimpleQueue()
            threading.Thread(target=_close_each, args=(_closing,), name="sorot-store-close", daemon=True).start()
        _closing.put(handle)


def _close_each(handles: queue.SimpleQueue[BinaryIO]) -> None:
    while True:
        with suppress(OSError):
            handles.get().close()


def _forget_closer() -> None:
    global _closing
    _closing = None  # a forked child has no closer thread: it starts its own


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_closer)
