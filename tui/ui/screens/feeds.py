"""The reading list (``sorot feeds``): the feeds with their unread counts, then their entries,
newest first. Enter reads an entry (which marks it read), ``r`` refreshes every feed in the
background, ``u`` marks an entry read or unread, ``a`` subscribes to a feed, ``d`` unsubscribes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.core.document import inert
from tui.core.web.urls import with_scheme
from tui.ui.keymaps import KeyBarScreen
from tui.ui.messages import reason
from tui.ui.screens.annotate import ConfirmScreen, Dialog

if TYPE_CHECKING:
    from tui.core.web.feeds import Entry, Feed
    from tui.ui.app import SorotApp

ALL = "*"
"""The first row of the feed list: every feed's entries together."""
SHOWN_ENTRIES = 1000
"""The most entries listed at once (the newest): a list of 100,000 would take seconds to draw."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def when(iso: str) -> str:
    """``2025-12-02T03:00:00+00:00`` as ``2 Dec 2025 10:00`` in local time; a date alone as ``2 Dec 2025``."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
        if len(iso) <= 10:
            return f"{moment.day} {moment:%b %Y}"
        if moment.tzinfo is not None:
            moment = moment.astimezone()  # the year 9999 east of UTC is past the calendar's end
    except (ValueError, OverflowError, OSError):
        return inert(iso[:16])
    return f"{moment.day} {moment:%b %Y %H:%M}"


def feed_names(feeds: list[Feed]) -> dict[str, str]:
    """Each feed's name in the list: its title, with its address's host and path where two
    feeds have the same title (or its address when it has none)."""
    by_title: dict[str, int] = {}
    for feed in feeds:
        by_title[feed.title] = by_title.get(feed.title, 0) + 1
    names = {}
    for feed in feeds:
        if not feed.title:
            names[feed.url] = feed.url
        elif by_title[feed.title] > 1:
            parts = urlsplit(feed.url)
            names[feed.url] = f"{feed.title} ({parts.netloc}{parts.path})"
        else:
            names[feed.url] = feed.title
    return names


@dataclass
class FeedsRefreshed(Message):
    """A refresh ended: new entries in all, and the one-line errors of the feeds that failed."""

    new: int
    errors: list[str]


@dataclass
class RefreshProgressed(Message):
    done: int
    total: int
    title: str


@dataclass
class Subscribed(Message):
    title: str
    entries: int


@dataclass
class NotSubscribed(Message):
    reason: str


