"""The library shown by ``sorot DIR``: its articles, and the entities they name across them.

The articles list at once (titles from the files' first kilobytes); the entity index
(:mod:`tui.core.library`) is brought up to date in a thread, article by article, with the app's
NLP engine (its child process: the pipeline loads once, never on this thread), and both lists
fill in as it grows. Enter on an article opens it; on an entity, the sentences naming it, by
date, where enter opens the article at that sentence. ``/`` searches the articles' titles and
texts and the reader's notes and tags on them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Group
from rich.padding import Padding
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
    from tui.core.library import Library, LibraryArticle, LibraryEntity, LibraryMention, Refreshed
    from tui.ui.app import SorotApp

_MD_MARKS = re.compile(r"#{1,6}[ \t]+")
_PAGE_HEAD = 64 * 1024  # a page's <title> and OpenGraph tags are in its head
REFRESH_SECONDS = 2.0
"""While the index is built, the lists show what it holds at most this often (each is a query, and
the rows that changed are drawn again)."""
SLOW_BYTES = 256 * 1024
"""An article this large takes seconds to index: the status names it as soon as it starts."""
STATUS_SECONDS = 0.1
"""The status line says which article is being indexed at most this often."""
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


def article_row(
    name: str, title: str, size: str, found: LibraryArticle | None = None, unreadable: str | None = None
) -> Text:
    """An article's row in the list: its title (the index's once indexed), file name and size,
    then its date and site, or why it could not be indexed (dim)."""
    if found is not None:
        title = found.title
    row = Text.assemble((inert(title), "dim" if unreadable else "bold"), ("  " + inert(name) + "  " + size, "dim"))
    if unreadable is not None:
        row.append("  unreadable: " + inert(unreadable), style="dim italic")
    elif found is not None:
        row.append("  " + dated(found), style="italic" if found.date_source == "mtime" else "")
        if found.site:
            row.append("  " + inert(found.site), style="dim")
    return row


def entity_rows(entities: list[LibraryEntity], width: int) -> list[Option]:
    """The entity list's rows, each on one line of ``width`` cells: a long name is cut with "…"."""
    rows = []
    for entity in entities:
        tail = Text.assemble(
            ("  " + inert(entity.label), "dim"),
            f"  {entity.articles} article{'' if entity.articles == 1 else 's'}",
            (f" · {entity.mentions}×", "dim"),
        )
        name = Text(inert(entity.name), style="bold")
        name.truncate(max(4, width - tail.cell_len), overflow="ellipsis")
        row = name + tail
        row.no_wrap = True
        row.overflow = "ellipsis"
        rows.append(Option(row, id=str(entity.id)))
    return rows


class IndexProgressed(Message):
    """The library's index holds more articles (``done`` of ``total`` to index), or is complete;
    ``working_on`` is the article being indexed. When the lists are due to show what it holds,
    ``rows`` (each article's row, by path, the same object as before where it did not change) and
    ``entities`` (with their rows, ``None`` when they did not change) come with it, made in the
    indexing thread. ``gone``: articles deleted meanwhile."""

    def __init__(
        self,
        done: int,
        total: int,
        finished: bool = False,
        working_on: str = "",
        rows: dict[Path, Text] | None = None,
        entities: tuple[list[LibraryEntity], list[Option]] | None = None,
        gone: tuple[Path, ...] = (),
        indexed: dict[str, LibraryArticle] | None = None,
    ) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.finished = finished
        self.working_on = working_on
        self.rows = rows
        self.entities = entities
        self.gone = gone
        self.indexed = indexed


