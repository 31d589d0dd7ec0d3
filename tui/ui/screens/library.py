"""The library shown by ``sorot DIR``: its articles, and the entities they name across them.

The articles list at once (titles from the files' first kilobytes); the entity index
(:mod:`tui.core.library`) is brought up to date in a thread, article by article, with the app's
NLP engine (its child process: the pipeline loads once, never on this thread), and both lists
fill in as it grows. Enter on an article opens it; on an entity, the sentences naming it, by
date, where enter opens the article at that sentence. ``/`` searches the articles' titles and
texts and the reader's notes and tags on them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.core.document import HTML_SUFFIXES, inert, peek_title
from tui.ui.keymaps import KeyBarScreen

if TYPE_CHECKING:
    from tui.core.library import Library, LibraryArticle, LibraryEntity, LibraryMention
    from tui.ui.app import SorotApp

_PAGE_HEAD = 64 * 1024  # a page's <title> and OpenGraph tags are in its head
REFRESH_SECONDS = 0.5
"""While the index is built, the lists show what it holds at most this often (each is a query)."""
ENTITIES_SHOWN = 2000
"""The entity list shows the entities named in the most articles, this many at most."""


def _size(num_bytes: int) -> str:
    """``3.0 MiB``: in the units of ``--max-size`` and of its refusals (powers of 1024)."""
    size = float(num_bytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{num_bytes}\u00a0B" if unit == "B" else f"{size:.1f}\u00a0{unit}"  # never split across lines
        size /= 1024
    return ""


def _peek(path: Path) -> tuple[str, str]:
    """The title and size of an article, from its first few kilobytes (the list must open fast)."""
    try:
        size = _size(path.stat().st_size)
        if path.suffix.lower() not in HTML_SUFFIXES:
            return peek_title(path), size
        with path.open("rb") as handle:
            head = handle.read(_PAGE_HEAD)
    except OSError:
        return path.name, "unreadable"
    # trafilatura, htmldate and lxml: 0.1 s of imports that the reader of a text file never needs
    from tui.core.web.page import page_title

    return page_title(head) or path.name, size


def dated(found: LibraryArticle) -> str:
    """An article's date as the library shows it: a file's modification time says so."""
    return f"{found.date} (file time)" if found.date_source == "mtime" else found.date


class IndexProgressed(Message):
    """The library's index holds more articles (``done`` of ``total`` to index), or is complete;
    with what it holds now when the lists are due to show it (read in the indexing thread)."""

    def __init__(
        self,
        done: int,
        total: int,
        finished: bool = False,
        held: tuple[list[LibraryArticle], list[LibraryEntity]] | None = None,
    ) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.finished = finished
        self.held = held


class SearchFound(Message):
    """What ``/`` found: the articles, in the library's order, and what it looked for."""

    def __init__(self, words: str, paths: list[str]) -> None:
        super().__init__()
        self.words = words
        self.paths = paths


