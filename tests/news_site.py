"""A news site on 127.0.0.1 for the tests: fixture pages (their site's address rewritten to the
local server's), an RSS feed of them, ETag / Last-Modified answered with 304, pages that change,
and a switch that takes the site offline. Nothing reaches the internet."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

WEB = Path(__file__).parent / "data" / "web"
SITES = (b"https://www.tribunnews.com", b"https://nasional.kompas.com", b"https://megapolitan.kompas.com",
         b"https://www.kompas.com", b"https://news.detik.com", b"https://www.cnnindonesia.com",
         b"https://www.antaranews.com", b"https://nasional.tempo.co", b"https://www.liputan6.com")  # fmt: skip


class NewsSite:
    """Pages served by path; every answer carries an ETag, and a request naming it gets a 304."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.offline = False
        self.delays: dict[str, float] = {}
        """Seconds to wait before answering, by path (a slow site)."""
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self._answer)

    @property
    def base(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.pages[path] = (body, content_type)
        return self.url(path)

    def fixture(self, name: str) -> bytes:
        """A fixture page with its site's addresses pointing at this server."""
        data = (WEB / name).read_bytes()
        for site in SITES:
            data = data.replace(site, self.base.encode())
        return data

    def article(self, path: str, name: str) -> str:
        return self.put(path, self.fixture(name))

    def feed(self, path: str, title: str, entries: list[tuple[str, str, datetime]]) -> str:
        """An RSS 2.0 feed of ``(title, path, published)`` entries."""
        items = "".join(
            f"<item><title>{escape(t)}</title><link>{escape(self.url(p))}</link><guid>{escape(self.url(p))}</guid>"
            f"<pubDate>{format_datetime(when)}</pubDate></item>"
            for t, p, when in entries
        )
        rss = (
            f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{escape(self.base)}/</link>{items}</channel></rss>"
        )
        return self.put(path, rss.encode(), "application/rss+xml; charset=utf-8")

    def _answer(self, request: Request) -> Response:
        self.requests.append((request.full_path.rstrip("?"), dict(request.headers)))
        if request.path in self.delays:
            time.sleep(self.delays[request.path])
        if self.offline:
            return Response("service unavailable", status=503)
        key = request.full_path.rstrip("?")
        found = self.pages.get(key) or self.pages.get(request.path)
        if found is None:
            return Response("not found", status=404)
        body, content_type = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        modified = format_datetime(datetime(2025, 12, 2, 3, 0, tzinfo=timezone.utc), usegmt=True)
        return Response(
            body, status=200, headers={"Content-Type": content_type, "ETag": etag, "Last-Modified": modified}
        )