class UrlScreen(Dialog[str | None]):
    """Asks for a feed's address (or a page that links to its feed)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without subscribing", id="url.cancel")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(Text("Subscribe to a feed", style="bold"), classes="dialog-title")
            yield Label(Text("The address of an RSS or Atom feed, or of a site that links to one."))
            yield Input(placeholder="https://…", id="feed-url")
            yield Label(Text("enter subscribes · esc cancels", style="dim"))

    @on(Input.Changed)
    def no_controls(self, event: Input.Changed) -> None:
        # A pasted address may carry control characters: they never reach the terminal.
        cleaned = _CONTROL.sub("", event.value)
        if cleaned != event.value:
            event.input.value = cleaned

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FeedsScreen(KeyBarScreen):
    """The feeds and their entries."""

    # Parsed when this screen is first shown (Textual's Screen.CSS), not at the reader's start.
    CSS = """
    #feeds-body { height: 1fr; }
    #feed-list { width: 32; max-width: 40%; height: 1fr; border: none; border-right: vkey $panel-lighten-1; }
    #entry-list { width: 1fr; height: 1fr; border: none; }
    #feeds-status { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """
    BINDINGS = [
        Binding(
            "enter", "open", "Read", tooltip="Read the highlighted entry (marks it read)", show=False, id="feeds.open"
        ),
        Binding(
            "r", "refresh", "Refresh", tooltip="Fetch every feed's new entries (in the background)", id="feeds.refresh"
        ),
        Binding(
            "u",
            "toggle_read",
            "Read/unread",
            tooltip="Mark the highlighted entry read or unread",
            id="feeds.toggle_read",
        ),
        Binding("a", "add", "Add feed", tooltip="Subscribe to a feed by its address", id="feeds.add"),
        Binding(
            "d",
            "remove",
            "Remove feed",
            tooltip="Unsubscribe from the highlighted feed (annotations stay)",
            id="feeds.remove",
        ),
        Binding(
            "tab", "switch", "Feeds ⇄ entries", tooltip="Move between the feed list and the entries", id="feeds.switch"
        ),
        Binding(
            "L",
            "library",
            "Library",
            tooltip="The articles kept from the feeds and the entities they name",
            id="feeds.library",
        ),
        Binding("j", "down", "Down", show=False, id="feeds.down"),
        Binding("k", "up", "Up", show=False, id="feeds.up"),
        Binding(
            "escape",
            "cancel_refresh",
            "Stop",
            show=False,
            tooltip="Stop a refresh or a subscription in progress",
            id="feeds.cancel_refresh",
        ),
    ]

    if TYPE_CHECKING:

        @property
        def app(self) -> SorotApp: ...

    def __init__(self) -> None:
        super().__init__()
        self.feed_list: list[Feed] = []
        self.entry_list: list[Entry] = []
        self.chosen = ALL
        self.refreshing = False
        self.subscribing = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Feeds", style="bold"), id="title-bar")
        with Horizontal(id="feeds-body"):
            yield OptionList(id="feed-list")
            yield OptionList(id="entry-list")
        yield Static(id="feeds-status")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#entry-list", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.reload()  # back from an entry: it is read now

    # ------------------------------------------------------------------ showing

    def reload(self) -> None:
        """Read the feeds, unread counts and entries from the store and show them."""
        store = self.app.store
        self.feed_list = store.feeds()
        counts = store.unread_counts()
        feeds = self.query_one("#feed-list", OptionList)
        highlighted = feeds.highlighted
        feeds.clear_options()
        total = sum(counts.values())
        feeds.add_option(Option(Text.assemble(("All feeds", "bold"), f"  {total}" if total else ""), id=ALL))
        names = feed_names(self.feed_list)
        for feed in self.feed_list:
            name = Text()
            if feed.folder:
                name.append(inert(feed.folder) + " › ", style="dim")
            name.append(inert(names[feed.url]))
            if counts.get(feed.url):
                name.append(f"  {counts[feed.url]}", style="bold")
            if feed.error:
                name.append("  !", style="bold red")
            feeds.add_option(Option(name, id=feed.url))
        if self.chosen != ALL and all(f.url != self.chosen for f in self.feed_list):
            self.chosen = ALL
        feeds.highlighted = highlighted if highlighted is not None and highlighted < feeds.option_count else 0
        self.show_entries()
        self.say_state()

    def show_entries(self) -> None:
        store = self.app.store
        chosen = None if self.chosen == ALL else self.chosen
        self.entry_list = store.entries(chosen, limit=SHOWN_ENTRIES)
        titles = {f.url: f.title for f in self.feed_list}
        entries = self.query_one("#entry-list", OptionList)
        highlighted = entries.highlighted
        entries.clear_options()
        for n, entry in enumerate(self.entry_list):
            mark = " " if entry.read else "●"
            line = Text(f"{mark} ", style="bold")
            line.append(inert(entry.title or entry.link), style="" if entry.read else "bold")
            said = [when(entry.published or entry.seen), titles.get(entry.feed) or entry.site]
            meta = Text("   " + inert(" · ".join(part for part in said if part)), style="dim")
            for row in (line, meta):
                row.no_wrap, row.overflow = True, "ellipsis"
            entries.add_option(Option(Text("\n").join([line, meta]), id=str(n)))
        if not self.entry_list:
            empty = (
                "No feeds yet. Press a to subscribe to one, or import your subscriptions with "
                "sorot feed import subscriptions.opml"
                if not self.feed_list
                else "No entries. Press r to refresh."
            )
            entries.add_option(Option(Text(empty, style="dim"), id="empty", disabled=True))
        elif highlighted is not None:
            entries.highlighted = min(highlighted, len(self.entry_list) - 1)
        else:
            entries.highlighted = 0

    def say_state(self, message: str | None = None) -> None:
        if message is None and (self.refreshing or self.subscribing):
            return  # their progress stays in the status line
        if message is None:
            failed = sum(1 for f in self.feed_list if f.error)
            count = len(self.feed_list)
            message = f"{count} feed{'s' * (count != 1)}" + (f" · {failed} failed last time (!)" if failed else "")
        self.query_one("#feeds-status", Static).update(Text(inert(message)))

    @on(OptionList.OptionHighlighted, "#feed-list")
    def feed_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        chosen = event.option.id or ALL
        if chosen != self.chosen:
            self.chosen = chosen
            self.query_one("#entry-list", OptionList).highlighted = None
            self.show_entries()
        feed = next((f for f in self.feed_list if f.url == chosen), None)
        if feed is not None and feed.error and not (self.refreshing or self.subscribing):
            self.say_state(f"{feed.title or feed.url}: {feed.error}")
        else:
            self.say_state()

    @on(OptionList.OptionSelected, "#feed-list")
    def feed_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#entry-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#entry-list")
    def entry_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    # ------------------------------------------------------------------ actions

    def _entry(self) -> Entry | None:
        entries = self.query_one("#entry-list", OptionList)
        index = entries.highlighted
        if index is None or not self.entry_list or index >= len(self.entry_list):
            return None
        return self.entry_list[index]

    def action_open(self) -> None:
        if self.focused is self.query_one("#feed-list"):
            self.query_one("#entry-list", OptionList).focus()
            return
        entry = self._entry()
        if entry is None:
            return
        store = self.app.store

        def opened(_article: object) -> None:
            if not entry.read:
                store.set_read_link(entry.link)  # and in every other feed that lists the article

        self.app.open_url(entry.link, via=entry.feed, can_go_back=True, opened=opened)

    def action_library(self) -> None:
        from tui.ui.screens.kept_library import KeptLibraryScreen

        self.app.push_screen(KeptLibraryScreen(self.app.kept))

    def action_toggle_read(self) -> None:
        entry = self._entry()
        if entry is None:
            return
        self.app.store.set_read(entry.feed, entry.key, not entry.read)
        self.reload()

    def action_switch(self) -> None:
        feeds = self.query_one("#feed-list", OptionList)
        (self.query_one("#entry-list", OptionList) if self.focused is feeds else feeds).focus()

    def action_down(self) -> None:
        listed = self.focused
        if isinstance(listed, OptionList) and (listed.highlighted or 0) < listed.option_count - 1:
            listed.action_cursor_down()  # not round to the top from the last

    def action_up(self) -> None:
        listed = self.focused
        if isinstance(listed, OptionList) and (listed.highlighted or 0) > 0:
            listed.action_cursor_up()

    def action_refresh(self) -> None:
        if self.refreshing:
            return
        if not self.feed_list:
            self.app.notify("No feeds to refresh: press a to subscribe to one.", markup=False)
            return
        self.refreshing = True
        self.say_state("refreshing…")
        self.refresh_feeds()

    def action_cancel_refresh(self) -> None:
        if self.refreshing:
            self.workers.cancel_group(self, "refresh")
            self.refreshing = False
            self.say_state("refresh stopped")
        elif self.subscribing:
            self.workers.cancel_group(self, "subscribe")
            self.subscribing = False
            self.say_state("not subscribed: stopped")

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False, description="refresh_feeds")
    def refresh_feeds(self) -> None:
        from tui.core.web.feeds import fetch_with, prune, refresh

        worker = get_current_worker()
        store = self.app.store

        def progress(done: int, total: int, feed: Feed) -> None:
            self.post_message(RefreshProgressed(done, total, feed.title or feed.url))

        try:
            fetch = fetch_with(self.app.fetcher)
            results = refresh(store, fetch, progress=progress, cancelled=lambda: worker.is_cancelled)
            if worker.is_cancelled:
                return
            prune(store)
        except Exception as exc:  # noqa: BLE001 - the store failing (a full disk): one line, and r works again
            self.post_message(FeedsRefreshed(0, [f"refresh failed: {reason(exc)}"]))
            return
        new = sum(r.new for r in results)
        errors = [r.error for r in results if r.error]
        self.post_message(FeedsRefreshed(new, errors))

    @on(RefreshProgressed)
    def refresh_progressed(self, event: RefreshProgressed) -> None:
        self.say_state(f"refreshing {event.done}/{event.total}: {event.title} · esc stops")

    @on(FeedsRefreshed)
    def refreshed(self, event: FeedsRefreshed) -> None:
        self.refreshing = False
        self.reload()
        said = f"{event.new} new entr{'y' if event.new == 1 else 'ies'}"
        if event.errors:
            said += f" · {len(event.errors)} feed{'s' * (len(event.errors) > 1)} failed (!)"
            self.app.notify(inert(event.errors[0]), title="Refresh", severity="warning", markup=False)
        self.say_state(said)

    def action_add(self) -> None:
        def chosen(url: str | None) -> None:
            if url:
                self.subscribing = True
                self.say_state(f"subscribing to {url}… · esc stops")
                self.subscribe(with_scheme(url))

        self.app.push_screen(UrlScreen(), chosen)

    @work(thread=True, exclusive=True, group="subscribe", exit_on_error=False, description="subscribe")
    def subscribe(self, url: str) -> None:
        from tui.core.web.feeds import FeedError, subscribe
        from tui.core.web.fetch import FetchError, Response

        worker = get_current_worker()

        def fetch(
            address: str, *, etag: str | None = None, last_modified: str | None = None, via: str | None = None
        ) -> Response:
            return self.app.fetcher.get(
                address, accept=None, etag=etag, last_modified=last_modified, via=via,
                cancelled=lambda: worker.is_cancelled,
            )  # fmt: skip

        try:
            done = subscribe(self.app.store, url, fetch)
        except (FeedError, FetchError, OSError) as exc:
            if worker.is_cancelled:
                return
            self.post_message(NotSubscribed(reason(exc)))
            return
        if not done.added:
            self.post_message(NotSubscribed(f"already subscribed to {done.feed.title or done.feed.url}"))
            return
        self.post_message(Subscribed(done.feed.title or done.feed.url, done.entries))

    @on(Subscribed)
    def subscribed(self, event: Subscribed) -> None:
        self.subscribing = False
        self.reload()
        self.app.notify(inert(f"Subscribed to {event.title} ({event.entries} entries)"), markup=False)

    @on(NotSubscribed)
    def not_subscribed(self, event: NotSubscribed) -> None:
        self.subscribing = False
        self.say_state()
        self.app.notify(inert(event.reason), title="Cannot subscribe", severity="error", markup=False)

    def action_remove(self) -> None:
        feed = next((f for f in self.feed_list if f.url == self.chosen), None)
        if feed is None:
            self.app.notify("Highlight a feed in the list on the left to unsubscribe from it.", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.store.remove_feed(feed.url)
                self.chosen = ALL
                self.reload()

        self.app.push_screen(
            ConfirmScreen(
                f"Unsubscribe from {feed.title or feed.url}?",
                "Your annotations stay.",
                yes="Unsubscribe",
            ),
            answered,
        )
