"""The Sorot app: opens an article (or a directory of them) and owns the NLP engine."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.driver import Driver
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui.core.analysis.cache import EntityCache
from tui.core.analysis.engine import NlpEngine
from tui.core.config import SETTINGS, Config
from tui.core.document import MAX_ARTICLE_BYTES, Article, ArticleError, find_articles, inert, inert_lines, load_any

if TYPE_CHECKING:
    from tui.core.library import Library
    from tui.core.store import Store
    from tui.core.web.fetch import Fetcher
    from tui.core.web.kept import KeptPages
from tui.ui.keys import TypedKeys, retype
from tui.ui.palette import css_variables, depth_of
from tui.ui.paste import cut_paste, install_paste_parser
from tui.ui.screens.reader import ReaderScreen, SearchBar
from tui.ui.widgets.article_view import ArticleView


class Palette(CommandPalette):
    """Textual's command palette, whose PageUp / PageDown wait for its list to be laid out.

    Typed at once after ctrl+p, they reached the list while it was still hidden, with options but
    no lines (``OptionList._update_lines`` skips a list with no size), and Textual's
    ``OptionList._move_page`` failed with ``KeyError: 0``. A page key before the list is on screen
    now does nothing, as it would on an empty list.
    """

    BINDINGS = [
        Binding("pagedown", "page(1)", "Next page", show=False, id="palette.page_down"),
        Binding("pageup", "page(-1)", "Previous page", show=False, id="palette.page_up"),
    ]

    def action_page(self, direction: int) -> None:
        commands = self.query_one(CommandList)
        if not commands.scrollable_content_region or not commands.option_count:
            return
        if direction > 0:
            commands.action_page_down()
        else:
            commands.action_page_up()


class SorotApp(App[None]):
    """Read news articles with their entities highlighted."""

    TITLE = "Sorot"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit Sorot", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", tooltip="This help: every key", id="app.help"),
        # Textual's ctrl+c tells the reader to press ctrl+q; in a reader whose quit key is q, a
        # reflexive ctrl+c quits (a selection on screen is copied first: the screen's ctrl+c).
        Binding("ctrl+c", "quit", "Quit", show=False, tooltip="Quit Sorot", id="app.interrupt"),
        Binding("ctrl+z", "suspend_process", "Suspend", show=False, tooltip="Suspend (fg resumes)", id="app.suspend"),
    ]

    def __init__(
        self,
        article: Article | None = None,
        *,
        directory: Path | None = None,
        articles: list[Path] | None = None,
        engine: NlpEngine | None = None,
        store: Store | None = None,
        db: str | Path | None = None,
        max_bytes: int = MAX_ARTICLE_BYTES,
        url: str | None = None,
        feeds: bool = False,
        kept: KeptPages | None = None,
        fetcher: Fetcher | None = None,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.config = config if config is not None else Config.defaults()
        """The settings (theme, layout, keys) from the config file, the environment and the flags."""
        self.keymap: dict[str, str] = {}
        """Binding id -> keys: the preset and the config's ``[keys]`` (the help lists these keys)."""
        self.colour_depth = depth_of(self.console.color_system)
        """Which palette the entities are drawn with (:mod:`tui.ui.palette`): the colour depth Rich
        detected, or ``TEXTUAL_COLOR_SYSTEM``."""
        self.add_class(f"-depth-{self.colour_depth}")
        self.stylesheet.set_variables(self.get_css_variables())  # Textual's __init__ read them without the depth
        if article is None and directory is None and url is None and not feeds:
            raise ValueError("SorotApp needs an article, a directory, a URL or the feeds")
        self.article = article
        self.url = url
        """The web article named on the command line (its kept copy shows at once, else it is fetched)."""
        self.feeds = feeds
        """Whether the app opens on the reading list of feeds (``sorot feeds``)."""
        self._kept = kept
        self._fetcher = fetcher
        self.failure: str | None = None
        """Why the app stopped without showing what it was asked to (a URL that cannot be fetched):
        the command line prints it as its one-line error."""
        self.directory = directory
        self.articles = articles or []
        self.engine = engine if engine is not None else NlpEngine()
        self._store = store
        self.db = db
        self.max_bytes = max_bytes
        """The largest article opened from the list (``--max-size``)."""
        self._store_warnings_shown = 0
        self.not_saved: str | None = None
        """Why the reader's changes are not saved (the database is read-only, or could not be
        opened), shown in the status line for as long as the app runs; None when they are."""
        self.typed_keys = TypedKeys(self)
        """Keys from the terminal, delivered one at a time in the order typed (:mod:`tui.ui.keys`)."""
        self._typed_on: WeakKeyDictionary[events.Key, Screen] = WeakKeyDictionary()
        """The screen that was active when each key in flight was typed."""
        self._library: Library | None = None
        self._library_lock = threading.Lock()
        self.panel_shown: bool | None = None
        """Whether the reader's side panel shows, as ``p`` last left it; None until then (the
        window's size decides: hidden in a short one, see ``tui.ui.screens.reader.SHORT_ROWS``)."""

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables and the entity palette for this terminal's colour depth."""
        variables = super().get_css_variables()
        return {**variables, **css_variables(getattr(self, "colour_depth", "truecolor"), variables)}

    @property
    def store(self) -> Store:
        """The annotation store, opened on first use (after the first paint); its warnings (a
        corrupt file kept aside, a directory that cannot be written) become notifications."""
        if self._store is None:
            self._store, warnings, self.not_saved = open_store(self.db)
            for warning in warnings:
                self.notify(inert(warning), title="Annotations", severity="warning", timeout=10, markup=False)
            self.show_store_warnings()
        return self._store

    def show_store_warnings(self) -> None:
        """Notify the store's warnings not shown yet: those of opening it, and those found as
        its buckets are read (a damaged one is found when a document in it is opened)."""
        store = self._store
        if store is None:
            return
        for warning in store.warnings[self._store_warnings_shown :]:
            self.notify(inert(warning), title="Annotations", severity="warning", timeout=10, markup=False)
        self._store_warnings_shown = len(store.warnings)

    @property
    def kept(self) -> KeptPages:
        """The kept copies of web articles (``$SOROT_WEB_DIR``)."""
        if self._kept is None:
            from tui.core.web.kept import KeptPages

            self._kept = KeptPages()
        return self._kept

    @property
    def fetcher(self) -> Fetcher:
        """The app's HTTP client, made on first use (the first fetch, in a thread)."""
        if self._fetcher is None:
            from tui.core.web.fetch import Fetcher

            self._fetcher = Fetcher()
        return self._fetcher

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # The panel's width as a CSS variable (app.tcss: ``width: $panel-width``).
        config = getattr(self, "config", None)  # (Textual asks from App.__init__ too)
        width = config.values.get("panel_width") if config is not None else None
        width = width or SETTINGS["panel_width"].default
        return {**super().get_theme_variable_defaults(), "panel-width": str(width)}

    def apply_config(self) -> None:
        """The config's theme and key bindings. Its problems (an unknown theme or binding id, a key
        two bindings want, or one :func:`~tui.core.config.load_config` found) are one warning that
        counts them (``sorot config`` lists them all), and each setting with a problem keeps its default."""
        from tui.core.config import problems_summary
        from tui.ui.keymaps import binding_ids, effective_keymap, keymap, shadowed, theme_problem

        problems = list(self.config.problems)
        theme = self.config.text("theme")
        if theme is not None and theme != self.theme:
            if (problem := theme_problem(theme, self.available_themes, str(self.config.path))) is None:
                self.theme = theme
            else:
                problems.append(problem)
        # The ids are checked only when the config names some: collecting them imports every
        # screen (the export dialog's formats, the feeds), a tenth of a second before the first paint.
        # (The presets' keys clash with none: a test says so.)
        classes = bound_classes() if self.config.keys else []
        chosen, unknown = keymap(self.config.preset, self.config.keys, binding_ids(classes), str(self.config.path))
        self.keymap = effective_keymap(classes, chosen)
        problems += unknown + shadowed(binding_chains() if classes else [], self.keymap, chosen, str(self.config.path))
        self.set_keymap(chosen)
        if problems:
            summary = problems_summary(self.config.in_file_order(problems), self.config.path)
            self.notify(summary, title="Config", severity="warning", timeout=10, markup=False)

    def collect_again(self) -> None:
        """After the first paint: the garbage collector back on, if ``sorot`` turned it off to
        start (tui.cli.run_reader), with what the start made (modules, classes, the interface)
        frozen out of its walks, where it stays alive for the whole session anyway."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def on_mount(self) -> None:
        self.call_after_refresh(self.collect_again)
        self.apply_config()
        if self.feeds:
            from tui.ui.screens.feeds import FeedsScreen

            self.push_screen(FeedsScreen())
            self.call_after_refresh(self.engine.start)
        elif self.url is not None:
            self.open_url(self.url)
        elif self.directory is not None:
            from tui.ui.screens.library import LibraryScreen

            self.push_screen(LibraryScreen(self.directory, self.articles))
            # Load the pipeline while the reader picks an article (a reader screen starts it
            # itself, once its text is painted, so the load never delays the first paint).
            self.call_after_refresh(self.engine.start)
        else:
            assert self.article is not None
            self.push_screen(ReaderScreen(self.article))

    # ----------------------------------------------------------------------------- terminal safety

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notification, its control characters shown as symbols whoever wrote it (messages
        quote file names, notes and labels; a notification keeps its line breaks)."""
        super().notify(inert_lines(message), title=inert(title), severity=severity, timeout=timeout, markup=markup)

    def get_driver_class(self) -> type[Driver]:
        # A paste must stay text: the terminal is read with a parser that keeps escape codes in it.
        install_paste_parser()
        return super().get_driver_class()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste):
            # Pasted text goes into inputs and the note editor, which would show it raw.
            event.text, cut = cut_paste(inert_lines(event.text))
            if cut:
                self.notify(f"Paste cut to its first {len(event.text):,} characters.", severity="warning", markup=False)
        elif isinstance(event, events.Key):
            if not event.is_forwarded:
                if not self.typed_keys.is_due(event):  # from the terminal: delivered in turn
                    self.typed_keys.arrived(event)
                    return
                if not self.screen_stack:  # the app is closing
                    return
                self._typed_on[event] = self.screen
                target = self.focused or self.screen
                await super().on_event(event)  # passes it to the focused widget, or runs a priority binding
                self.typed_keys.sent(event, target)
                return
            if self._typed_on.pop(event, self.screen) is not self.screen:
                # The screen changed under the key (a dialog a worker opened, say): its binding
                # would be looked up on the new screen. It goes to the new screen instead.
                retype(self, event)
                return
            await super().on_event(event)
            self.typed_keys.handled(event)
            return
        await super().on_event(event)

    def copy_to_clipboard(self, text: str) -> None:
        # What ctrl+v pastes back into an input comes from here, not through a Paste event.
        super().copy_to_clipboard(inert_lines(text))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def on_unmount(self) -> None:
        self.engine.close()
        if self._fetcher is not None:
            self._fetcher.close()
        if self._store is not None:
            self._store.close()
        if self._library is not None:
            self._library.close()

    def open_article(self, path: Path, *, can_go_back: bool = False, at: tuple[int, str, str] | None = None) -> None:
        """Open ``path`` in a reader screen; a file that cannot be read gives a notification.

        ``at`` is ``(offset, sentence, sha256)``: the cursor starts at ``offset`` of the version
        ``sha256`` of the article, or where ``sentence`` now is if it was edited since."""
        try:
            article = load_any(path, self.max_bytes)
        except ArticleError as exc:
            self.notify(inert(str(exc)), title="Cannot open", severity="error", markup=False)
            return
        self.push_screen(ReaderScreen(article, can_go_back=can_go_back, at=self._start_at(article, at)))

    def _start_at(self, article: Article, at: tuple[int, str, str] | None) -> int | None:
        """Where the cursor starts for ``at`` (``(offset, sentence, sha256)``, see :meth:`open_article`)."""
        if at is None:
            return None
        offset, sentence, sha256 = at
        start = offset if article.sha256 == sha256 else article.text.find(sentence)
        if start < 0:
            self.notify("the article changed since it was indexed: the sentence is no longer in it", markup=False)
            return None
        return start

    @property
    def library(self) -> Library:
        """The entity index across articles, beside the annotation database (opened on first use,
        from the library's indexing thread); raises ``LibraryError``."""
        if self._library is None:
            from tui.core.library import Library, library_path
            from tui.core.store import default_db_path

            with self._library_lock:
                if self._library is None:
                    library = Library(library_path(self.db if self.db is not None else default_db_path()))
                    here = threading.current_thread() is threading.main_thread()
                    for warning in library.warnings:
                        tell = partial(self.notify, warning, title="Library", severity="warning", markup=False)
                        if here:
                            tell()
                        else:
                            self.call_from_thread(tell)
                    self._library = library
        return self._library

    def open_url(
        self,
        url: str,
        *,
        via: str | None = None,
        can_go_back: bool = False,
        opened: Callable[[Article], None] | None = None,
        at: tuple[int, str, str] | None = None,
    ) -> None:
        """Open the web article at ``url``: its kept copy at once (the reader then asks the server
        for a newer version in the background), else a screen that fetches it (esc cancels).
        ``via`` is the feed that named it; ``opened`` is told the article once it shows; ``at``
        puts the cursor at a sentence of the kept copy (as :meth:`open_article`'s)."""
        from tui.core.web.reading import kept_article
        from tui.ui.screens.fetching import FetchScreen

        article = kept_article(url, self.kept)
        if article is None:
            self.push_screen(FetchScreen(url, via=via, can_go_back=can_go_back, opened=opened))
            return
        if opened is not None:
            opened(article)
        self.push_screen(
            ReaderScreen(article, can_go_back=can_go_back, check_web=True, via=via, at=self._start_at(article, at))
        )

    # ----------------------------------------------------------------------------- help & palette

    def _binding_sources(self) -> list[tuple[str, list[Binding]]]:
        from tui.ui.widgets.facts_panel import FactsPanel
        from tui.ui.widgets.notes_panel import NotesPanel

        reader = [
            b
            for b in ReaderScreen.BINDINGS
            if (b.action != "back" or self.directory is not None or self.feeds)
            and (b.action != "reload" or self.feeds or self.url is not None)
        ]
        sources = [
            ("Reading", list(ArticleView.BINDINGS)),
            ("Search, panels & annotations", reader),
            ("Search bar", list(SearchBar.BINDINGS)),
            (
                "Notes tab",
                [*NotesPanel.BINDINGS, Binding("enter", "select", "Go to the annotation")],
            ),
            (
                "Facts panel",
                [
                    *FactsPanel.BINDINGS,
                    Binding("enter", "select", "Go to the fact; fold or unfold a section"),
                    Binding("space", "toggle", "Fold or unfold a section"),
                ],
            ),
            (
                "App",
                [
                    *self.BINDINGS,
                    Binding("ctrl+p", "command_palette", "Palette", tooltip="Command palette: every action by name"),
                ],
            ),
        ]
        if self.directory is not None or self.feeds:  # the feeds' library: L
            from tui.ui.screens.kept_library import KeptLibraryScreen
            from tui.ui.screens.library import LibraryScreen, MentionsScreen

            library = [
                *(KeptLibraryScreen if self.directory is None else LibraryScreen).BINDINGS,
                Binding("enter", "select", "Open the article; on an entity, the sentences naming it"),
            ]
            mentions = [*MentionsScreen.BINDINGS, Binding("enter", "select", "Read the article at that sentence")]
            ours = [("Library (articles and entities)", library), ("Sentences naming an entity", mentions)]
            if isinstance(self.screen, MentionsScreen):
                ours.reverse()
            if isinstance(self.screen, LibraryScreen | MentionsScreen):  # its keys first, then the reader's
                sources[:0] = ours
            else:
                sources.extend(ours)
        from tui.ui.screens.feeds import FeedsScreen

        if isinstance(self.screen, FeedsScreen):  # its keys first, then the reader's
            sources.insert(0, ("Reading list (feeds)", list(FeedsScreen.BINDINGS)))
        elif self.feeds:
            sources.append(("Reading list (feeds)", list(FeedsScreen.BINDINGS)))
        return sources

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen, binding_rows

        if not isinstance(self.screen, HelpScreen):
            mouse = [
                ("Mouse", "click", "Put the cursor there"),
                ("Mouse", "wheel", "Scroll (the cursor stays on screen)"),
                ("Mouse", "click", "On a legend label: switch its highlighting off / on"),
            ]
            self.push_screen(HelpScreen([*binding_rows(self, self._binding_sources()), *mouse]))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Show every key binding", self.action_help)
        from tui.ui.screens.feeds import FeedsScreen

        if isinstance(screen, FeedsScreen):
            for binding in screen.BINDINGS:
                if screen.check_action(binding.action, ()) is not False:
                    yield self._key_command(binding.tooltip or binding.description, binding, screen)
            return
        if not isinstance(screen, ReaderScreen):
            return
        view = screen.view
        seen = set()
        for binding in [*ArticleView.BINDINGS, *ReaderScreen.BINDINGS]:
            if binding.action in seen or binding.action.startswith("toggle_label_number"):
                continue
            seen.add(binding.action)
            if screen.check_action(binding.action, ()) is False:  # back to nothing, or R with nothing newer
                continue
            target = view if binding in ArticleView.BINDINGS else screen
            yield self._key_command(binding.description, binding, target)
        for label in screen.labels:
            # The palette reads titles as markup, and labels come from whatever pipeline is loaded.
            state = "Show" if label in view.hidden_labels else "Hide"
            shown = escape(inert(label))
            yield SystemCommand(
                f"{state} {shown} highlighting",
                f"Switch {shown} highlighting on or off",
                partial(screen.toggle_label, label),
            )

    def _key_command(self, title: str, binding: Binding, target: Screen | ArticleView) -> SystemCommand:
        """A palette command that runs ``binding``'s action on ``target``, its keys shown."""
        from tui.ui.keymaps import keys_of

        shown = keys_of(binding, self.keymap)
        singles = Binding.make_bindings([shown]) if shown is not None else []
        keys = " ".join(self.get_key_display(single) for single in singles) or "none (the config gave it away)"
        return SystemCommand(title, f"Key: {escape(keys)}", partial(target.run_action, binding.action))


