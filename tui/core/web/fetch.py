"""HTTP for Sorot: polite, bounded and safe fetching with httpx; every failure is one line."""

from __future__ import annotations

from dataclasses import dataclass


class FetchError(Exception):
    """A URL could not be fetched (DNS, refused, HTTP error, timeout, too large, not a page...).
    The message is one line, fit to show the user, and names the URL."""


@dataclass(frozen=True)
class Response:
    """What a successful GET gave: ``status`` 200, or 304 when a conditional request found the
    kept copy current (then ``content`` is empty)."""

    url: str
    """The final URL, after redirects."""
    status: int
    content: bytes
    """The body, gzip/deflate already undone."""
    content_type: str = ""
    """The media type without parameters, lower case (``text/html``)."""
    charset: str | None = None
    """The charset the ``Content-Type`` header names, if any."""
    etag: str | None = None
    last_modified: str | None = None
