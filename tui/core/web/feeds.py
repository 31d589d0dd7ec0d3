"""RSS and Atom subscriptions: reading a feed (feedparser), finding one from a page, refreshing
the subscriptions into the store, and pruning old entries.

The subscriptions and their entries live in the annotation store (:meth:`Store.feeds`,
:meth:`Store.entries`...; :class:`Feed` and :class:`Entry` are defined beside it, in
:mod:`tui.core.store.subscriptions`, and re-exported here). Fetching is not done here: every
function that needs the network takes a ``fetch(url, *, etag, last_modified) -> Response``
(:mod:`tui.core.web.fetch`), so tests give a fake one and the CLI gives :func:`make_fetch`'s.

What a feed says is untrusted: titles and summaries are made plain text (no markup, entities
undone, whitespace collapsed; control characters are left for the UI to neutralise), and an
entry whose link is not ``http``/``https`` (``file:``, ``javascript:``, ``data:``) is dropped.
"""

from __future__ import annotations

import html
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

from tui.core.store.subscriptions import Entry, Feed, iso_utc, normalise_url
from tui.core.web.fetch import FetchError, Response
from tui.core.web.urls import is_web_url

if TYPE_CHECKING:
    from tui.core.store import Store

__all__ = [
    "Entry",
    "Feed",
    "FeedError",
    "ParsedFeed",
    "RefreshResult",
    "discover_feed",
    "fetch_with",
    "is_web_url",
    "make_fetch",
    "max_age_days",
    "parse_feed",
    "prune",
    "refresh",
    "subscribe",
]

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
"""The media types of feeds, as :func:`make_fetch` asks for them (the fetcher's, less JSON Feed,
which feedparser is not given)."""
MAX_AGE_DAYS = 60
"""Entries older than this (published, else first seen) are pruned after a refresh, unless annotated."""
MAX_AGE_ENV = "SOROT_FEED_MAX_AGE"
MAX_ENTRIES = 500
"""Entries kept from one reading of a feed (the newest): a feed document is bounded by the
fetcher's size limit anyway, and a reading list of more is no list."""
SUMMARY_CHARS = 500
TITLE_CHARS = 1000
_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_SPACE = re.compile(r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


class FeedError(Exception):
    """A feed could not be read or subscribed to; the message is one line."""


class Fetch(Protocol):
    """Fetches a URL (conditionally). ``via`` is the page that named it: remote content, held to
    the fetcher's rules for it (no private address named by a public page)."""

    def __call__(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, via: str | None = None
    ) -> Response: ...


@dataclass(frozen=True)
class ParsedFeed:
    """What a feed document says: its title, its site's home page, its own URL (its ``self``
    link, else the URL it was read from), its entries (newest :data:`MAX_ENTRIES`), and how many
    entries were dropped (no web link)."""

    title: str
    site: str
    link: str
    entries: list[Entry] = field(default_factory=list)
    dropped: int = 0


@dataclass(frozen=True)
class RefreshResult:
    """What refreshing one feed did: ``new`` entries, ``entries`` in the document read (0 when
    unchanged: a 304), ``dropped`` entries, or the one-line ``error`` (also kept on the feed)."""

    feed: Feed
    new: int = 0
    entries: int = 0
    unchanged: bool = False
    dropped: int = 0
    error: str | None = None


# -- plain text ---------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text of an HTML fragment: tags gone, entities undone, script and style skipped."""

    _SKIP = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


_TAG = re.compile(r"<[A-Za-z/!]")


def plain_text(fragment: str, limit: int | None = None) -> str:
    """``fragment`` (HTML or text) as one line of plain text, cut to about ``limit`` characters
    at a word (with an ellipsis). Control characters are kept: the UI neutralises them. Markup
    escaped twice (``&lt;b&gt;``) is read as markup still; a ``<`` that starts no tag ("Harga <
    Rp 10 ribu") is text."""
    # What is shown is at most ``limit`` characters: markup past a few times that is not read
    # (Python's HTML parser takes quadratic time on some runs, such as "<a<a<a...").
    text = fragment if limit is None else fragment[: 8 * limit + 64]
    for _round in range(2):  # the markup, then markup escaped once more: never further
        if "<" not in text and "&" not in text:
            break
        parser = _Text()
        try:
            parser.feed(text)
            parser.close()
            read = "".join(parser.parts)
        except Exception:  # HTMLParser is lenient; anything it still chokes on is read as text
            read = html.unescape(text)
        if read == text:
            break
        text = read
        if not _TAG.search(text):
            break
    text = _SPACE.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        cut = text[:limit]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.-") + "…"
    return text


# -- reading a feed -----------------------------------------------------------------------------


def _looks_like_html(content: bytes) -> bool:
    head = content[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512] and b"<rss" not in head


def _when(entry: Mapping[str, Any]) -> str | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        moment = entry.get(name)
        if moment:
            try:
                year, month, day, hour, minute, second = (int(part) for part in moment[:6])
                return iso_utc(datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc))
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def _link_of(entry: Mapping[str, Any], base: str) -> str:
    link = entry.get("link")
    if not isinstance(link, str) or not link:
        for candidate in entry.get("links") or ():
            if isinstance(candidate, Mapping) and candidate.get("rel", "alternate") == "alternate":
                link = candidate.get("href")
                break
    return urljoin(base, link.strip()) if isinstance(link, str) and link.strip() else ""


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _reason(exc: object) -> str:
    """Why feedparser could not read a document, in a few words."""
    if exc is None:
        return "no feed found in it"
    get_message, get_line = getattr(exc, "getMessage", None), getattr(exc, "getLineNumber", None)
    if callable(get_message) and callable(get_line):  # an XML parse error: without the "<unknown>" name
        return f"{get_message()}, line {get_line()}"
    return _one_line(str(exc)) or type(exc).__name__