def bound_classes() -> list[type[DOMNode]]:
    """Every class of the interface whose bindings a keymap may change (their ids are checked)."""
    from tui.ui.screens.annotate import BookmarksScreen, ChoiceScreen, ConfirmScreen, NoteScreen
    from tui.ui.screens.export import ExportScreen
    from tui.ui.screens.feeds import FeedsScreen, UrlScreen
    from tui.ui.screens.fetching import FetchScreen
    from tui.ui.screens.help import HelpScreen
    from tui.ui.screens.library import LibraryScreen, MentionsScreen
    from tui.ui.widgets.facts_panel import FactsPanel
    from tui.ui.widgets.notes_panel import NotesPanel

    return [
        SorotApp, ReaderScreen, ArticleView, FactsPanel, NotesPanel, SearchBar, HelpScreen, LibraryScreen,
        FeedsScreen, UrlScreen, FetchScreen, ExportScreen, ChoiceScreen, ConfirmScreen, NoteScreen, BookmarksScreen,
        MentionsScreen,
    ]  # fmt: skip


def binding_chains() -> list[tuple[type[DOMNode], ...]]:
    """The classes whose bindings Textual tries for a key, from the focused widget to the app (a
    modal screen's chain ends at it). The search bar is left out: an input takes printable keys
    before any binding, and its escape is meant to come first."""
    from tui.ui.screens.feeds import FeedsScreen
    from tui.ui.screens.fetching import FetchScreen
    from tui.ui.screens.library import LibraryScreen
    from tui.ui.widgets.facts_panel import FactsPanel
    from tui.ui.widgets.notes_panel import NotesPanel

    reader = [(widget, ReaderScreen, SorotApp) for widget in (ArticleView, FactsPanel, NotesPanel)]
    return [*reader, (LibraryScreen, SorotApp), (FeedsScreen, SorotApp), (FetchScreen, SorotApp)]


