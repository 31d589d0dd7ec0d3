"""The library of the reading list (``L`` in ``sorot feeds``): the articles kept from the feeds.

The same view as ``sorot DIR``'s (:class:`~tui.ui.screens.library.LibraryScreen`), over the kept
copies (:class:`~tui.core.web.kept.KeptPages`) instead of a directory's files: each is known to
the index by its URL, dated by its page's metadata, from its page's site (else its URL's host),
and opens as the reading list opens it (its kept copy, the server asked for a newer one after).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from textual.binding import Binding

from tui.ui.screens.library import LibraryScreen, _size

if TYPE_CHECKING:
    from tui.core.library import Library, Refreshed, SourceItem
    from tui.core.web.kept import KeptPages


class KeptLibraryScreen(LibraryScreen):
    """The articles kept from the web and the entities they name. Its articles are URLs."""

    BINDINGS = [
        *LibraryScreen.BINDINGS,
        Binding(
            "backspace", "back", "Back", key_display="⌫", tooltip="Back to the reading list", id="kept_library.back"
        ),
    ]

    EMPTY = "nothing kept yet: an entry read from the reading list (enter) is kept, and indexed here"

    def __init__(self, kept: KeptPages) -> None:
        from tui.core.web.reading import kept_items

        entries = {entry.url: entry for entry in kept.entries() if entry.url}
        source, items = kept_items(kept)
        self.kept = kept
        self._items: list[SourceItem] = items
        self._titles = {url: (entry.title or url, _size(entry.size)) for url, entry in entries.items()}
        urls: list[Any] = sorted(item.key for item in items)  # the base class's "paths"
        super().__init__(kept.root, urls)
        self.source = source

    def _peek(self, path: Any) -> tuple[str, str]:
        return self._titles.get(path, (str(path), ""))

    def _article_name(self, path: Any) -> str:
        return self.name_of(str(path))

    def name_of(self, key: str) -> str:
        """A kept article is named by its URL's host and path (the title is beside it)."""
        parts = urlsplit(key)
        host = (parts.hostname or "").removeprefix("www.")
        return host + parts.path if host else key

    def _key_of(self, path: Any) -> str:
        return str(path)

    def _exists(self, path: Any) -> bool:
        return (self.kept.folder(str(path)) / "meta.json").exists()

    def _where(self) -> str:
        return "Articles kept from the feeds"

    def _refresh(
        self,
        library: Library,
        articles: list[Any],
        starting: Callable[[Any, int, int, int], None],
        failing: Callable[[Any, str], None],
        progress: Callable[[int, int], None],
        cancelled: Callable[[], bool],
    ) -> Refreshed:
        from tui.core.library import refresh_items

        return refresh_items(
            library,
            str(self.source),
            self._items,
            self.app.engine.find_entities,
            progress=progress,
            starting=lambda item, done, total: starting(item.key, item.size, done, total),
            unreadable=failing,
            cancelled=cancelled,
        )

    def action_back(self) -> None:
        self.dismiss()

    def open_key(self, key: str, at: tuple[int, str, str] | None = None) -> None:
        self.open_at(key, at)

    def open_at(self, path: Any, at: tuple[int, str, str] | None = None) -> None:
        self.app.open_url(str(path), can_go_back=True, at=at)