def parse_feed(content: bytes, url: str) -> ParsedFeed:
    """Read a feed document (bytes: feedparser is never given a URL, which it would fetch).
    Raises :class:`FeedError` (one line) when it is no RSS or Atom feed; a feed that is damaged
    but still yields entries or a title is read as far as it goes."""
    try:
        return _parse_feed(content, url)
    except FeedError:
        raise
    except Exception as exc:  # noqa: BLE001 - a fault on one feed's content is that feed's error, one line
        raise FeedError(f"{url} cannot be read as a feed ({type(exc).__name__}: {_one_line(str(exc))[:200]})") from None


def _parse_feed(content: bytes, url: str) -> ParsedFeed:
    import feedparser  # type: ignore[import-untyped]

    parsed = feedparser.parse(
        io.BytesIO(content), response_headers={"content-type": "application/xml", "content-location": url}
    )
    info = parsed.get("feed") or {}
    title = plain_text(str(info.get("title") or ""), TITLE_CHARS)
    raw_entries = parsed.get("entries") or []
    if not raw_entries and (not parsed.get("version") or (parsed.get("bozo") and not title)):
        if _looks_like_html(content):
            raise FeedError(f"{url} is not an RSS or Atom feed (an HTML page)")
        raise FeedError(f"{url} is not an RSS or Atom feed ({_reason(parsed.get('bozo_exception'))})")
    site = _link_of(info, url)
    site = site if is_web_url(site) else ""
    own = url
    for link in info.get("links") or ():
        if isinstance(link, Mapping) and link.get("rel") == "self" and is_web_url(str(link.get("href") or "")):
            own = str(link["href"])
            break
    entries: list[Entry] = []
    dropped = 0
    seen: set[str] = set()
    for item in raw_entries:
        link = _link_of(item, url)
        if not is_web_url(link):
            dropped += 1
            continue
        guid = item.get("id") or item.get("guid")
        key = guid.strip() if isinstance(guid, str) and guid.strip() else link
        if key in seen:
            continue
        seen.add(key)
        author = item.get("author") or ""
        summary = item.get("summary") or ""
        entries.append(
            Entry(
                feed=normalise_url(url),
                key=key,
                link=link,
                title=plain_text(str(item.get("title") or ""), TITLE_CHARS),
                published=_when(item),
                site=_host(link),
                author=plain_text(str(author), 200),
                summary=plain_text(str(summary), SUMMARY_CHARS),
            )
        )
    if len(entries) > MAX_ENTRIES:
        dated = sorted(entries, key=lambda e: e.published or "", reverse=True)
        entries = dated[:MAX_ENTRIES]
    return ParsedFeed(title=title, site=site, link=own, entries=entries, dropped=dropped)


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"]
        if tag != "link":
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in ("application/rss+xml", "application/atom+xml") and values.get("href"):
            self.found.append(values["href"].strip())