def make_app(
    path: str | Path | None = None,
    *,
    model: str | None = None,
    in_process: bool = False,
    cache: EntityCache | None = None,
    db: str | Path | None = None,
    engine: NlpEngine | None = None,
    article: Article | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    feeds: bool = False,
    kept: KeptPages | None = None,
    fetcher: Fetcher | None = None,
    config: Config | None = None,
) -> SorotApp:
    """Build the app for ``path`` (a file, a directory, an ``http(s)`` URL or ``None`` for the
    sample), or with ``feeds`` for the reading list; raises ``ArticleError``.

    A caller that has read the file already passes it as ``article``, and may pass an ``engine``
    it started (``model``, ``in_process`` and ``cache`` then go unused). Articles larger than
    ``max_bytes`` are refused, on the command line and from the article list.
    """
    from tui.core.document import sample_article_path
    from tui.core.web.urls import is_web_address

    if engine is None:
        engine = NlpEngine(model, in_process=in_process, cache=cache)
    if feeds:
        return SorotApp(
            feeds=True, engine=engine, db=db, max_bytes=max_bytes, kept=kept, fetcher=fetcher, config=config
        )
    if path is not None and article is None and is_web_address(str(path)):
        from tui.core.web.fetch import normalise_url

        url = normalise_url(str(path))
        return SorotApp(url=url, engine=engine, db=db, max_bytes=max_bytes, kept=kept, fetcher=fetcher, config=config)
    target = Path(path) if path is not None else sample_article_path()
    if article is None and not target.is_dir():
        article = load_any(target, max_bytes)
    articles = find_articles(target) if article is None else None
    if article is None:
        return SorotApp(
            directory=target,
            articles=articles,
            engine=engine,
            db=db,
            max_bytes=max_bytes,
            kept=kept,
            fetcher=fetcher,
            config=config,
        )
    return SorotApp(article, engine=engine, db=db, max_bytes=max_bytes, kept=kept, fetcher=fetcher, config=config)


