"""HTTP for Sorot: polite, bounded and safe fetching with httpx; every failure is one line.

The API::

    fetcher = Fetcher(timeout=20.0, deadline=60.0, max_bytes=16 * 1024 * 1024, max_redirects=5,
                      max_wait=30.0, user_agent=USER_AGENT, resolver=system_resolver, transport=None)
    response = fetcher.get(url, accept=HTML_TYPES, etag=None, last_modified=None, via=None,
                           cancelled=lambda: False, progress=None)
    text = page_text(response)          # the page decoded (BOM, header, <meta>, then detection)
    key = normalise_url(url)            # an article's identity: no #fragment, no utm_*/fbclid/gclid
    fetcher.close()                     # or ``with Fetcher() as fetcher:``

``get`` returns a :class:`Response` (status 200, or 304 with an empty body when ``etag`` /
``last_modified`` found the kept copy current) or raises :class:`FetchError`, whose message is one
line naming the URL (made inert: control characters cannot reach the terminal);
:class:`FetchCancelled` when ``cancelled()`` turned true. ``accept`` is a tuple of media types
(:data:`HTML_TYPES`, :data:`FEED_TYPES`) or None for anything; a sloppy type (none,
``text/plain``, ``application/octet-stream``, a feed served as ``text/html`` or
``application/json``) is sniffed from the body. ``progress(received, total)`` is called as bytes
arrive: bytes on the wire, and the ``Content-Length`` (None when the server sends none).

Politeness: a User-Agent naming Sorot; one request at a time per host in the whole process (a
lock per host name, so other hosts go in parallel); ``Retry-After`` on a 429 or 503 (seconds or
an HTTP date) is waited out, cancellably, when at most ``max_wait``, then the request is tried
once more; a longer wait is a FetchError. Either way the host's "not before" time is remembered,
so the next request to it waits too, or fails at once with the same message.

Bounds: ``timeout`` for connecting and for each silence of the server; ``deadline`` for the whole
``get`` (a server trickling a byte at a time is cut off, even inside the headers); ``max_bytes``
of decoded body (``Content-Length`` is checked first, and gzip/deflate are inflated here in
bounded pieces, so a gzip bomb stops at the limit too).

Safety: only http and https; redirects followed by hand, each hop checked. A URL named by remote
content carries ``via=`` (the URL of the feed or page that named it). When the origin (``via``'s
host, else the first URL's) is public, a hop reaching a loopback, private, link-local, multicast,
reserved or unspecified address is refused: a typed ``http://127.0.0.1:8000/`` works, a public
page redirecting there does not, and a feed on the user's own server may link to its neighbours.

DNS rebinding: each hop's host is resolved once, by ``resolver`` (``socket.getaddrinfo`` by
default; injectable, and it says which addresses count as public), the addresses are checked, and
the connection is made to those very addresses: the default transport's network backend is pinned
to them (TLS still verifies the host name). Connections are not kept alive, so a connection made
for one check never serves another. A ``transport`` passed in (tests' mocks) is used as it is,
without that pinning and without the deadline inside reads. Proxies from the environment are not
used, and no cookies are kept.
"""

from __future__ import annotations

import codecs
import dataclasses
import email.utils
import http
import ipaddress
import math
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence

import httpcore
import httpx

from tui import __version__
from tui.core.document import ArticleError, decode_bytes, format_size, inert
from tui.core.web.charsets import web_codec
from tui.core.web.urls import normalise_url as normalise_url  # an article's identity

MAX_PAGE_BYTES = 16 * 1024 * 1024
"""The largest page or feed fetched by default (a news page is well under 2 MiB)."""
USER_AGENT = f"Sorot/{__version__} (terminal news reader; +https://pypi.org/project/sorot/)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
)
REDIRECTS = (301, 302, 303, 307, 308)
_SLOPPY = ("", "text/plain", "application/octet-stream")
"""Types a server gives when it does not know: the body says what it is."""
_SLOPPY_FEED = ("text/html", "application/json", "application/x-rss+xml", "application/x-atom+xml")
_CHUNK = 64 * 1024
_POLL = 0.05
"""How often a wait (a host's turn, Retry-After, a silent server) looks at ``cancelled``."""
_MAX_SHOWN = 200