def discover_feed(page: bytes | str, url: str) -> str | None:
    """The feed a web page names (``<link rel="alternate" type="application/rss+xml">`` or
    Atom), as an absolute http(s) URL; None when it names none."""
    text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    parser = _Alternates()
    try:
        parser.feed(text[: 1 << 20])
        parser.close()
    except Exception:
        pass
    base = urljoin(url, parser.base) if parser.base else url
    for href in parser.found:
        absolute = urljoin(base, href)
        if is_web_url(absolute):
            return absolute
    return None


# -- subscribing and refreshing -----------------------------------------------------------------


def read_feed(url: str, fetch: Fetch) -> tuple[str, ParsedFeed]:
    """Fetch ``url`` and read it as a feed; a web page is looked through for the feed it names,
    which is read instead. Returns the feed's URL and what it holds. Raises :class:`FeedError`
    or :class:`~tui.core.web.fetch.FetchError`, one line each."""
    response = fetch(url)
    try:
        return response.url or url, parse_feed(response.content, response.url or url)
    except FeedError:
        if not (_looks_like_html(response.content) or response.content_type in _PAGE_TYPES):
            raise
        found = discover_feed(response.content, response.url or url)
        if found is None:
            raise FeedError(f"{url} is a web page that names no RSS or Atom feed") from None
    response = fetch(found, via=response.url or url)  # named by the page: remote content
    return found, parse_feed(response.content, response.url or found)


@dataclass(frozen=True)
class Subscribed:
    """What :func:`subscribe` did: the feed, whether it was new, and its entries stored."""

    feed: Feed
    added: bool
    entries: int
    new: int
    dropped: int


def subscribe(store: Store, url: str, fetch: Fetch, *, folder: str = "") -> Subscribed:
    """Fetch and check the feed at ``url`` (or the one the page at ``url`` names), subscribe to
    it with its title, and store its entries. Already subscribed: nothing is fetched."""
    if not is_web_url(url):
        raise FeedError(f"{url} is not an http or https URL")
    existing = store.feed(url)
    if existing is not None:
        return Subscribed(existing, False, 0, 0, 0)
    feed_url, parsed = read_feed(url, fetch)
    existing = store.feed(feed_url)
    if existing is not None:
        return Subscribed(existing, False, 0, 0, 0)
    feed = Feed(url=normalise_url(feed_url), title=parsed.title, site=parsed.site, folder=folder)
    store.add_feed(feed)
    new = store.put_entries(feed.url, _owned(parsed.entries, feed.url))
    stored = store.update_feed(feed.url, refreshed=_now(), error=None)
    return Subscribed(stored, True, len(parsed.entries), new, parsed.dropped)


def _owned(entries: Iterable[Entry], feed_url: str) -> list[Entry]:
    """Entries as the subscription's (the URL they were read from may be a redirect's)."""
    url = normalise_url(feed_url)
    return [e if e.feed == url else Entry(**{**e.__dict__, "feed": url}) for e in entries]


def _now() -> str:
    return iso_utc(datetime.now(timezone.utc))