def open_store(db: str | Path | None = None) -> tuple[Store, list[str], str | None]:
    """The annotation store at ``db`` (default: ``$SOROT_DB``, else the user's data directory),
    what the reader must be told about it, and why its changes are not saved (``"read-only"``,
    ``"not saved"``; None when they are).

    A database that cannot be written (a read-only file, directory or mount, a lock file that
    cannot be created) is shown as it is, read-only: its annotations are copied into memory,
    where the reader's changes last for the session. A database that cannot be opened at all
    leaves an empty store in memory. Each case is one warning saying why.
    """
    from tui.core.store import NotWritableError, Store, StoreError

    def in_memory(store: Store, why: object) -> tuple[Store, list[str], str]:
        return store, [f"annotations will not be saved: {why}; they are kept in memory for this session"], "not saved"

    try:
        return Store.open(db), [], None
    except NotWritableError as exc:
        reason = str(exc)
    except StoreError as exc:
        return in_memory(Store.memory(), exc)
    try:
        with Store.open(db, read_only=True) as saved:
            shown = saved.in_memory()
    except StoreError as exc:
        reason += f"; nor can it be read: {exc}"
        shown = Store.memory()
    if shown.is_empty():  # (not counted: a database of a million annotations would take a minute)
        return in_memory(shown, reason)
    listed = "its annotations are shown"
    warning = f"opened read-only: {reason}; {listed}, and changes last for this session only (not saved)"
    return shown, [warning], "read-only"
