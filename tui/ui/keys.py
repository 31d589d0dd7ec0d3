"""Keys typed ahead: a burst (key repeat, a slow SSH link, fast typing) lands where it was meant.

Textual hands each key to the widget focused when the key arrives, and runs the key's binding
only once the key has bubbled back up to the app. In a burst, every key has arrived before the
first one's binding has opened a dialog, moved the focus or closed a dialog, so the keys after it
reached the old screen or the old field. The app (``SorotApp.on_event``) and the dialogs' fields
(:mod:`tui.ui.screens.annotate`) notice such a key and :func:`retype` it.
"""

from __future__ import annotations

from textual import events
from textual.app import App


def retype(app: App, event: events.Key) -> None:
    """Take ``event`` from where it landed and deliver it again, as if typed now: to where the
    focus is after the keys before it took effect."""
    event.stop()
    event.prevent_default()
    app.post_message(events.Key(event.key, event.character))
