"""Keys typed ahead: a burst (key repeat, a slow SSH link, fast typing) lands where it was meant.

Textual hands each key to the widget focused when the key arrives, and runs the key's binding
only once the key has bubbled back up to the app. In a burst, the keys after one that opens a
dialog, moves the focus or closes a dialog reached the old screen or the old field; and a key
delivered again from there went to the end of the queue, behind keys typed after it ("abc" typed
into a note while it opened came out "bca").

:class:`TypedKeys` delivers the keys one at a time, in the order they were typed: the next only
when the one before has been handled (a widget stopped it, or it bubbled up to the app and its
binding ran), and only after the screen then on top has handled what was already waiting for it
(a dialog that has just opened has mounted and focused its first field). A key that still lands
somewhere it was not meant for (a field that lost the focus, a screen no longer on top) is
:func:`retype`\\ d: taken back and delivered again before any key typed after it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

    from tui.ui.app import SorotApp

STUCK_AFTER = 2.0
"""Seconds after which a key still not handled no longer holds back the keys after it (a handler
that takes this long, or a key lost with a widget removed before it got there)."""

_WATCH_EVERY = 0.25


class TypedKeys:
    """The keys from the terminal, held in a queue and delivered one at a time (see the module).

    The app calls :meth:`arrived` for a key from the terminal, asks :meth:`is_due` whether a key
    is the one due now, calls :meth:`sent` once it has passed a key due now to its widget (or run
    a priority binding for it) and :meth:`handled` once a key has bubbled back up to it.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        self.waiting: deque[events.Key] = deque()
        """Keys typed and not yet delivered, oldest first."""
        self.current: events.Key | None = None
        """The key delivered and not yet handled."""
        self.at: MessagePump | None = None
        """Where the current key is now (the widget, or a parent it bubbled to)."""
        self.since = 0.0
        self.held_until: float | None = None
        """While set (a monotonic time), no key is delivered: see :meth:`hold`."""
        self._on_timeout: Callable[[], None] = lambda: None
        self._watching = False
        """Whether the watch timer runs (one at a time, however many keys are delivered)."""

    @property
    def busy(self) -> bool:
        return self.current is not None or bool(self.waiting)

    def hold(self, seconds: float, on_timeout: Callable[[], None]) -> None:
        """Deliver no more keys until :meth:`release`. For a key whose action must wait for
        something (the annotations of a big database being read): what is typed after it is meant
        for what it opens, not for the screen under it. After ``seconds``, ``on_timeout`` runs and
        the keys typed meanwhile are dropped (a note's text would otherwise run as commands)."""
        self.held_until = monotonic() + seconds
        self._on_timeout = on_timeout
        self.app.set_timer(seconds, self._hold_expired, name="typed keys held")

    def release(self) -> None:
        if self.held_until is not None:
            self.held_until = None
            self._next()

    def arrived(self, key: events.Key) -> None:
        self.waiting.append(key)
        self._next()

    def is_due(self, key: events.Key) -> bool:
        return key is self.current and self.at is None

    def again(self, key: events.Key) -> None:
        """Take ``key`` back (it landed where it was not meant) and deliver it again, before any
        key typed after it."""
        self.waiting.appendleft(key)
        if key is self.current:
            self.current = self.at = None
        self._next()

    def sent(self, key: events.Key, target: MessagePump) -> None:
        """The app has handed ``key`` to ``target`` (or handled it itself, if not forwarded)."""
        if key is not self.current:
            return
        if not key.is_forwarded:  # a priority binding took it
            self._done(key)
            return
        self.at = target
        if not target.call_later(self._follow, key, target):
            self._done(key)

    def handled(self, key: events.Key) -> None:
        """``key`` has bubbled up to the app, which has run its binding (if any)."""
        if key is self.current:
            self._done(key)

    # ------------------------------------------------------------------------------ internals

    def _hold_expired(self) -> None:
        if self.held_until is not None and monotonic() >= self.held_until:
            self._on_timeout()
            self.waiting.clear()
            self.release()

    def _next(self) -> None:
        if self.current is not None or not self.waiting or self.held_until is not None:
            return
        typed = self.waiting.popleft()
        key = events.Key(typed.key, typed.character)
        # No sender, as a key from the terminal has: Textual stops a message at its sender's child
        # ("parent is sender"), which would hide whether the key went on up to the app.
        key._sender = None
        self.current, self.at, self.since = key, None, monotonic()
        # Through the screen on top: a dialog that has just opened mounts and focuses its first
        # field first (what is queued for it comes before this).
        try:
            screen = self.app.screen
        except Exception:  # no screen yet (or any more): straight to the app
            screen = None
        if screen is None or not screen.call_later(self.app.post_message, key):
            self.app.post_message(key)
        if not self._watching:
            self._watching = True
            self.app.set_timer(_WATCH_EVERY, self._watch, name="typed keys")

    def _follow(self, key: events.Key, node: MessagePump) -> None:
        """Runs at ``node`` after it has handled ``key``: did the key stop there, or go on up?"""
        if key is not self.current:
            return
        parent = node._parent
        went_up = (
            key.bubble
            and not key._stop_propagation
            and parent is not None
            and getattr(node, "is_parent_active", False)
            and getattr(node, "is_attached", False)
        )
        if not went_up:
            self._done(key)
        elif parent is not self.app:  # the app calls handled() after the key's binding
            self.at = parent
            if not parent.call_later(self._follow, key, parent):
                self._done(key)

    def _done(self, key: events.Key) -> None:
        if key is self.current:
            self.current = self.at = None
            self._next()

    def _watch(self) -> None:
        """Every :data:`_WATCH_EVERY` seconds while a key is on its way: is it stuck?"""
        key, at = self.current, self.at
        if key is not None:
            gone = at is not None and (at._closing or at._closed or not at.is_running)
            if gone or monotonic() - self.since > STUCK_AFTER:
                self._done(key)
        if self.current is None:
            self._watching = False
        else:
            self.app.set_timer(_WATCH_EVERY, self._watch, name="typed keys")


def retype(app: SorotApp, event: events.Key) -> None:
    """Take ``event`` from where it landed and deliver it again, as if typed now: to where the
    focus is after the keys before it took effect, and before the keys typed after it."""
    event.stop()
    event.prevent_default()
    app.typed_keys.again(event)