class SearchFound(Message):
    """What ``/`` found: the articles, in the list's order, and what it looked for."""

    def __init__(self, words: str, paths: list[Path]) -> None:
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
        self.source: Path | str = directory
        """The part of the index this library shows (:meth:`Library.articles`'s ``folder``)."""
        self.articles = articles
        self.shown: list[Path] = list(articles)
        """The articles the list shows, in its order (all of them, or what a search found)."""
        self.library: Library | None = None
        self.entities: list[LibraryEntity] = []
        self.indexed_articles: dict[str, LibraryArticle] = {}
        """The index's articles of this directory, by absolute path, as last read."""
        self.unreadable: dict[Path, str] = {}
        """The articles that could not be indexed, with the reason."""
        self.indexed = (0, 0)
        """``(done, total)`` of the articles to index; equal once the index is up to date."""
        self._finished = False
        self._searched = ""
        self._peeked: dict[Path, tuple[str, str]] = {}
        """Each article's title and size as the list first showed them (until it is indexed)."""
        self._rows: dict[Path, Text] = {}
        """Each article's row as the indexing thread last made it."""
        self._keys: dict[Path, str] = {}
        """Each article's absolute path, as the index knows it (resolved in the indexing thread)."""
        self.entity_width = 40
        """The width of the entity list's rows (read by the indexing thread, which cuts names to it)."""

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), id="title-bar")
        with Horizontal(id="library-body"):
            with Vertical(id="library-articles"):
                yield Static("Articles", classes="library-heading")
                options = []
                for index, path in enumerate(self.articles):
                    title, size = self._peeked[path] = self._peek(path)
                    options.append(Option(article_row(self._article_name(path), title, size), id=str(index)))
                yield OptionList(*options, id="articles")
            with Vertical(id="library-entities"):
                yield Static("Entities", classes="library-heading")
                yield OptionList(id="entities")
        yield Static("⋯ indexing the entities", id="library-status")
        yield Input(placeholder="Search titles, texts, notes and tags; enter searches", id="library-search")
        yield Footer()

    # ----------------------------------------------------------------------------- where the articles are

    def _peek(self, path: Path) -> tuple[str, str]:
        """An article's title and size before it is indexed."""
        return _peek(path)

    def _article_name(self, path: Path) -> str:
        """How an article's row names it."""
        return path.name

    def _key_of(self, path: Path) -> str:
        """What the index knows an article by."""
        return str(path.resolve())

    def _exists(self, path: Path) -> bool:
        return path.exists()

    def _where(self) -> str:
        return "Articles in " + str(self.directory)

    def _refresh(
        self,
        library: Library,
        articles: list[Path],
        starting: Callable[[Path, int, int, int], None],
        failing: Callable[[Path, str], None],
        progress: Callable[[int, int], None],
        cancelled: Callable[[], bool],
    ) -> Refreshed:
        """Bring the index up to date with ``articles`` (in the indexing thread)."""
        from tui.core.library import refresh

        return refresh(
            library,
            self.directory,
            articles,
            self.app.engine.find_entities,
            max_bytes=self.app.max_bytes,
            progress=progress,
            starting=starting,
            unreadable=failing,
            cancelled=cancelled,
        )

    def name_of(self, key: str) -> str:
        """How an article the index knows by ``key`` is named beside its title."""
        return Path(key).name

    def open_key(self, key: str, at: tuple[int, str, str] | None = None) -> None:
        """Read the article the index knows by ``key``."""
        self.open_at(Path(key), at)

    def open_at(self, path: Path, at: tuple[int, str, str] | None = None) -> None:
        """Read an article (at a sentence: ``(offset, sentence, sha256)``)."""
        self.app.open_article(path, can_go_back=True, at=at)

    def _heading(self) -> Text:
        heading = Text(inert(self._where()), style="bold")
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

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_entities)

    def _fit_entities(self) -> bool:
        """Cut the entities' names to the list's width (when it changed); whether it did."""
        entities = self.query_one("#entities", OptionList)
        padding = entities.get_component_styles("option-list--option").padding.width
        width = entities.scrollable_content_region.width - padding
        if width <= 0 or width == self.entity_width:
            return False
        self.entity_width = width
        if self.entities:
            self._show_entities(entity_rows(self.entities, width))
        return True

    # ----------------------------------------------------------------------------- the index

    @work(thread=True, exclusive=True, group="library", exit_on_error=False, description="build_index")
    def build_index(self) -> None:
        """Open the index beside the database and bring it up to date with this directory's
        articles (in this thread; the pipeline in the engine's process). Posts progress, with the
        lists' rows made here: the interface's thread only swaps those that changed."""
        from tui.core.library import LibraryError
        from tui.core.nlp import PipelineError

        worker = get_current_worker()
        app = self.app
        try:
            library = app.library
        except LibraryError as exc:
            app.call_from_thread(self._say, f"no entity index: {exc}")
            return
        self.library = library
        articles = list(self.articles)
        keys = {path: self._key_of(path) for path in articles}
        self._keys = keys
        peeked = dict(self._peeked)
        made: dict[Path, tuple[LibraryArticle | None, str | None, Text]] = {}
        unreadable: dict[Path, str] = {}
        last_entities: list[LibraryEntity] | None = None
        shown_at = 0.0
        said_at = 0.0
        working_on = ""

        indexed: dict[str, LibraryArticle] = {}

        def rows() -> dict[Path, Text]:
            by_key = {found.path: found for found in library.articles(self.source)}
            indexed.clear()
            indexed.update(by_key)
            for path in articles:
                found, reason = by_key.get(keys[path]), unreadable.get(path)
                before = made.get(path)
                if before is None or before[0] != found or before[1] != reason:
                    title, size = peeked.get(path) or (self._article_name(path), "")
                    made[path] = (found, reason, article_row(self._article_name(path), title, size, found, reason))
            return {path: row for path, (_found, _reason, row) in made.items()}

        def entities() -> tuple[list[LibraryEntity], list[Option]] | None:
            nonlocal last_entities
            found = library.entities(self.source, limit=ENTITIES_SHOWN)
            if found == last_entities:
                return None
            last_entities = found
            return found, entity_rows(found, self.entity_width)

        def post(
            done: int, total: int, finished: bool = False, gone: tuple[Path, ...] = (), now_too: bool = False
        ) -> None:
            # The lists are read here, not on the interface's thread: grouping the names of a
            # large library into entities takes a while, and so do two thousand rows.
            nonlocal shown_at, said_at
            now = time.monotonic()
            due = finished or done == 0 or now - shown_at >= REFRESH_SECONDS
            if not due and not now_too and now - said_at < STATUS_SECONDS:
                return
            said_at = now
            if due:
                shown_at = now
                message = IndexProgressed(done, total, finished, working_on, rows(), entities(), gone, dict(indexed))
            else:
                message = IndexProgressed(done, total, finished, working_on)
            self.post_message(message)

        def starting(path: Path, size: int, done: int, total: int) -> None:
            nonlocal working_on
            working_on = f"{self._article_name(path)} ({_size(size)})"
            post(done, total, now_too=size >= SLOW_BYTES)  # the status names an article that takes a while

        def failing(path: Path, reason: str) -> None:
            unreadable[path] = reason
            self.unreadable = dict(unreadable)

        try:
            done = self._refresh(
                library,
                articles,
                starting,
                failing,
                lambda done, total: post(done, total),
                lambda: worker.is_cancelled,
            )
            if not worker.is_cancelled:
                gone = tuple(path for path in articles if not self._exists(path))
                for path in gone:
                    made.pop(path, None)
                articles = [path for path in articles if path not in gone]
                count = done.indexed + done.unchanged
                working_on = ""
                post(count, count, True, gone)
        except (PipelineError, LibraryError) as exc:
            app.call_from_thread(self._say, f"the entity index stopped: {exc}")

    def _say(self, message: str) -> None:
        self.query_one("#library-status", Static).update(Text(inert(message)))

    @on(IndexProgressed)
    def index_progressed(self, event: IndexProgressed) -> None:
        self.indexed = (event.done, event.total)
        self._finished = event.finished
        if event.gone:
            gone = set(event.gone)
            self.articles = [path for path in self.articles if path not in gone]
            self.shown = [path for path in self.shown if path not in gone]
            self.query_one("#title-bar", Static).update(self._heading())
        if event.rows is not None:
            self._rows = event.rows
            self.indexed_articles = event.indexed or {}
            self.show_index(rebuild=bool(event.gone))
        if event.entities is not None:
            self.entities, rows = event.entities
            if not self._fit_entities():  # made for another width: made again for this one
                self._show_entities(rows)
        if event.finished:
            self._say(self._indexed_summary())
        else:
            working = f" {event.working_on}" if event.working_on else " the entities"
            self._say(f"⋯ indexing{working} {event.done}/{event.total}")

    EMPTY = "no articles here (.txt, .md and .html files are read)"
    """What the status line says when there is no article at all (not an empty index that looks broken)."""

    def _indexed_summary(self) -> str:
        if not self._finished:
            return ""
        if not self.articles:
            return self.EMPTY
        count = len(self.indexed_articles)
        summary = f"{count} article{'' if count == 1 else 's'} indexed"
        unreadable = sum(1 for path in self.articles if path in self.unreadable)
        return summary + (f", {unreadable} unreadable" if unreadable else "")

    def show_index(self, rebuild: bool = False) -> None:
        """Show the articles' rows as the indexing thread last made them: only the rows that
        changed are replaced (no file is looked at here); ``rebuild`` when the list itself changed."""
        articles = self.query_one("#articles", OptionList)
        rows = [self._rows.get(path) for path in self.shown]
        if rebuild or articles.option_count != len(rows):
            highlighted = articles.highlighted
            articles.clear_options()
            articles.add_options(
                Option(
                    row
                    if row is not None
                    else article_row(self._article_name(path), *self._peeked.get(path, (self._article_name(path), ""))),
                    id=str(i),
                )
                for i, (path, row) in enumerate(zip(self.shown, rows, strict=True))
            )
            if rows:
                articles.highlighted = min(highlighted or 0, len(rows) - 1)
            return
        for index, row in enumerate(rows):
            if row is not None and articles.get_option_at_index(index).prompt is not row:
                articles.replace_option_prompt_at_index(index, row)

    def _show_entities(self, rows: list[Option]) -> None:
        entities = self.query_one("#entities", OptionList)
        chosen = entities.highlighted
        entities.clear_options()
        entities.add_options(rows)
        if rows:
            entities.highlighted = min(chosen or 0, len(rows) - 1)

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

    @work(thread=True, exclusive=True, group="library-search", exit_on_error=False, description="_search_in_thread")
    def _search_in_thread(self, words: str) -> None:
        """The articles whose title or text holds ``words`` (from the index), and those whose
        notes or tags do (from the annotation store)."""
        from tui.core.library import LibraryError
        from tui.core.store import StoreError

        library = self.library
        try:
            found = {a.path for a in library.search(words, self.source)} if library is not None else set()
            known = {a.path: a.sha256 for a in library.articles(self.source)} if library is not None else {}
        except LibraryError as exc:  # a damaged index: the next opening of the directory builds it again
            self.app.call_from_thread(self._say, f"cannot search: {exc}")
            return
        wanted = words.casefold()
        store = self.app.store
        matching = []
        for path in self.articles:
            where = self._keys.get(path) or self._key_of(path)
            if where in found:
                matching.append(path)
            if where in found or where not in known:
                continue
            try:
                annotations = store.annotations_for(known[where], where)
            except (StoreError, OSError):
                continue
            for annotation in annotations:
                if any(wanted in part.casefold() for part in (annotation.note, *annotation.tags)):
                    matching.append(path)
                    break
        self.post_message(SearchFound(words, matching))

    @on(SearchFound)
    def search_found(self, event: SearchFound) -> None:
        found = set(event.paths)
        self._searched = event.words
        self.shown = [path for path in self.articles if path in found]
        self._show_articles()
        self._say(f"{len(self.shown)} article{'' if len(self.shown) == 1 else 's'} with “{inert(event.words)}”")
        self.query_one("#library-search", Input).display = False
        self.query_one("#articles", OptionList).focus()

    def _show_articles(self) -> None:
        self.query_one("#title-bar", Static).update(self._heading())
        self.show_index(rebuild=True)

    # ----------------------------------------------------------------------------- opening

    @on(OptionList.OptionSelected, "#articles")
    def open_article(self, event: OptionList.OptionSelected) -> None:
        self.open_at(self.shown[int(event.option.id or 0)])

    @on(OptionList.OptionSelected, "#entities")
    def open_entity(self, event: OptionList.OptionSelected) -> None:
        if self.library is None:
            return
        entity = next((e for e in self.entities if str(e.id) == event.option.id), None)
        if entity is not None:
            from tui.core.library import LibraryError

            try:
                mentions = self.library.mentions(entity.id, self.source)
            except LibraryError as exc:
                self._say(f"cannot read the index: {exc}")
                return
            self.app.push_screen(MentionsScreen(entity, mentions, self))


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

    def __init__(
        self, entity: LibraryEntity, mentions: list[LibraryMention], library: LibraryScreen | None = None
    ) -> None:
        super().__init__()
        self.entity = entity
        self.mentions = mentions
        self.library = library
        """The library the sentences are from: it knows how to open its articles."""

    def compose(self) -> ComposeResult:
        articles = len({m.article.path for m in self.mentions})
        yield Static(
            Text.assemble(
                (inert(self.entity.name), "bold"),
                ("  " + inert(self.entity.label), "dim"),
                f"  {len(self.mentions)} sentence{'' if len(self.mentions) == 1 else 's'}"
                f" in {articles} article{'' if articles == 1 else 's'}",
            ),
            id="title-bar",
        )
        options = []
        for index, mention in enumerate(self.mentions):
            found = mention.article
            heading = Text.assemble(
                (dated(found), "italic" if found.date_source == "mtime" else ""),
                "  ",
                (inert(found.title), "bold"),
                ("  " + inert(self._article_name(found.path)), "dim"),
            )
            text = inert(mention.sentence)
            # A Markdown heading's marks are not part of what it says ("# Catatan ..." -> "Catatan ...").
            marks = _MD_MARKS.match(text)
            cut = marks.end() if marks else 0
            sentence = Text(text[cut:])
            start, end = mention.mention[0] - mention.start - cut, mention.mention[1] - mention.start - cut
            if 0 <= start < end <= len(sentence):
                sentence.stylize("bold reverse", start, end)
            # Wrapped lines of the sentence stay under its two-space indent.
            options.append(Option(Group(heading, Padding(sentence, (0, 0, 0, 2))), id=str(index)))
        yield OptionList(*options, id="mentions")
        yield Footer()

    def _article_name(self, key: str) -> str:
        return self.library.name_of(key) if self.library is not None else Path(key).name

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
        at = (mention.start, mention.sentence, mention.article.sha256)
        if self.library is not None:
            self.library.open_key(mention.article.path, at)
        else:
            self.app.open_article(Path(mention.article.path), can_go_back=True, at=at)