class LibraryScreen(KeyBarScreen):
    """The articles of one directory and the entities they name."""

    # Parsed when this screen is first shown (Textual's Screen.CSS), not at the reader's start.
    CSS = """
    #articles { height: 1fr; }
    #library-body { height: 1fr; }
    #library-articles { width: 3fr; }
    #library-entities { width: 2fr; border-left: vkey $panel; }
    #library-entities #entities { height: 1fr; }
    .library-heading { height: 1; padding: 0 1; text-style: bold; background: $panel; }
    #library-status { height: 1; padding: 0 1; color: $text-muted; }
    #library-search { dock: bottom; margin-bottom: 1; }
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="library.cursor_down"),
        Binding("k", "cursor_up", "Up", show=False, id="library.cursor_up"),
        Binding("tab", "switch_list", "Articles ⇄ entities", key_display="tab",
                tooltip="Move between the articles and the entities they name", id="library.switch_list"),
        Binding("slash", "start_search", "Search", key_display="/",
                tooltip="Search the articles' titles and texts, and your notes and tags on them",
                id="library.start_search"),
        Binding("escape", "clear_search", "All articles", show=False,
                tooltip="Show every article again after a search", id="library.clear_search"),
    ]  # fmt: skip

    if TYPE_CHECKING:

        @property
        def app(self) -> SorotApp: ...

    def __init__(self, directory: Path, articles: list[Path]) -> None:
        super().__init__()
        self.directory = directory
        self.articles = articles
        self.shown: list[Path] = list(articles)
        """The articles the list shows, in its order (all of them, or what a search found)."""
        self.library: Library | None = None
        self.entities: list[LibraryEntity] = []
        self.indexed_articles: dict[str, LibraryArticle] = {}
        """The index's articles of this directory, by absolute path, as last read."""
        self.indexed = (0, 0)
        """``(done, total)`` of the articles to index; equal once the index is up to date."""
        self._finished = False
        self._searched = ""
        self._peeked: dict[Path, tuple[str, str]] = {}
        """Each article's title and size as the list first showed them (until it is indexed)."""

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), id="title-bar")
        with Horizontal(id="library-body"):
            with Vertical(id="library-articles"):
                yield Static("Articles", classes="library-heading")
                options = []
                for index, path in enumerate(self.articles):
                    title, size = self._peeked[path] = _peek(path)
                    prompt = Text.assemble((inert(title), "bold"), ("  " + inert(path.name) + "  " + size, "dim"))
                    options.append(Option(prompt, id=str(index)))
                yield OptionList(*options, id="articles")
            with Vertical(id="library-entities"):
                yield Static("Entities", classes="library-heading")
                yield OptionList(id="entities")
        yield Static("⋯ indexing the entities", id="library-status")
        yield Input(placeholder="Search titles, texts, notes and tags; enter searches", id="library-search")
        yield Footer()

    def _heading(self) -> Text:
        heading = Text.assemble(("Articles in ", "bold"), (inert(str(self.directory)), "bold"))
        if self._searched:
            heading.append(f"  ({len(self.shown)} of {len(self.articles)} with “")
            heading.append(inert(self._searched))
            heading.append("”)")
        else:
            heading.append(f"  ({len(self.articles)})")
        return heading

    def on_mount(self) -> None:
        self.query_one("#articles", OptionList).focus()
        self.query_one("#library-search", Input).display = False
        self.call_after_refresh(self.build_index)

    # ----------------------------------------------------------------------------- the index

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def build_index(self) -> None:
        """Open the index beside the database and bring it up to date with this directory's
        articles (in this thread; the pipeline in the engine's process). Posts progress."""
        from tui.core.library import LibraryError, refresh
        from tui.core.nlp import PipelineError

        worker = get_current_worker()
        app = self.app
        try:
            library = app.library
        except LibraryError as exc:
            app.call_from_thread(self._say, f"no entity index: {exc}")
            return
        self.library = library
        shown_at = 0.0

        def held() -> tuple[list[LibraryArticle], list[LibraryEntity]]:
            return library.articles(self.directory), library.entities(self.directory, limit=ENTITIES_SHOWN)

        def progress(done: int, total: int) -> None:
            # The lists are read here, not on the interface's thread: grouping the names of a
            # large library into entities takes a while.
            nonlocal shown_at
            due = done == 0 or time.monotonic() - shown_at >= REFRESH_SECONDS
            if due:
                shown_at = time.monotonic()
            self.post_message(IndexProgressed(done, total, held=held() if due else None))

        try:
            done = refresh(
                library,
                self.directory,
                self.articles,
                app.engine.find_entities,
                max_bytes=app.max_bytes,
                progress=progress,
                cancelled=lambda: worker.is_cancelled,
            )
        except PipelineError as exc:
            app.call_from_thread(self._say, f"the entity index stopped: {exc}")
            return
        if not worker.is_cancelled:
            count = done.indexed + done.unchanged
            self.post_message(IndexProgressed(count, count, True, held()))

    def _say(self, message: str) -> None:
        self.query_one("#library-status", Static).update(Text(inert(message)))

    @on(IndexProgressed)
    def index_progressed(self, event: IndexProgressed) -> None:
        self.indexed = (event.done, event.total)
        self._finished = event.finished
        if event.held is not None:
            found, self.entities = event.held
            self.indexed_articles = {article.path: article for article in found}
            self.show_index()
        if event.finished:
            self._say(self._indexed_summary())
        else:
            self._say(f"⋯ indexing the entities: {event.done}/{event.total}")

    def _indexed_summary(self) -> str:
        count = len(self.indexed_articles)
        return f"{count} article{'' if count == 1 else 's'} indexed" if self._finished else ""

    def show_index(self) -> None:
        """Show what the index held when last read: the articles' dates and sites, and the entities."""
        by_path = self.indexed_articles
        articles = self.query_one("#articles", OptionList)
        highlighted = articles.highlighted
        prompts = []
        for index, path in enumerate(self.shown):
            found = by_path.get(str(path.resolve()))
            title, size = self._peeked.get(path) or _peek(path)
            if found is not None:
                title = found.title
            prompt = Text.assemble((inert(title), "bold"), ("  " + inert(path.name) + "  " + size, "dim"))
            if found is not None:
                prompt.append("  " + dated(found), style="italic" if found.date_source == "mtime" else "")
                if found.site:
                    prompt.append("  " + inert(found.site), style="dim")
            prompts.append(Option(prompt, id=str(index)))
        articles.clear_options()
        articles.add_options(prompts)
        if prompts:
            articles.highlighted = min(highlighted or 0, len(prompts) - 1)
        entities = self.query_one("#entities", OptionList)
        chosen = entities.highlighted
        entities.clear_options()
        entities.add_options(
            Option(
                Text.assemble(
                    (inert(entity.name), "bold"),
                    ("  " + inert(entity.label), "dim"),
                    f"  {entity.articles} article{'' if entity.articles == 1 else 's'}",
                    (f" · {entity.mentions}×", "dim"),
                ),
                id=str(entity.id),
            )
            for entity in self.entities
        )
        if self.entities:
            entities.highlighted = min(chosen or 0, len(self.entities) - 1)

    # ----------------------------------------------------------------------------- keys

    def _focused_list(self) -> OptionList:
        focused = self.focused
        return focused if isinstance(focused, OptionList) else self.query_one("#articles", OptionList)

    def action_cursor_down(self) -> None:
        self._focused_list().action_cursor_down()

    def action_cursor_up(self) -> None:
        self._focused_list().action_cursor_up()

    def action_switch_list(self) -> None:
        other = "#entities" if self._focused_list().id == "articles" else "#articles"
        self.query_one(other, OptionList).focus()

    def action_start_search(self) -> None:
        search = self.query_one("#library-search", Input)
        search.display = True
        search.focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#library-search", Input)
        search.value = ""
        search.display = False
        if self._searched:
            self._searched = ""
            self.shown = list(self.articles)
            self._show_articles()
            self._say(self._indexed_summary())
        self.query_one("#articles", OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_search":
            return bool(self._searched) or self.query_one("#library-search", Input).display
        return True

    @on(Input.Submitted, "#library-search")
    def search(self, event: Input.Submitted) -> None:
        words = event.value.strip()
        if not words:
            self.action_clear_search()
            return
        self._say(f"⋯ searching for “{inert(words)}”")
        self._search_in_thread(words)

    @work(thread=True, exclusive=True, group="library-search", exit_on_error=False)
    def _search_in_thread(self, words: str) -> None:
        """The articles whose title or text holds ``words`` (from the index), and those whose
        notes or tags do (from the annotation store)."""
        from tui.core.store import StoreError

        found = {a.path for a in self.library.search(words, self.directory)} if self.library is not None else set()
        wanted = words.casefold()
        known = {a.path: a.sha256 for a in self.library.articles(self.directory)} if self.library is not None else {}
        store = self.app.store
        for path in self.articles:
            where = str(path.resolve())
            if where in found or where not in known:
                continue
            try:
                annotations = store.annotations_for(known[where], where)
            except (StoreError, OSError):
                continue
            for annotation in annotations:
                if any(wanted in part.casefold() for part in (annotation.note, *annotation.tags)):
                    found.add(where)
                    break
        self.post_message(SearchFound(words, sorted(found)))

    @on(SearchFound)
    def search_found(self, event: SearchFound) -> None:
        found = set(event.paths)
        self._searched = event.words
        self.shown = [path for path in self.articles if str(path.resolve()) in found]
        self._show_articles()
        self._say(f"{len(self.shown)} article{'' if len(self.shown) == 1 else 's'} with “{inert(event.words)}”")
        self.query_one("#library-search", Input).display = False
        self.query_one("#articles", OptionList).focus()

    def _show_articles(self) -> None:
        self.query_one("#title-bar", Static).update(self._heading())
        self.show_index()

    # ----------------------------------------------------------------------------- opening

    @on(OptionList.OptionSelected, "#articles")
    def open_article(self, event: OptionList.OptionSelected) -> None:
        self.app.open_article(self.shown[int(event.option.id or 0)], can_go_back=True)

    @on(OptionList.OptionSelected, "#entities")
    def open_entity(self, event: OptionList.OptionSelected) -> None:
        if self.library is None:
            return
        entity = next((e for e in self.entities if str(e.id) == event.option.id), None)
        if entity is not None:
            self.app.push_screen(MentionsScreen(entity, self.library.mentions(entity.id, self.directory)))


class MentionsScreen(KeyBarScreen):
    """Every sentence of the library that names one entity, by date: enter reads it in its article."""

    CSS = "#mentions { height: 1fr; }"  # parsed when first shown, as the library's

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="mentions.cursor_down"),
        Binding("k", "cursor_up", "Up", show=False, id="mentions.cursor_up"),
        Binding("backspace,escape", "back", "Back", key_display="⌫", tooltip="Back to the library",
                id="mentions.back"),
    ]  # fmt: skip

    if TYPE_CHECKING:

        @property
        def app(self) -> SorotApp: ...

    def __init__(self, entity: LibraryEntity, mentions: list[LibraryMention]) -> None:
        super().__init__()
        self.entity = entity
        self.mentions = mentions

    def compose(self) -> ComposeResult:
        articles = len({m.article.path for m in self.mentions})
        yield Static(
            Text.assemble(
                (inert(self.entity.name), "bold"),
                ("  " + inert(self.entity.label), "dim"),
                f"  {len(self.mentions)} sentences in {articles} article{'' if articles == 1 else 's'}",
            ),
            id="title-bar",
        )
        options = []
        for index, mention in enumerate(self.mentions):
            found = mention.article
            prompt = Text.assemble(
                (dated(found), "italic" if found.date_source == "mtime" else ""),
                "  ",
                (inert(found.title), "bold"),
                ("  " + inert(Path(found.path).name), "dim"),
                "\n  ",
            )
            sentence = Text(inert(mention.sentence))
            start, end = mention.mention[0] - mention.start, mention.mention[1] - mention.start
            if 0 <= start < end <= len(sentence):
                sentence.stylize("bold reverse", start, end)
            prompt.append_text(sentence)
            options.append(Option(prompt, id=str(index)))
        yield OptionList(*options, id="mentions")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_back(self) -> None:
        self.dismiss()

    @on(OptionList.OptionSelected)
    def open_mention(self, event: OptionList.OptionSelected) -> None:
        mention = self.mentions[int(event.option.id or 0)]
        self.app.open_article(
            Path(mention.article.path),
            can_go_back=True,
            at=(mention.start, mention.sentence, mention.article.sha256),
        )
