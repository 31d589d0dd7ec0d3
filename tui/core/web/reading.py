"""Reading an article from the web: fetch, extract, join its pages, keep it; reopen it offline.

- :func:`fetch_article` fetches a URL (conditionally when a copy is kept), extracts the article
  with :mod:`tui.core.web.page`, joins its further pages, and keeps the result in
  :class:`~tui.core.web.kept.KeptPages`.
- :func:`kept_article` gives the kept copy at once, without the network.
- :func:`load_html_file` reads a saved page (``sorot page.html``).

The article's identity in the store is its URL as opened (:func:`~tui.core.web.fetch.normalise_url`),
as a file's is its path: annotations made on an earlier version re-anchor on a newer one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import Timeout

from tui.core.document import (
    MAX_ARTICLE_BYTES,
    Article,
    ArticleError,
    inert,
    read_input,
)
from tui.core.web.fetch import HTML_TYPES, MAX_PAGE_BYTES, Fetcher, FetchError, Response, normalise_url, page_text
from tui.core.web.kept import KeptCopy, KeptPages
from tui.core.web.page import Page, _host, article_from_page, join_pages, read_page

if TYPE_CHECKING:
    from tui.core.library import SourceItem

MAX_PAGES = 10
"""The most pages of one article joined (a "Halaman 1 2 3 ... 40" slideshow stops here)."""


def article_from_copy(copy: KeptCopy) -> Article:
    """The kept copy as an article the reader and the NLP take, its metadata in ``web``."""
    page = Page(
        text=copy.text,
        title=copy.title,
        url=copy.url,
        canonical=copy.canonical,
        site=copy.site,
        author=copy.author,
        published=copy.published,
        pages=copy.pages,
    )
    return article_from_page(page)


def kept_article(url: str, kept: KeptPages) -> Article | None:
    """The kept copy of ``url`` as an article, or None when none is kept."""
    copy = kept.get(normalise_url(url))
    return article_from_copy(copy) if copy is not None else None


KEPT_SOURCE = "web:"
"""The library knows the kept copies as the source ``web:<their folder>`` (a directory's articles
are known by its path), each by its URL."""


def kept_items(kept: KeptPages) -> tuple[str, list[SourceItem]]:
    """The kept copies as the library's articles: ``(source, items)``, each item known by its URL,
    its version by its folder's size and modification time (a new version writes new files), read
    without recording it as opened; a page that names no site is from its URL's host."""
    from tui.core.library import SourceItem

    def loader(url: str) -> Callable[[], Article]:
        def load() -> Article:
            copy = kept.get(url, touch=False)
            if copy is None:
                raise ArticleError(f"{inert(url)}: the kept copy is gone or damaged")
            return article_from_copy(copy if copy.site else replace(copy, site=_host(url)))

        return load

    items = []
    for entry in kept.entries():
        if not entry.url:
            continue
        try:
            mtime_ns = entry.folder.stat().st_mtime_ns
        except OSError:
            continue
        items.append(SourceItem(entry.url, entry.size, mtime_ns, loader(entry.url)))
    return KEPT_SOURCE + str(kept.root.resolve()), items


@dataclass(frozen=True)
class Fetched:
    """What :func:`fetch_article` found: the article (None when the kept copy is current) and
    whether its text differs from the kept copy's."""

    article: Article | None
    changed: bool
    warnings: tuple[str, ...] = ()


def fetch_article(
    url: str,
    fetcher: Fetcher,
    kept: KeptPages,
    *,
    via: str | None = None,
    conditional: bool = True,
    max_pages: int = MAX_PAGES,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int | None], None] | None = None,
    annotated: Callable[[str], bool] | None = None,
) -> Fetched:
    """Fetch ``url``, read its article (all its pages) and keep it.

    With ``conditional`` and a kept copy, the server is asked for a newer version only (ETag /
    Last-Modified): a 304 gives ``Fetched(None, False)``. ``via`` is the URL of the feed or page
    that named ``url`` (remote content: held to the fetcher's rules for it). Once a new copy is
    kept, the kept copies are held within their size (:meth:`KeptPages.trim`), never removing one
    that ``annotated(url)`` says has annotations; without ``annotated`` none is removed. Raises
    :class:`FetchError` or :class:`ArticleError` with one line.
    """
    url = normalise_url(url)
    old = kept.get(url, touch=False)
    response = fetcher.get(
        url,
        accept=HTML_TYPES,
        etag=old.etag if conditional and old is not None else None,
        last_modified=old.last_modified if conditional and old is not None else None,
        via=via,
        cancelled=cancelled,
        progress=progress,
    )
    if response.status == 304:
        kept.checked(url, etag=response.etag, last_modified=response.last_modified)
        return Fetched(None, False)
    page = read_page(page_text(response), response.url)
    pages: list[bytes] = [response.content]

    def more(next_url: str) -> str:
        more_response: Response = fetcher.get(next_url, accept=HTML_TYPES, via=response.url, cancelled=cancelled)
        pages.append(more_response.content)
        return page_text(more_response)

    page = join_pages(page, more, max_pages=max_pages, cancelled=cancelled)
    if cancelled():
        raise FetchError(f"{inert(url)}: cancelled")
    try:
        copy = kept.put(_copy(url, page, response), pages)
        if annotated is not None:
            kept.trim(annotated, keep=url)
    except (OSError, Timeout) as exc:  # a full disk, a folder that cannot be written: read it anyway
        copy = _copy(url, page, response)
        warning = f"{inert(url)}: not kept for reading offline ({getattr(exc, 'strerror', None) or exc})"
        return Fetched(article_from_copy(copy), False, (*page.warnings, warning))
    changed = old is not None and old.sha256 != copy.sha256
    return Fetched(article_from_copy(copy), changed, page.warnings)


def _copy(url: str, page: Page, response: Response) -> KeptCopy:
    return KeptCopy(
        url=url,
        text=page.text,
        title=page.title,
        canonical=page.canonical,
        site=page.site,
        author=page.author,
        published=page.published,
        etag=response.etag,
        last_modified=response.last_modified,
        pages=page.pages,
    )  # fetched and checked: now, as KeptPages.put stamps them


def load_html_file(
    path: str | os.PathLike[str], max_bytes: int = MAX_ARTICLE_BYTES, *, data: bytes | None = None
) -> Article:
    """A saved web page (``.html`` / ``.htm``) as an article: its main text and metadata, its
    identity the file's path (as any file's). ``data``: its bytes, already read. Raises
    :class:`ArticleError` with one line."""
    if data is None:
        data = read_input(path, min(max_bytes, MAX_PAGE_BYTES))  # a page, not its text: extraction's bound
    elif len(data) > MAX_PAGE_BYTES:
        raise ArticleError(f"{inert(os.fspath(path))}: a page of more than {MAX_PAGE_BYTES:,} bytes")
    name = inert(os.fspath(path))
    if not data.strip():
        raise ArticleError(f"{name}: the file is empty")
    try:
        page = read_page(data, "")
    except ArticleError as exc:
        raise type(exc)(f"{name}: {str(exc).removeprefix('the page: ')}") from None
    return article_from_page(replace(page, url=page.canonical), Path(path))