class FetchError(Exception):
    """A URL could not be fetched (DNS, refused, HTTP error, timeout, too large, not a page...).
    The message is one line, fit to show the user, and names the URL."""


class FetchCancelled(FetchError):
    """``cancelled()`` turned true while the URL was being fetched."""


@dataclasses.dataclass(frozen=True)
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
    redirects: tuple[str, ...] = ()
    """The URLs that redirected, in order, before ``url``."""


@dataclasses.dataclass(frozen=True)
class Resolved:
    """One address a host name resolves to, and whether it counts as public."""

    address: str
    public: bool


Resolver = Callable[[str, int], Sequence[Resolved]]
"""``(host, port)`` to its addresses; raises OSError when the name cannot be found."""


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, multicast, reserved, unspecified and other
    non-global addresses (an IPv4 address inside IPv6, ``::ffff:10.0.0.1``, judged as IPv4)."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def system_resolver(host: str, port: int) -> list[Resolved]:
    """The host's addresses from ``socket.getaddrinfo``, judged by :func:`is_public_address`."""
    found: list[Resolved] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if all(seen.address != address for seen in found):
            found.append(Resolved(address, is_public_address(address)))
    return found


def _kind(address: str) -> str:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    for name in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    return "non-public"


# --- per host: one request at a time, and Retry-After remembered ------------------------------


class _Hosts:
    """Process-wide state per host name: its lock, and the time before which it asked not to be
    asked again (``time.monotonic``)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._not_before: dict[str, float] = {}

    def lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def not_before(self, host: str) -> float:
        with self._guard:
            return self._not_before.get(host, 0.0)

    def wait_until(self, host: str, when: float) -> None:
        with self._guard:
            self._not_before[host] = max(when, self._not_before.get(host, 0.0))


_HOSTS = _Hosts()


def _wall_clock() -> float:
    """The time an HTTP date in ``Retry-After`` is counted from."""
    return time.time()


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (a number of seconds or an HTTP date; never
    negative), or None if there is none or it cannot be read."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - _wall_clock()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def _duration(seconds: float) -> str:
    """A wait as a person reads it, rounded (a wait read again a moment later says the same)."""
    if seconds < 89.5:
        return f"{max(1, math.ceil(seconds))} s"
    if seconds < 59.5 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} days"


# --- the network under httpx: connections pinned to checked addresses, reads bounded ----------


class _Cancelled(Exception):
    """Raised inside a read when ``cancelled()`` turned true; becomes FetchCancelled."""


@dataclasses.dataclass
class _Hop:
    """What the thread sending a request knows of it, read by the network backend below."""

    host: str
    addresses: list[str]
    deadline: float
    cancelled: Callable[[], bool]

    def bound(self, timeout: float | None) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("the deadline has passed")
        return remaining if timeout is None else min(timeout, remaining)


_local = threading.local()


def _current_hop() -> _Hop | None:
    hop: _Hop | None = getattr(_local, "hop", None)
    return hop


class _BoundedStream(httpcore.NetworkStream):
    """A connection whose reads give way to the deadline and to ``cancelled()``: a silent server
    is waited for in short slices."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        hop = _current_hop()
        if hop is None:
            return self._inner.read(max_bytes, timeout)
        give_up = math.inf if timeout is None else time.monotonic() + timeout
        while True:
            if hop.cancelled():
                raise _Cancelled
            now = time.monotonic()
            end = min(give_up, hop.deadline)
            if now >= end:
                raise httpcore.ReadTimeout("timed out")
            try:
                return self._inner.read(max_bytes, min(_POLL * 2, end - now))
            except httpcore.ReadTimeout:
                continue

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        hop = _current_hop()
        self._inner.write(buffer, timeout if hop is None else hop.bound(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        hop = _current_hop()
        bounded = timeout if hop is None else hop.bound(timeout)
        return _BoundedStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


_SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the addresses the fetcher checked for this hop, never resolving again."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        hop = _current_hop()
        if hop is None or hop.host != host.lower():
            return _BoundedStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))
        failure: httpcore.ConnectError | None = None
        for address in hop.addresses:
            try:
                stream = self._inner.connect_tcp(address, port, hop.bound(timeout), local_address, socket_options)
            except httpcore.ConnectError as error:
                failure = error
                continue
            return _BoundedStream(stream)
        raise failure or httpcore.ConnectError(f"no address for {host}")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport, over a connection pool that uses :class:`_PinnedBackend` and keeps
    no connection alive (each request connects to the addresses checked for it)."""

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_keepalive_connections=0,
            network_backend=_PinnedBackend(),
        )


# --- decoding the body, in bounded pieces ------------------------------------------------------


class _TooLarge(Exception):
    pass


class _Inflater:
    """Undoes one ``Content-Encoding`` (gzip, deflate, identity), never producing more than a
    limit: the compressed data is inflated ``_CHUNK`` bytes at a time."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._z: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes, out: bytearray, limit: int) -> None:
        if self.encoding == "deflate" and self._z is None and data:
            # "deflate" is zlib-wrapped by the standard, raw deflate by some servers.
            zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        z = self._z
        if z is None:
            out += data
            if len(out) > limit:
                raise _TooLarge
            return
        piece = z.decompress(data, _CHUNK)
        while True:
            out += piece
            if len(out) > limit:
                raise _TooLarge
            if z.eof:
                rest = z.unused_data
                if not rest or self.encoding == "deflate" or not rest.strip(b"\0"):
                    return
                z = self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)  # another gzip member
                piece = z.decompress(rest, _CHUNK)
                continue
            if not z.unconsumed_tail and len(piece) < _CHUNK:
                return
            piece = z.decompress(z.unconsumed_tail, _CHUNK)


