"""A reader whose database holds thousands of annotations on one article (a big import, years of notes).

The story: the text is on screen and pages at once, while the annotations are read in a thread
(keys that act on them say so meanwhile); then they are drawn, each row of the article applying
one style per kind of mark however many overlap, and the Notes list draws only the rows on
screen. Scale runs (100,000 annotations) are marked slow; their figures come from
``benchmarks/many_annotations.py``.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import TabbedContent

import tui.ui.screens.reader as reader_module
import tui.ui.widgets.notes_panel as notes_module
from tests.ui.conftest import burst_one, panel_text, run, screen_text, status_text, view_of, wait_for_nlp, wait_until
from tui.core.analysis.engine import NlpEngine
from tui.core.annotations import Annotation, DocumentRef, make_annotation
from tui.core.document import load_article
from tui.core.store import Store
from tui.ui.app import SorotApp
from tui.ui.screens.annotate import NoteScreen
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.notes_panel import NotesPanel

WIDE = (130, 36)
COLOURS = ("yellow", "green", "blue", "pink", "orange")


def annotations_on(path: Path, count: int, *, kinds: tuple[str, ...] = ("highlight", "note")) -> list[Annotation]:
    """``count`` highlights and notes on the article's words, in turn, many on each word."""
    article = load_article(path)
    text, document = article.text, DocumentRef(article.sha256, str(article.path), article.title)
    words = [m.span() for m in re.finditer(r"\w+", text)]
    out = []
    for i in range(count):
        start, end = words[(i * 7) % len(words)]
        kind = kinds[i % len(kinds)]
        fields = {"note": f"catatan {i}", "tags": [f"t{i % 3}"]} if kind == "note" else {"colour": COLOURS[i % 5]}
        out.append(make_annotation(text, start, end, kind, document=document, **fields))
    return out


def notes_tab(app: SorotApp) -> str:
    return str(app.screen.query_one(TabbedContent).get_tab("tab-notes").label)


def database(tmp_path: Path, annotations: list[Annotation]) -> Path:
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.save_many(annotations)
    return db


class GatedStore(Store):
    """A store whose reading of a document's annotations waits until the test opens the gate."""

    gate: threading.Event

    def annotations_for(self, sha256: str, path: str | None = None) -> list[Annotation]:
        self.gate.wait(20)
        return super().annotations_for(sha256, path)


def gated_reader(sample_path: Path, tmp_path: Path, count: int) -> tuple[SorotApp, GatedStore]:
    """A reader on the sample with ``count`` annotations, which it reads once the test opens the
    store's gate."""
    store = GatedStore.open(database(tmp_path, annotations_on(sample_path, count)))
    store.gate = threading.Event()
    return SorotApp(load_article(sample_path), engine=NlpEngine(None, in_process=True), store=store), store


async def test_the_text_pages_before_the_annotations_are_read(sample_path: Path, tmp_path: Path) -> None:
    app, store = gated_reader(sample_path, tmp_path, 300)
    async with run(app, size=WIDE) as pilot:
        await wait_for_nlp(pilot)
        view = view_of(app)
        assert "Presiden Rusia, Vladimir Putin" in screen_text(app)
        assert view.annotations == [] and not app.screen.annotations_ready
        top = view.scroll_offset.y
        await pilot.press("pagedown")
        assert view.scroll_offset.y > top
        await pilot.press("t")
        assert "Loading annotations" in panel_text(app.screen.query_one(NotesPanel))
        await pilot.press("escape", "h")  # highlight the word under the cursor: once they are read
        assert status_text(app) == "annotations are loading: this goes on once they are read"
        burst_one(pilot, "2")  # typed for the colour picker, not yet open: held, not a legend toggle
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and view.hidden_labels == set()

        store.gate.set()
        await wait_until(pilot, lambda: len(view.annotations) == 301)
        assert notes_tab(app) == "Notes (301)"
        assert isinstance(app.screen, ReaderScreen) and status_text(app) == "highlighted in green (u undoes)"
        assert not app.typed_keys.busy


async def test_a_note_typed_while_the_annotations_load_goes_into_the_note(sample_path: Path, tmp_path: Path) -> None:
    app, store = gated_reader(sample_path, tmp_path, 30)
    async with run(app, size=WIDE) as pilot:
        await wait_for_nlp(pilot)
        view = view_of(app)
        view.move_cursor(view.text.index("Kremlin"))
        for key in ["a", *"Eba", "tab", *"esai", "ctrl+s", "j"]:  # E would export, b page up, s ...
            burst_one(pilot, key)
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and view.cursor == view.text.index("Kremlin")
        store.gate.set()
        await wait_until(pilot, lambda: len(view.annotations) == 31)
        await wait_until(pilot, lambda: not app.typed_keys.busy)
        (note,) = [a for a in view.annotations if a.kind == "note" and a.note == "Eba"]
        assert note.tags == ("esai",) and note.quote.exact == "Kremlin"
        assert isinstance(app.screen, ReaderScreen) and view.cursor > view.text.index("Kremlin")  # j


async def test_the_word_about_loading_goes_once_the_annotations_are_read(sample_path: Path, tmp_path: Path) -> None:
    app, store = gated_reader(sample_path, tmp_path, 30)
    async with run(app, size=WIDE) as pilot:
        await wait_for_nlp(pilot)
        await pilot.press("a")
        assert status_text(app) == "annotations are loading: this goes on once they are read"
        store.gate.set()
        await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen))
        await pilot.press("escape")  # nothing typed: closed at once, nothing said
        assert isinstance(app.screen, ReaderScreen) and status_text(app) == ""


