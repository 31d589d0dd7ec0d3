"""Feed subscriptions and their entries as the store keeps them: :class:`Feed` and :class:`Entry`
(re-exported by :mod:`tui.core.web.feeds`), their records, and the URL form that says when two
subscriptions are the same.

Where they live (:mod:`.shelf`): ``feeds/`` holds one record per subscription, in the bucket of
its normalised URL; ``entries/`` holds the entries, routed by their feed's URL first (the first
:data:`~tui.core.store.shelf.FEED_DIGITS` hex digits of the route are the feed's), so a feed's
entries sit together while the shelf is small, and a feed of many entries still splits (the
rest of the route is the entry's own); ``paths/`` holds ``links`` (an entry's normalised link ->
its feed and key), beside the annotations that name that URL, so the reader tells in one bucket
read whether a URL is a feed entry and whether it is annotated.

Times are ISO 8601 UTC strings with milliseconds (``2026-12-07T08:15:02.123Z``), as annotations'.
Records carry ``updated`` (when this process last changed them): of two copies of a record (a
split cut short), the later one is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tui.core.web.urls import normalise_url as normalise_url  # the store's URL identity


def iso_utc(moment: datetime) -> str:
    """A moment as the store writes times (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str | None) -> datetime | None:
    """A stored time as an aware datetime, or None when it is none (or not a time)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Feed:
    """A subscription. ``folder`` is its OPML category ("" for none); ``error`` the one-line
    reason its last refresh failed (None when it succeeded)."""

    url: str
    title: str = ""
    site: str = ""
    """The site's home page (the feed's ``<link>``), "" when it gives none."""
    added: str = ""
    etag: str | None = None
    last_modified: str | None = None
    refreshed: str | None = None
    error: str | None = None
    folder: str = ""

    @property
    def name(self) -> str:
        """What to call it: its title, else its URL."""
        return self.title or self.url

    def to_record(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "site": self.site,
            "added": self.added,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "refreshed": self.refreshed,
            "error": self.error,
            "folder": self.folder,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Feed:
        return cls(
            url=record["url"],
            title=_text(record.get("title")),
            site=_text(record.get("site")),
            added=_text(record.get("added")),
            etag=_optional(record.get("etag")),
            last_modified=_optional(record.get("last_modified")),
            refreshed=_optional(record.get("refreshed")),
            error=_optional(record.get("error")),
            folder=_text(record.get("folder")),
        )


FEED_FIELDS = frozenset({"title", "site", "etag", "last_modified", "refreshed", "error", "folder"})
"""What :meth:`Store.update_feed` may change."""


@dataclass(frozen=True)
class Entry:
    """An item of a feed. ``key`` is its guid, else its link; ``published`` when the feed says it
    was published (or updated), None when it does not; ``seen`` when Sorot first saw it;
    ``summary`` is plain text, short."""

    feed: str
    key: str
    link: str
    title: str = ""
    published: str | None = None
    site: str = ""
    author: str = ""
    summary: str = ""
    seen: str = ""
    read: bool = False

    @property
    def when(self) -> str:
        """The time it is ordered and pruned by: published, else seen."""
        return self.published or self.seen

    def to_record(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "key": self.key,
            "link": self.link,
            "title": self.title,
            "published": self.published,
            "site": self.site,
            "author": self.author,
            "summary": self.summary,
            "seen": self.seen,
            "read": self.read,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Entry:
        return cls(
            feed=record["feed"],
            key=record["key"],
            link=_text(record.get("link")),
            title=_text(record.get("title")),
            published=_optional(record.get("published")),
            site=_text(record.get("site")),
            author=_text(record.get("author")),
            summary=_text(record.get("summary")),
            seen=_text(record.get("seen")),
            read=record.get("read") is True,
        )


def is_feed(record: Any) -> bool:
    """Whether a record of ``feeds`` is sound (others are skipped and kept as they are)."""
    return isinstance(record, dict) and isinstance(record.get("url"), str) and bool(record["url"])


def is_entry(record: Any) -> bool:
    """Whether a record of ``entries`` is sound."""
    return (
        isinstance(record, dict)
        and isinstance(record.get("feed"), str)
        and isinstance(record.get("key"), str)
        and bool(record["feed"])
        and bool(record["key"])
    )


def entry_time(record: Mapping[str, Any]) -> str:
    """An entry record's time for ordering: published, else seen."""
    return _text(record.get("published")) or _text(record.get("seen"))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _optional(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