# --- content types -----------------------------------------------------------------------------


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media, *params = value.split(";")
    charset = None
    for param in params:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'").strip() or None
    return media.strip().lower(), charset


_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]")
_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]")


def _looks_like(body: bytes, accept: Sequence[str]) -> bool:
    head = body[:2048].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if any(media in FEED_TYPES for media in accept):
        if _FEED_ROOT.search(head) and not head.startswith((b"<!doctype html", b"<html")):
            return True
        if head.startswith(b"{") and b"jsonfeed.org/version" in head:
            return True
    return any(media in HTML_TYPES for media in accept) and _HTML_START.search(head[:1024]) is not None


def _what(accept: Sequence[str]) -> str:
    html = any(media in HTML_TYPES for media in accept)
    feed = any(media in FEED_TYPES for media in accept)
    if html and feed:
        return "a web page or a feed"
    return "a web page" if html else "a feed" if feed else "of an accepted type"


# --- messages ------------------------------------------------------------------------------------


def _show(url: str) -> str:
    """A URL (or a part of one) fit for a one-line message: inert, and not too long."""
    shown = inert(url).strip()
    return shown if len(shown) <= _MAX_SHOWN else shown[: _MAX_SHOWN - 1] + "…"


def _reason(error: BaseException) -> str:
    return _show(" ".join(str(error).split()) or type(error).__name__)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _tls_failure(error: BaseException) -> str | None:
    for cause in _chain(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"certificate not trusted: {_show(str(cause.verify_message or cause.reason))}"
        if isinstance(cause, ssl.SSLError):
            reason = str(cause.reason or "")
            return _show(reason.replace("_", " ").lower() if reason.isupper() else _reason(cause))
    return None


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


# --- the fetcher ---------------------------------------------------------------------------------


def _never() -> bool:
    return False


class Fetcher:
    """Fetches URLs politely and within bounds; safe to share between threads. See the module."""

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        deadline: float = 60.0,
        max_bytes: int = MAX_PAGE_BYTES,
        max_redirects: int = 5,
        max_wait: float = 30.0,
        user_agent: str = USER_AGENT,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.max_wait = max_wait
        self.user_agent = user_agent
        self.resolver = resolver
        self._transport = transport if transport is not None else _PinnedTransport()

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the request ------------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        accept: Sequence[str] | None = HTML_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
        via: str | None = None,
        cancelled: Callable[[], bool] = _never,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> Response:
        """GET ``url``; see the module for what is checked. Raises FetchError (FetchCancelled)."""
        deadline = time.monotonic() + self.deadline
        current = self._parse(url)
        if current.scheme not in ("http", "https"):
            raise FetchError(f"{_show(url)}: only http and https addresses can be fetched")
        origin_public = None if via is None else self._is_public_origin(via)
        redirects: list[str] = []
        retried = False
        while True:
            shown = _show(str(current))
            if cancelled():
                raise FetchCancelled(f"{shown}: cancelled")
            host = self._host(current)
            addresses = self._resolve(current, host, shown)
            if origin_public is None:
                origin_public = any(found.public for found in addresses)
            elif origin_public:
                self._refuse_private(shown, addresses, redirects, via)
            result = self._exchange(
                current, host, [found.address for found in addresses], deadline, cancelled, progress,
                accept=accept, etag=etag, last_modified=last_modified, retry=not retried,
            )  # fmt: skip
            if isinstance(result, Response):
                return dataclasses.replace(result, redirects=tuple(redirects))
            if result is None:  # waited out a Retry-After: the same URL once more
                retried = True
                continue
            target = self._redirect_target(current, result, url)
            redirects.append(str(current))
            if len(redirects) > self.max_redirects:
                raise FetchError(f"{_show(url)}: more than {self.max_redirects} redirects")
            if str(target) in redirects:
                raise FetchError(f"{_show(url)}: a redirect loop (back to {_show(str(target))})")
            current = target

    def _parse(self, url: str) -> httpx.URL:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, UnicodeError, ValueError, TypeError):
            raise FetchError(f"{_show(url)}: not a valid web address") from None
        if parsed.scheme in ("http", "https") and not parsed.host:
            raise FetchError(f"{_show(url)}: not a valid web address (no host)")
        return parsed

    def _redirect_target(self, current: httpx.URL, location: str, first: str) -> httpx.URL:
        shown = _show(str(current))
        try:
            target = current.join(location)
        except (httpx.InvalidURL, UnicodeError, ValueError, TypeError):
            raise FetchError(f"{shown}: redirects to an invalid address ({_show(location)})") from None
        if target.scheme not in ("http", "https"):
            raise FetchError(f"{shown}: redirects to {_show(location)}, which is not an http or https address")
        if not target.host:
            raise FetchError(f"{shown}: redirects to an invalid address ({_show(location)})")
        return target.copy_with(fragment=None)

    @staticmethod
    def _host(url: httpx.URL) -> str:
        return url.raw_host.decode("ascii").lower()

    def _resolve(self, url: httpx.URL, host: str, shown: str) -> list[Resolved]:
        try:
            return [Resolved(host, is_public_address(host))]
        except ValueError:
            pass  # a name, not an address
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            found = list(self.resolver(host, port))
        except (OSError, UnicodeError, ValueError):
            found = []
        if not found:
            raise FetchError(f"{shown}: cannot find the server {_show(url.host)}")
        return found

    def _is_public_origin(self, via: str) -> bool:
        """Whether the content that named a URL came from a public host (True when unknown)."""
        try:
            parsed = httpx.URL(via)
            host = self._host(parsed)
            return any(found.public for found in self._resolve(parsed, host, ""))
        except (FetchError, httpx.InvalidURL, UnicodeError, ValueError, TypeError):
            return True

    def _refuse_private(self, shown: str, addresses: list[Resolved], redirects: list[str], via: str | None) -> None:
        private = next((found for found in addresses if not found.public), None)
        if private is None:
            return
        where = f"the {_kind(private.address)} address {_show(private.address)}"
        if redirects:
            raise FetchError(f"{shown}: refused: {_show(redirects[-1])}, a public site, redirects to {where}")
        raise FetchError(f"{shown}: refused: {_show(via or '')}, a public site, links to {where}")

    # -- one hop: the host's turn, the request, the body ------------------------------------------

    def _exchange(
        self,
        url: httpx.URL,
        host: str,
        addresses: list[str],
        deadline: float,
        cancelled: Callable[[], bool],
        progress: Callable[[int, int | None], None] | None,
        *,
        accept: Sequence[str] | None,
        etag: str | None,
        last_modified: str | None,
        retry: bool,
    ) -> Response | str | None:
        """A Response, the ``Location`` of a redirect, or None when a Retry-After was recorded and
        may be waited out (by the next hop, which waits for the host's turn)."""
        shown = _show(str(url))
        lock = _HOSTS.lock(host)
        while not lock.acquire(timeout=_POLL):
            self._check_time(shown, deadline, cancelled)
        try:
            self._wait_for_host(shown, host, deadline, cancelled)
            _local.hop = _Hop(host, addresses, deadline, cancelled)
            try:
                return self._send(
                    url, shown, host, deadline, cancelled, progress,
                    accept=accept, etag=etag, last_modified=last_modified, retry=retry,
                )  # fmt: skip
            except FetchError:
                raise
            except _Cancelled:
                raise FetchCancelled(f"{shown}: cancelled") from None
            except httpx.TimeoutException:
                if time.monotonic() >= deadline - 0.01:
                    raise FetchError(f"{shown}: gave up after {self.deadline:g} s (the server is too slow)") from None
                raise FetchError(f"{shown}: the server did not answer within {self.timeout:g} s") from None
            except (httpx.HTTPError, httpx.InvalidURL, OSError, UnicodeError) as error:
                raise FetchError(f"{shown}: {self._failure(error)}") from None
            finally:
                _local.hop = None
        finally:
            lock.release()

    @staticmethod
    def _failure(error: BaseException) -> str:
        tls = _tls_failure(error)
        if tls is not None:
            return f"secure connection failed ({tls})"
        causes = list(_chain(error))
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return "the server refused the connection"
        if any(isinstance(cause, ConnectionResetError) for cause in causes):
            return "the server closed the connection"
        if isinstance(error, httpx.ConnectError):
            return f"cannot connect ({_reason(error)})"
        if isinstance(error, (httpx.RemoteProtocolError, httpx.DecodingError)):
            return f"the server sent a malformed response ({_reason(error)})"
        if isinstance(error, UnicodeError | ValueError | httpx.InvalidURL):
            return f"not a valid web address ({_reason(error)})"
        return f"the connection failed ({_reason(error)})"

    def _check_time(self, shown: str, deadline: float, cancelled: Callable[[], bool]) -> None:
        if cancelled():
            raise FetchCancelled(f"{shown}: cancelled")
        if time.monotonic() >= deadline:
            raise FetchError(f"{shown}: gave up after {self.deadline:g} s (the server is too slow)")

    def _wait_for_host(self, shown: str, host: str, deadline: float, cancelled: Callable[[], bool]) -> None:
        """Waits out the host's remembered Retry-After, or fails at once if it is too long."""
        not_before = _HOSTS.not_before(host)
        wait = not_before - time.monotonic()
        if wait <= 0:
            return
        if wait > self.max_wait or not_before > deadline:
            raise FetchError(self._wait_message(shown, host, wait))
        while time.monotonic() < not_before:
            if cancelled():
                raise FetchCancelled(f"{shown}: cancelled")
            time.sleep(min(_POLL, max(0.0, not_before - time.monotonic())))

    @staticmethod
    def _wait_message(shown: str, host: str, wait: float, status: str = "") -> str:
        tail = f" ({status})" if status else ""
        return f"{shown}: {_show(host)} asks to wait {_duration(wait)} before the next request{tail}"

    def _send(
        self,
        url: httpx.URL,
        shown: str,
        host: str,
        deadline: float,
        cancelled: Callable[[], bool],
        progress: Callable[[int, int | None], None] | None,
        *,
        accept: Sequence[str] | None,
        etag: str | None,
        last_modified: str | None,
        retry: bool,
    ) -> Response | str | None:
        headers = {
            "User-Agent": self.user_agent,
            "Accept": ", ".join([*accept, "*/*;q=0.1"]) if accept else "*/*",
            "Accept-Encoding": "gzip, deflate",
            "Accept-Language": "id, en;q=0.7",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        timeout = httpx.Timeout(self.timeout)
        request = httpx.Request("GET", url, headers=headers, extensions={"timeout": timeout.as_dict()})
        response = self._transport.handle_request(request)
        response.request = request
        try:
            return self._receive(url, shown, host, response, deadline, cancelled, progress, accept=accept, retry=retry)
        finally:
            response.close()

    def _receive(
        self,
        url: httpx.URL,
        shown: str,
        host: str,
        response: httpx.Response,
        deadline: float,
        cancelled: Callable[[], bool],
        progress: Callable[[int, int | None], None] | None,
        *,
        accept: Sequence[str] | None,
        retry: bool,
    ) -> Response | str | None:
        status = response.status_code
        if status in REDIRECTS and response.headers.get("Location"):
            return response.headers["Location"]
        if status in (429, 503):
            wait = retry_after(response.headers.get("Retry-After"))
            if wait is not None:
                _HOSTS.wait_until(host, time.monotonic() + wait)
                if retry and wait <= self.max_wait and time.monotonic() + wait < deadline:
                    return None
                raise FetchError(self._wait_message(shown, host, wait, _status_text(status)))
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if status == 304:
            return Response(str(url), 304, b"", etag=etag, last_modified=last_modified)
        if not 200 <= status < 300:
            if status in REDIRECTS:
                raise FetchError(f"{shown}: {_status_text(status)} without a Location to go to")
            raise FetchError(f"{shown}: {_status_text(status)}")
        media, charset = _parse_content_type(response.headers.get("Content-Type", ""))
        sniff = False
        if accept is not None and media not in accept:
            feeds = any(kind in FEED_TYPES for kind in accept)
            sniff = media in _SLOPPY or (feeds and media in _SLOPPY_FEED)
            if not sniff:
                raise FetchError(f"{shown}: not {_what(accept)} ({_show(media)})")
        total = self._content_length(response)
        if total is not None and total > self.max_bytes:
            raise FetchError(f"{shown}: too large: more than {format_size(self.max_bytes)}")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower() or "identity"
        if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(f"{shown}: the server compressed the page as {_show(encoding)}, which Sorot cannot read")
        inflater = _Inflater(encoding)
        body = bytearray()
        received = 0
        if progress is not None:
            progress(0, total)
        try:
            for raw in response.iter_raw():
                received += len(raw)
                inflater.feed(raw, body, self.max_bytes)
                if progress is not None:
                    progress(received, total)
                self._check_time(shown, deadline, cancelled)
        except _TooLarge:
            raise FetchError(f"{shown}: too large: more than {format_size(self.max_bytes)}") from None
        except zlib.error:
            raise FetchError(f"{shown}: the server sent a damaged compressed body ({encoding})") from None
        if not body:
            raise FetchError(f"{shown}: the server sent an empty response")
        content = bytes(body)
        if sniff and accept is not None and not _looks_like(content, accept):
            raise FetchError(f"{shown}: not {_what(accept)} ({_show(media) or 'no content type'})")
        return Response(str(url), status, content, media, charset, etag, last_modified)

    @staticmethod
    def _content_length(response: httpx.Response) -> int | None:
        value = response.headers.get("Content-Length", "").strip()
        return int(value) if value.isdigit() else None


# --- decoding a page, and a URL's identity ---------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _codec(label: str | None, from_meta: bool = False) -> str | None:
    """The codec of a page's charset label (:func:`~tui.core.web.charsets.web_codec`: the
    encodings browsers read, nothing else); a page cannot really be UTF-16 when its ``<meta>``
    could be read as ASCII, as browsers hold."""
    name = web_codec(label)
    if from_meta and name is not None and name.startswith("utf-16"):
        return "utf-8"
    return name


def page_text(response: Response) -> str:
    """The page's text: by its BOM, else the header's charset, else a ``<meta charset>`` or
    ``http-equiv`` in its first 2 KB, else detected (UTF-8, then a Western code page first, as
    :func:`~tui.core.document.decode_bytes`). A declared charset the bytes do not fit is passed
    over. Raises FetchError if the body is no text."""
    data = response.content
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    meta = _META_CHARSET.search(data[:2048])
    for codec in (_codec(response.charset), _codec(meta.group(1).decode("ascii") if meta else None, True)):
        if codec is not None:
            try:
                return data.decode(codec)
            except (UnicodeError, LookupError):
                continue
    try:
        return decode_bytes(data, _show(response.url))[0]
    except ArticleError as error:
        raise FetchError(str(error).replace("the file is empty", "the page is empty")) from None