async def test_keys_held_for_annotations_that_never_come_are_dropped(
    sample_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(reader_module, "ANNOTATIONS_HOLD_SECONDS", 0.3)
    app, store = gated_reader(sample_path, tmp_path, 30)
    async with run(app, size=WIDE) as pilot:
        await wait_for_nlp(pilot)
        view = view_of(app)
        for key in ["a", *"Eb", "G"]:
            burst_one(pilot, key)
        await wait_until(pilot, lambda: status_text(app) == "annotations are still loading: try again in a moment")
        assert not app.typed_keys.busy
        assert isinstance(app.screen, ReaderScreen) and view.cursor == 0  # no export, no paging
        await pilot.press("G")  # keys typed now are the reader's again
        assert view.cursor > 0
        store.gate.set()
        await wait_until(pilot, lambda: app.screen.annotations_ready)
        assert isinstance(app.screen, ReaderScreen)  # the note given up does not open later


async def test_a_row_draws_each_kind_of_mark_once_however_many_overlap(
    sample_path: Path, tmp_path: Path, monkeypatch
) -> None:
    article = load_article(sample_path)
    text, document = article.text, DocumentRef(article.sha256, str(article.path), article.title)
    start = text.index("Vladimir Putin")
    # 3,000 highlights over the same name, some a little shorter, in every colour but green; then
    # one green one inside it, which starts later and so is drawn over them: "adi" of Vladimir.
    anns = [
        make_annotation(text, start, start + 14 - i % 10, "highlight", document=document, colour=COLOURS[i % 5])
        for i in range(3000)
        if i % 5 != 1
    ]
    anns.append(make_annotation(text, start + 2, start + 5, "highlight", document=document, colour="green"))
    db = database(tmp_path, anns)
    app = SorotApp(article, engine=NlpEngine(None, in_process=True), db=db)
    async with run(app, size=WIDE) as pilot:
        await wait_until(pilot, lambda: app.screen.annotations_ready and len(view_of(app).annotations) == len(anns))
        view = view_of(app)
        # Without entities: inside one, its own text colour is drawn over a highlight's (only the
        # underline shows), and whether the pipeline's have come by now depends on the machine.
        view.set_entities([])
        calls = []
        real = Text.stylize
        monkeypatch.setattr(Text, "stylize", lambda self, *args: calls.append(args) or real(self, *args))
        row = view.wrapped.row_of(start) - view.scroll_offset.y
        strip = view.render_line(row)
        assert len(calls) < 60  # entities, a few runs of marks, the cursor: not one per annotation
        green = view._style("highlight--green").color
        shown = "".join(segment.text for segment in strip if segment.style and segment.style.color == green)
        assert shown == "adi"


async def test_an_imported_highlight_in_a_colour_sorot_does_not_have_is_drawn(
    sample_path: Path, tmp_path: Path
) -> None:
    article = load_article(sample_path)
    document = DocumentRef(article.sha256, str(article.path), article.title)
    start = article.text.index("Kim Jong Un")
    # As another tool (or a hand-edited export) would write it: Indonesian for yellow.
    kuning = make_annotation(article.text, start, start + 11, "highlight", document=document, colour="kuning")
    db = database(tmp_path, [kuning])
    app = SorotApp(article, engine=NlpEngine(None, in_process=True), db=db)
    async with run(app, size=WIDE) as pilot:
        await wait_until(pilot, lambda: app.screen.annotations_ready)
        await pilot.pause()
        assert "Kim Jong Un" in screen_text(app)
        await pilot.press("t")
        assert "highlight (kuning)" in panel_text(app.screen.query_one(NotesPanel))


async def test_the_notes_list_draws_only_the_rows_on_screen(sample_path: Path, tmp_path: Path, monkeypatch) -> None:
    anns = annotations_on(sample_path, 3000)
    db = database(tmp_path, anns)
    drawn = []
    real = notes_module.annotation_row
    monkeypatch.setattr(notes_module, "annotation_row", lambda ann: drawn.append(ann.id) or real(ann))
    app = SorotApp(load_article(sample_path), engine=NlpEngine(None, in_process=True), db=db)
    async with run(app, size=WIDE) as pilot:
        await wait_until(pilot, lambda: app.screen.annotations_ready)
        notes = app.screen.query_one(NotesPanel)
        await wait_until(pilot, lambda: len(notes.ids) == 3000)
        await pilot.press("t", "tab")
        await pilot.press("end")
        await pilot.pause()
        last = app.screen.session.annotations[-1]
        assert notes.ids[notes.highlighted] == last.id
        assert f"catatan {anns.index(last)}" in panel_text(notes) or "highlight" in panel_text(notes)
        assert len(set(drawn)) < 100  # the first screen and the last, of 3,000
        assert notes_tab(app) == "Notes (3,000)"
        await pilot.press("enter")  # goes to it in the article
        view = view_of(app)
        assert view.focus_span == (last.start, last.end)


@pytest.mark.slow
async def test_100000_annotations_open_page_and_list(tmp_path: Path, sample_path: Path) -> None:
    db = database(tmp_path, annotations_on(sample_path, 100_000))
    app = SorotApp(load_article(sample_path), engine=NlpEngine(None, in_process=True), db=db)
    async with run(app, size=WIDE) as pilot:
        await pilot.pause()
        assert "Presiden Rusia, Vladimir Putin" in screen_text(app)
        await wait_until(pilot, lambda: app.screen.annotations_ready, timeout=300)
        await wait_until(pilot, lambda: len(view_of(app).annotations) == 100_000, timeout=120)
        await pilot.press("pagedown", "t", "end")
        notes = app.screen.query_one(NotesPanel)
        assert notes.highlighted == 99_999
        assert notes_tab(app) == "Notes (100,000)"
