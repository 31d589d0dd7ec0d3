"""Opening the reader in a headless terminal, with the NLP in this process so it loads once."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual import events
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot

from tui.core.analysis.engine import NlpEngine
from tui.core.document import sample_article_path
from tui.ui.app import SorotApp, make_app
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.article_view import ArticleView
from tui.ui.widgets.facts_panel import FactsPanel
from tui.ui.widgets.status_bar import NlpIndicator


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Let the app run until ``condition()`` holds (the NLP runs in another thread)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)
    await pilot.pause()


async def wait_for_nlp(pilot: Pilot) -> None:
    await wait_until(pilot, lambda: not pilot.app.screen.query_one(NlpIndicator).busy)


def view_of(app: SorotApp) -> ArticleView:
    return app.screen.query_one(ArticleView)


def screen_text(app: SorotApp) -> str:
    """The visible rows of the article as plain text."""
    view = view_of(app)
    return "\n".join(view.render_line(y).text.rstrip() for y in range(view.size.height))


def status_text(app: SorotApp) -> str:
    return str(app.screen.query_one("#status-message").render())


def panel_text(widget) -> str:
    """The visible lines of a Line API widget (the Notes list) as plain text."""
    return "\n".join(widget.render_line(y).text.rstrip() for y in range(widget.size.height))


@pytest.fixture(autouse=True)
def saves_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change is saved before the next key when the disk answers within 50 ms, else in the save
    thread (``tui.ui.saving``). On a loaded CI machine an fsync can take longer, and a story that
    reads the database right after a key would race the thread: here saves get up to 10 s in
    place. ``tests/ui/test_slow_disk.py`` and ``test_saving.py`` test the thread itself."""
    import tui.ui.screens.reader as reader_module

    monkeypatch.setattr(reader_module, "SAVE_AT_ONCE_SECONDS", 10.0)


@pytest.fixture(autouse=True)
def truecolor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app picks its entity palette by the colour depth Rich detects (``tui.ui.palette``),
    which differs between terminals and CI: every test draws in truecolor unless it says otherwise."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")


_NOTIFIED: dict[int, list[Notification]] = {}


def run(app: SorotApp, **options):
    """``app.run_test(**options)``, recording every notification the app shows (through Textual's
    public ``message_hook``) for :func:`notifications`."""
    shown = _NOTIFIED[id(app)] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            shown.append(message.notification)

    return app.run_test(message_hook=hook, **options)


def screen_strips(app: SorotApp, screens=None) -> list:
    """The strips the screen (or each of ``screens``) is composed into, as the terminal gets them.

    Textual has no public way to read what is on screen as text (``export_screenshot`` gives an
    SVG), so this is the one place that asks the compositor; a test never does itself."""
    return [strip for screen in (screens or [app.screen]) for strip in screen._compositor.render_strips()]


async def scroll_down(pilot: Pilot, widget, offset: tuple[int, int]) -> None:
    """The mouse wheel turned down once over ``widget`` at ``offset``: Pilot has clicks and hovers
    but no wheel, so this is the one place that posts the wheel's event the way Pilot does."""
    await pilot._post_mouse_events([events.MouseScrollDown], widget, offset=offset)


def notifications(app: SorotApp) -> list[Notification]:
    """Every notification ``app`` showed so far, in order (also those already timed out)."""
    return _NOTIFIED[id(app)]


@asynccontextmanager
async def reader(
    path: str | Path | None = None,
    *,
    model: str | None = None,
    size: tuple[int, int] = (100, 30),
    wait: bool = True,
    db: str | Path | None = None,
) -> AsyncIterator[tuple[SorotApp, Pilot]]:
    """The app on ``path`` in a headless terminal; ``db`` is its annotation file (default: a
    fresh one per test, so no test sees another's annotations)."""
    with tempfile.TemporaryDirectory(prefix="sorot-db-") as fresh:
        app = make_app(path, model=model, in_process=True, db=db if db is not None else Path(fresh) / "sorot.json")
        async with run(app, size=size) as pilot:
            if wait and isinstance(app.screen, ReaderScreen):
                await wait_for_nlp(pilot)
                await wait_until(pilot, lambda: app.screen.annotations_ready)  # read in a thread
            yield app, pilot


@asynccontextmanager
async def facts_shown(
    db: Path, size: tuple[int, int] = (120, 40)
) -> AsyncIterator[tuple[Pilot, ReaderScreen, FactsPanel]]:
    """The reader on the sample with its facts in the panel (found in this process)."""
    app = make_app(None, engine=NlpEngine(in_process=True), db=str(db))
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await wait_until(pilot, lambda: screen.facts is not None and screen.side_ready)
        yield pilot, screen, screen.query_one(FactsPanel)


class GatedEngine(NlpEngine):
    """An engine whose pipeline is 'loading' until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__(None, in_process=True)
        self.gate = threading.Event()

    def language(self, cancelled=lambda: False) -> str:
        self.gate.wait(30)
        return super().language(cancelled)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """A copy of the sample article the test may edit."""
    path = tmp_path / "berita.txt"
    shutil.copy(sample_article_path(), path)
    return path


@pytest.fixture
def gated_engine() -> GatedEngine:
    return GatedEngine()


# Key names for the characters that have one, as a terminal reports them.
_NAMED = {",": "comma", " ": "space", "/": "slash", "'": "apostrophe", "?": "question_mark", "\t": "tab", "\r": "enter"}
_CHARACTERS = {name: character for character, name in _NAMED.items()}


def burst_one(pilot: Pilot, key: str) -> None:
    """Queue one key as the terminal sends it, without waiting for the app."""
    app = pilot.app
    name = _NAMED.get(key, key)
    character = _CHARACTERS.get(name, key if len(key) == 1 else None)
    event = events.Key(name, character)
    event.set_sender(app)
    app.post_message(event)


async def burst(pilot: Pilot, *keys: str) -> None:
    """Type ``keys`` (characters or key names) as one burst, as key repeat or a laggy SSH link
    delivers them: every key event is queued before the app handles the first (``pilot.press``
    waits for the app between keys, so it never shows what a burst does)."""
    app = pilot.app
    for key in keys:
        name = _NAMED.get(key, key)
        character = _CHARACTERS.get(name, key if len(key) == 1 else None)
        event = events.Key(name, character)
        event.set_sender(app)
        app.post_message(event)
    # Keys are handed on one at a time (tui.ui.keys): wait until every one is handled.
    for _ in range(100):
        await pilot.pause()
        pumps = [app, *(node for screen in app.screen_stack for node in screen.walk_children(with_self=True))]
        if all(pump._message_queue.empty() for pump in pumps) and not app.typed_keys.busy:
            break