def refresh(
    store: Store,
    fetch: Fetch,
    feeds: Sequence[Feed] | None = None,
    *,
    progress: Callable[[int, int, Feed], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[RefreshResult]:
    """Read every subscription (or ``feeds``) again, with conditional requests (the stored etag
    and Last-Modified: a 304 means unchanged), storing new entries and updating known ones. A
    feed that fails has its one-line error recorded on it; the others go on. ``progress(done,
    total, feed)`` is called after each feed (the feed as it is stored now, its ``error`` set if it
    failed); ``cancelled()`` is asked before each."""
    chosen = list(store.feeds() if feeds is None else feeds)
    results: list[RefreshResult] = []
    for done, feed in enumerate(chosen, start=1):
        if cancelled():
            break
        result = _refresh_one(store, fetch, feed)
        results.append(result)
        if progress is not None:
            progress(done, len(chosen), result.feed)
    return results


def _refresh_one(store: Store, fetch: Fetch, feed: Feed) -> RefreshResult:
    try:
        response = fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if response.status == 304:
            stored = store.update_feed(feed.url, refreshed=_now(), error=None)
            return RefreshResult(stored, unchanged=True)
        parsed = parse_feed(response.content, response.url or feed.url)
    except (FetchError, FeedError) as exc:
        message = _one_line(str(exc)) or type(exc).__name__
        try:
            stored = store.update_feed(feed.url, error=message)
        except KeyError:  # unsubscribed meanwhile
            stored = feed
        return RefreshResult(stored, error=message)
    new = store.put_entries(feed.url, _owned(parsed.entries, feed.url))
    fields: dict[str, Any] = {
        "etag": response.etag,
        "last_modified": response.last_modified,
        "refreshed": _now(),
        "error": None,
    }
    if not feed.title and parsed.title:
        fields["title"] = parsed.title
    if not feed.site and parsed.site:
        fields["site"] = parsed.site
    try:
        stored = store.update_feed(feed.url, **fields)
    except KeyError:
        stored = feed
    return RefreshResult(stored, new=new, entries=len(parsed.entries), dropped=parsed.dropped)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def max_age_days(env: Mapping[str, str] | None = None) -> int:
    """How many days entries are kept: ``$SOROT_FEED_MAX_AGE`` when it is a whole number of at
    least 1, else :data:`MAX_AGE_DAYS`."""
    value = (os.environ if env is None else env).get(MAX_AGE_ENV, "").strip()
    try:
        days = int(value)
    except ValueError:
        return MAX_AGE_DAYS
    return days if days >= 1 else MAX_AGE_DAYS


def prune(store: Store, days: int | None = None, *, now: datetime | None = None) -> int:
    """Remove entries older than ``days`` (default :func:`max_age_days`), read or not, unless
    annotated; returns how many went."""
    days = max_age_days() if days is None else days
    moment = now if now is not None else datetime.now(timezone.utc)
    return store.prune_entries(moment - timedelta(days=days))


# -- the real fetcher -----------------------------------------------------------------------------


class _FetcherFetch:
    """:class:`tui.core.web.fetch.Fetcher` as a :class:`Fetch`."""

    def __init__(self, fetcher: Any, accept: Sequence[str] | None) -> None:
        self.fetcher = fetcher
        self.accept = accept

    def __call__(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, via: str | None = None
    ) -> Response:
        response: Response = self.fetcher.get(url, accept=self.accept, etag=etag, last_modified=last_modified, via=via)
        return response

    def close(self) -> None:
        close = getattr(self.fetcher, "close", None)
        if callable(close):
            close()


def fetch_with(fetcher: Any, accept: Sequence[str] | None = FEED_TYPES) -> Fetch:
    """``fetcher.get`` (a :class:`tui.core.web.fetch.Fetcher`'s) as a fetch function, asking for
    ``accept`` (None takes any page, to discover a feed from it): the reader's own client."""
    return _FetcherFetch(fetcher, accept)


def make_fetch(accept: Sequence[str] | None = FEED_TYPES) -> Fetch:
    """The fetch function the CLI uses, on a client of its own (:func:`fetch_with`). Tests replace
    this factory."""
    from tui.core.web.fetch import Fetcher

    return fetch_with(Fetcher(), accept)


def close_fetch(fetch: Fetch) -> None:
    """Let go of what a fetch function holds (connections), if anything."""
    close = getattr(fetch, "close", None)
    if callable(close):
        close()
