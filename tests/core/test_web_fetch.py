"""The fetcher against servers on 127.0.0.1 that the tests start: pages, encodings, conditional
requests, redirects and what they may reach, Retry-After, one request at a time per host, time and
size limits, content types, cancellation and the one-line messages. Nothing reaches the internet:
host names are resolved by an injected resolver (``public.test`` is 127.0.0.1 judged public)."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WerkzeugResponse

import tui
from tui.core.web import fetch
from tui.core.web.fetch import (
    FEED_TYPES,
    FetchCancelled,
    Fetcher,
    FetchError,
    Resolved,
    is_public_address,
    normalise_url,
    page_text,
    retry_after,
    system_resolver,
)

MiB = 1024 * 1024
PAGE = b"<!DOCTYPE html><html><head><title>Berita</title></head><body><p>Jakarta hari ini.</p></body></html>"
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Kabar</title></channel></rss>'
PUBLIC_NAMES = {"public.test": True, "a.test": True, "b.test": True, "pinned.test": True, "private.test": False}


@pytest.fixture(autouse=True)
def fresh_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no host waiting and no remembered Retry-After."""
    monkeypatch.setattr(fetch, "_HOSTS", fetch._Hosts())


def resolver(host: str, port: int) -> list[Resolved]:
    """The test's DNS: every name it knows is 127.0.0.1, judged public or not as PUBLIC_NAMES says."""
    if host in PUBLIC_NAMES:
        return [Resolved("127.0.0.1", PUBLIC_NAMES[host])]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def make(**options: object) -> Fetcher:
    settings: dict[str, object] = {
        "timeout": 0.5,
        "deadline": 3.0,
        "max_bytes": MiB,
        "max_wait": 1.0,
        "resolver": resolver,
        **options,
    }
    return Fetcher(**settings)  # type: ignore[arg-type]


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with make() as made:
        yield made


def failure(call: Callable[[], object], kind: type[FetchError] = FetchError) -> str:
    """The message of the FetchError ``call`` raises, checked to be one clean line."""
    with pytest.raises(kind) as caught:
        call()
    message = str(caught.value)
    assert message and message == message.strip()
    assert not [c for c in message if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E], message
    assert caught.value.__traceback__ is not None and "Traceback" not in message
    return message


def requested(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


# --- a threaded server of our own, for the slow and the odd ----------------------------------


Handle = Callable[[BaseHTTPRequestHandler], None]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up (the fetcher stops reading what it refuses)


@pytest.fixture
def raw_server() -> Iterator[Callable[[Handle], int]]:
    servers: list[QuietServer] = []

    def start(handle: Handle) -> int:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                try:
                    handle(self)
                except OSError:
                    pass  # the client went away

            def log_message(self, *args: object) -> None:
                pass

        server = QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return int(server.server_address[1])

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def reply(handler: BaseHTTPRequestHandler, status: int = 200, body: bytes = PAGE, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", headers.pop("content_type", "text/html; charset=utf-8"))
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


# --- pages, encodings, headers -----------------------------------------------------------------


def test_a_gzipped_page_arrives_decoded(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/page").respond_with_data(
        gzip.compress(PAGE), content_type="text/html; charset=utf-8", headers={"Content-Encoding": "gzip"}
    )
    response = fetcher.get(httpserver.url_for("/page"))
    assert (response.status, response.content, response.content_type, response.charset) == (
        200, PAGE, "text/html", "utf-8",
    )  # fmt: skip
    assert "gzip" in httpserver.log[0][0].headers["Accept-Encoding"]


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_a_deflated_page_arrives_decoded_in_either_form(httpserver: HTTPServer, fetcher: Fetcher, wbits: int) -> None:
    squeezer = zlib.compressobj(wbits=wbits)
    body = squeezer.compress(PAGE) + squeezer.flush()
    httpserver.expect_request("/page").respond_with_data(
        body, content_type="text/html", headers={"Content-Encoding": "deflate"}
    )
    assert fetcher.get(httpserver.url_for("/page")).content == PAGE


def test_the_user_agent_names_sorot(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
    fetcher.get(httpserver.url_for("/page"))
    agent = httpserver.log[0][0].headers["User-Agent"]
    assert agent.startswith(f"Sorot/{tui.__version__} ") and agent == fetch.USER_AGENT


def test_progress_counts_the_bytes_as_they_arrive(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    body = PAGE * 2000
    httpserver.expect_request("/page").respond_with_data(body, content_type="text/html")
    calls: list[tuple[int, int | None]] = []
    fetcher.get(httpserver.url_for("/page"), progress=lambda received, total: calls.append((received, total)))
    assert calls[-1] == (len(body), len(body))
    assert [received for received, _ in calls] == sorted(received for received, _ in calls)


CZECH = "Presiden Ceko Petr Pavel bertemu Wali Kota Praha Zdeněk Hřib di Jakarta."
"""In windows-1250, which a detector that tries Western code pages first reads as windows-1252
(``Zdenìk``): only a declared charset gets it right."""


def serve_page(server: HTTPServer, body: bytes, content_type: str) -> str:
    server.expect_request("/page").respond_with_data(body, content_type=content_type)
    return server.url_for("/page")


def test_the_charset_of_the_header_decodes_the_page(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    url = serve_page(httpserver, f"<p>{CZECH}</p>".encode("cp1250"), "text/html; charset=Windows-1250")
    response = fetcher.get(url)
    assert response.charset == "Windows-1250"
    assert CZECH in page_text(response)


@pytest.mark.parametrize(
    "meta",
    ['<meta charset="windows-1250">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1250">'],
    ids=["charset", "http-equiv"],
)
def test_the_charset_of_a_meta_tag_decodes_the_page(httpserver: HTTPServer, fetcher: Fetcher, meta: str) -> None:
    url = serve_page(httpserver, f"<html><head>{meta}</head><p>{CZECH}</p>".encode("cp1250"), "text/html")
    assert CZECH in page_text(fetcher.get(url))


def test_an_undeclared_charset_is_detected(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    text = "“Kami akan menindaklanjuti laporan itu,” kata Menteri Keuangan di Jakarta, Senin. " * 20
    url = serve_page(httpserver, f"<html><p>{text}</p></html>".encode("cp1252"), "text/html")
    assert text in page_text(fetcher.get(url))


def test_a_bom_outweighs_the_header_and_a_wrong_header_is_passed_over(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    url = serve_page(httpserver, b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "text/html; charset=iso-8859-1")
    assert page_text(fetcher.get(url)) == "<p>café</p>"
    text = "“Ini bukan UTF-8,” kata redaksi di Jakarta, Senin pagi. " * 20
    httpserver.clear()
    url = serve_page(httpserver, text.encode("cp1252"), "text/html; charset=utf-8")
    assert page_text(fetcher.get(url)) == text


# --- conditional requests ------------------------------------------------------------------------


def test_a_conditional_request_with_an_etag_gives_304(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    def handle(request: Request) -> WerkzeugResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return WerkzeugResponse(status=304, headers={"ETag": '"v1"'})
        return WerkzeugResponse(PAGE, content_type="text/html", headers={"ETag": '"v1"'})

    httpserver.expect_request("/page").respond_with_handler(handle)
    first = fetcher.get(httpserver.url_for("/page"))
    assert (first.status, first.etag) == (200, '"v1"')
    again = fetcher.get(httpserver.url_for("/page"), etag=first.etag)
    assert (again.status, again.content) == (304, b"")


def test_a_conditional_request_with_last_modified_gives_304(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    stamp = "Tue, 02 Dec 2025 08:00:00 GMT"

    def handle(request: Request) -> WerkzeugResponse:
        if request.headers.get("If-Modified-Since") == stamp:
            return WerkzeugResponse(status=304)
        return WerkzeugResponse(PAGE, content_type="text/html", headers={"Last-Modified": stamp})

    httpserver.expect_request("/page").respond_with_handler(handle)
    first = fetcher.get(httpserver.url_for("/page"))
    assert (first.status, first.last_modified) == (200, stamp)
    again = fetcher.get(httpserver.url_for("/page"), last_modified=first.last_modified)
    assert (again.status, again.content) == (304, b"")


# --- redirects -----------------------------------------------------------------------------------


def redirect(server: HTTPServer, path: str, location: str, status: int = 302) -> None:
    server.expect_request(path).respond_with_data("", status=status, headers={"Location": location})


def test_a_chain_of_redirects_is_followed(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    redirect(httpserver, "/a", "/b", 301)
    redirect(httpserver, "/b", httpserver.url_for("/c"), 308)
    httpserver.expect_request("/c").respond_with_data(PAGE, content_type="text/html")
    response = fetcher.get(httpserver.url_for("/a"))
    assert response.url == httpserver.url_for("/c")
    assert response.redirects == (httpserver.url_for("/a"), httpserver.url_for("/b"))
    assert response.content == PAGE


def test_a_redirect_loop_is_stopped(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    redirect(httpserver, "/x", "/y")
    redirect(httpserver, "/y", "/x")
    message = failure(lambda: fetcher.get(httpserver.url_for("/x")))
    assert message.startswith(httpserver.url_for("/x")) and "redirect loop" in message
    assert requested(httpserver) == ["/x", "/y"]


def test_too_many_redirects_are_refused_and_the_limit_itself_is_allowed(httpserver: HTTPServer) -> None:
    for hop in range(6):
        redirect(httpserver, f"/r{hop}", f"/r{hop + 1}")
    httpserver.expect_request("/r6").respond_with_data(PAGE, content_type="text/html")
    with make(max_redirects=3) as fetcher:
        assert fetcher.get(httpserver.url_for("/r3")).url == httpserver.url_for("/r6")
        message = failure(lambda: fetcher.get(httpserver.url_for("/r0")))
    assert message == f"{httpserver.url_for('/r0')}: more than 3 redirects"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)"])
def test_a_redirect_to_another_scheme_is_refused(httpserver: HTTPServer, fetcher: Fetcher, target: str) -> None:
    redirect(httpserver, "/go", target)
    message = failure(lambda: fetcher.get(httpserver.url_for("/go")))
    assert message == f"{httpserver.url_for('/go')}: redirects to {target}, which is not an http or https address"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/"])
def test_another_scheme_is_refused_when_typed(fetcher: Fetcher, url: str) -> None:
    assert failure(lambda: fetcher.get(url)) == f"{url}: only http and https addresses can be fetched"


# --- what remote content may reach ---------------------------------------------------------------


def test_a_public_site_cannot_redirect_to_a_private_address(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    port = httpserver.port
    secret = httpserver.url_for("/secret")
    redirect(httpserver, "/to-loopback", secret)
    redirect(httpserver, "/to-ten", "http://10.1.2.3/admin")
    redirect(httpserver, "/to-name", f"http://private.test:{port}/secret")
    httpserver.expect_request("/secret").respond_with_data(PAGE, content_type="text/html")
    public = f"http://public.test:{port}"
    message = failure(lambda: fetcher.get(f"{public}/to-loopback"))
    assert (
        message
        == f"{secret}: refused: {public}/to-loopback, a public site, redirects to the loopback address 127.0.0.1"
    )
    assert "the private address 10.1.2.3" in failure(lambda: fetcher.get(f"{public}/to-ten"))
    assert "refused" in failure(lambda: fetcher.get(f"{public}/to-name"))
    assert "/secret" not in requested(httpserver)
    # The same address typed by the user, or reached from a private site, is fetched.
    assert fetcher.get(secret).content == PAGE
    assert fetcher.get(httpserver.url_for("/to-loopback")).url == secret


def test_a_public_feed_cannot_link_to_a_private_address(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/item").respond_with_data(PAGE, content_type="text/html")
    item = httpserver.url_for("/item")
    message = failure(lambda: fetcher.get(item, via="http://public.test/feed.xml"))
    assert (
        message
        == f"{item}: refused: http://public.test/feed.xml, a public site, links to the loopback address 127.0.0.1"
    )
    assert requested(httpserver) == []
    # A feed on the user's own server may link to its neighbours; a public feed to public sites.
    assert fetcher.get(item, via=httpserver.url_for("/feed.xml")).content == PAGE
    assert fetcher.get(f"http://public.test:{httpserver.port}/item", via="http://public.test/feed.xml").status == 200


def test_a_page_named_by_a_public_feed_cannot_redirect_to_a_private_address(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    redirect(httpserver, "/item", httpserver.url_for("/secret"))
    message = failure(lambda: fetcher.get(f"http://public.test:{httpserver.port}/item", via="http://b.test/feed"))
    assert "refused" in message and "redirects to the loopback address" in message
    assert requested(httpserver) == ["/item"]


def test_the_connection_goes_to_the_address_that_was_checked(httpserver: HTTPServer) -> None:
    """No second resolution between the check and the connection (DNS rebinding): ``pinned.test``
    is known to the injected resolver only, and asked once."""
    asked: list[str] = []

    def once(host: str, port: int) -> list[Resolved]:
        asked.append(host)
        return [Resolved("127.0.0.1", True)] if len(asked) == 1 else [Resolved("10.0.0.1", False)]

    httpserver.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
    with make(resolver=once) as fetcher:
        assert fetcher.get(f"http://pinned.test:{httpserver.port}/page").content == PAGE
    assert asked == ["pinned.test"]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False), ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.5", False),
        ("169.254.169.254", False), ("224.0.0.1", False), ("0.0.0.0", False), ("240.0.0.1", False),
        ("100.64.0.1", False), ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:10.0.0.1", False),
        ("::", False), ("93.184.216.34", True), ("2606:4700::1111", True), ("::ffff:93.184.216.34", True),
    ],
)  # fmt: skip
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_the_system_resolver_finds_localhost_private() -> None:
    found = system_resolver("localhost", 80)
    assert found and not any(address.public for address in found)


# --- Retry-After and one request at a time per host ----------------------------------------------


def answers(server: HTTPServer, *replies: tuple[int, dict[str, str]]) -> list[float]:
    """Serves ``replies`` in turn at /page (the last one again and again); returns the times
    (monotonic) of the requests."""
    times: list[float] = []

    def handle(request: Request) -> WerkzeugResponse:
        times.append(time.monotonic())
        status, headers = replies[min(len(times), len(replies)) - 1]
        return WerkzeugResponse(
            PAGE if status == 200 else b"busy", status=status, headers=headers, content_type="text/html"
        )

    server.expect_request("/page").respond_with_handler(handle)
    return times


@pytest.mark.parametrize("status", [429, 503])
def test_a_short_retry_after_in_seconds_is_waited_out(httpserver: HTTPServer, fetcher: Fetcher, status: int) -> None:
    times = answers(httpserver, (status, {"Retry-After": "0.3"}), (200, {}))
    assert fetcher.get(httpserver.url_for("/page")).content == PAGE
    assert len(times) == 2 and times[1] - times[0] >= 0.3


def test_a_retry_after_as_an_http_date_is_waited_out(
    httpserver: HTTPServer, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    when = datetime(2025, 12, 2, 8, 0, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(fetch, "_wall_clock", lambda: when.timestamp() - 0.3)
    times = answers(httpserver, (503, {"Retry-After": format_datetime(when, usegmt=True)}), (200, {}))
    assert fetcher.get(httpserver.url_for("/page")).status == 200
    assert len(times) == 2 and times[1] - times[0] >= 0.3


def test_a_long_retry_after_fails_and_the_host_is_left_alone_until_then(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    times = answers(httpserver, (429, {"Retry-After": "3600"}))
    url = httpserver.url_for("/page")
    message = failure(lambda: fetcher.get(url))
    assert message == f"{url}: 127.0.0.1 asks to wait 1 h before the next request (HTTP 429 Too Many Requests)"
    assert failure(lambda: fetcher.get(url)) == f"{url}: 127.0.0.1 asks to wait 1 h before the next request"
    assert len(times) == 1
    # Another host (the same server under a name) is not held back.
    httpserver.clear()
    answers(httpserver, (200, {}))
    assert fetcher.get(f"http://public.test:{httpserver.port}/page").status == 200


def test_a_far_http_date_fails_with_how_long(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    later = datetime.fromtimestamp(time.time() + 2 * 86400, tz=timezone.utc)
    answers(httpserver, (503, {"Retry-After": format_datetime(later, usegmt=True)}))
    assert "asks to wait 2 days" in failure(lambda: fetcher.get(httpserver.url_for("/page")))


def test_a_retry_after_is_tried_once_and_remembered_for_the_next_request(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    times = answers(httpserver, (429, {"Retry-After": "0.3"}), (429, {"Retry-After": "0.3"}), (200, {}))
    assert "asks to wait 1 s" in failure(lambda: fetcher.get(httpserver.url_for("/page")))
    assert len(times) == 2
    assert fetcher.get(httpserver.url_for("/page")).status == 200
    assert len(times) == 3 and times[2] - times[1] >= 0.3


def test_a_retry_after_without_a_wait_is_an_http_error(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    answers(httpserver, (503, {}))
    assert failure(lambda: fetcher.get(httpserver.url_for("/page"))).endswith(": HTTP 503 Service Unavailable")


def test_waiting_for_retry_after_can_be_cancelled(httpserver: HTTPServer) -> None:
    times = answers(httpserver, (429, {"Retry-After": "1.5"}), (200, {}))
    stop = threading.Event()

    def stop_while_waiting() -> None:  # once the 429 is answered: a loaded machine may take a while to send it
        deadline = time.monotonic() + 10
        while not times and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        stop.set()

    threading.Thread(target=stop_while_waiting, daemon=True).start()
    with make(max_wait=2.0, deadline=5.0) as fetcher:
        failure(lambda: fetcher.get(httpserver.url_for("/page"), cancelled=stop.is_set), FetchCancelled)
    assert len(times) == 1


def concurrency_recorder() -> tuple[Handle, list[int]]:
    lock = threading.Lock()
    state = {"now": 0}
    peaks: list[int] = []

    def handle(handler: BaseHTTPRequestHandler) -> None:
        with lock:
            state["now"] += 1
            peaks.append(state["now"])
        time.sleep(0.2)
        with lock:
            state["now"] -= 1
        reply(handler)

    return handle, peaks


def test_one_request_at_a_time_per_host_across_fetchers(raw_server: Callable[[Handle], int]) -> None:
    handle, peaks = concurrency_recorder()
    port = raw_server(handle)
    results: list[object] = []

    def get(path: str) -> None:
        with make() as fetcher:
            results.append(fetcher.get(f"http://127.0.0.1:{port}{path}").status)

    threads = [threading.Thread(target=get, args=(f"/{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200, 200, 200]
    assert max(peaks) == 1


def test_other_hosts_go_in_parallel(raw_server: Callable[[Handle], int]) -> None:
    meet = threading.Barrier(2, timeout=2)

    def handle(handler: BaseHTTPRequestHandler) -> None:
        try:
            meet.wait()
        except threading.BrokenBarrierError:
            reply(handler, 500, b"alone")
            return
        reply(handler)

    port = raw_server(handle)
    results: list[object] = []

    def get(host: str) -> None:
        with make(timeout=3.0) as fetcher:
            try:
                results.append(fetcher.get(f"http://{host}:{port}/").status)
            except FetchError as error:
                results.append(str(error))

    threads = [threading.Thread(target=get, args=(host,)) for host in ("a.test", "b.test")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200, 200]


# --- time ----------------------------------------------------------------------------------------


def test_a_server_that_does_not_answer_times_out(raw_server: Callable[[Handle], int]) -> None:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)
        reply(handler)

    port = raw_server(handle)
    with make(timeout=0.3) as fetcher:
        url = f"http://127.0.0.1:{port}/slow"
        assert failure(lambda: fetcher.get(url)) == f"{url}: the server did not answer within 0.3 s"


def trickle(head: bytes, body: bytes = b"") -> Handle:
    """Sends ``head`` then ``body`` one byte every 50 ms."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(head)
        handler.wfile.flush()
        for byte in body:
            time.sleep(0.05)
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    return handle


def test_a_trickling_body_meets_the_deadline(raw_server: Callable[[Handle], int]) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n"
    port = raw_server(trickle(head, b"x" * 1000))
    with make(timeout=0.5, deadline=0.6) as fetcher:
        url = f"http://127.0.0.1:{port}/"
        assert failure(lambda: fetcher.get(url)) == f"{url}: gave up after 0.6 s (the server is too slow)"


def test_trickling_headers_meet_the_deadline(raw_server: Callable[[Handle], int]) -> None:
    head = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 200 + b"\r\nContent-Length: 2\r\n\r\nok"
    sent: list[int] = []

    def handle(handler: BaseHTTPRequestHandler) -> None:
        for byte in head:
            time.sleep(0.05)
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            sent.append(byte)

    port = raw_server(handle)
    with make(timeout=0.5, deadline=0.6) as fetcher:
        url = f"http://127.0.0.1:{port}/"
        assert failure(lambda: fetcher.get(url, accept=None)) == f"{url}: gave up after 0.6 s (the server is too slow)"
    assert len(sent) < len(head) // 2


# --- size ----------------------------------------------------------------------------------------


def test_a_content_length_too_large_is_refused_before_the_body(raw_server: Callable[[Handle], int]) -> None:
    port = raw_server(lambda handler: reply(handler, body=b"x" * (2 * MiB)))
    calls: list[tuple[int, int | None]] = []
    with make() as fetcher:
        url = f"http://127.0.0.1:{port}/"
        message = failure(lambda: fetcher.get(url, progress=lambda *call: calls.append(call)))
    assert message == f"{url}: too large: more than 1 MiB"
    assert calls == []


def test_a_streamed_body_too_large_is_stopped(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(64):
            yield b"x" * 65536

    httpserver.expect_request("/big").respond_with_response(WerkzeugResponse(chunks(), content_type="text/html"))
    received: list[int] = []
    url = httpserver.url_for("/big")
    assert failure(lambda: fetcher.get(url, progress=lambda got, total: received.append(got))).endswith(
        ": too large: more than 1 MiB"
    )
    assert received[-1] <= MiB + 2 * 65536


def test_a_gzip_bomb_is_stopped_with_little_memory(raw_server: Callable[[Handle], int], fetcher: Fetcher) -> None:
    """64 MiB of zeros in 64 KiB of gzip, read with 1 MiB allowed. tracemalloc sees the whole
    process, so the bomb comes from http.server (werkzeug's server reads 10 MB at a time)."""
    bomb = gzip.compress(b"\0" * (64 * MiB), compresslevel=9)
    assert len(bomb) < MiB
    port = raw_server(lambda handler: reply(handler, body=bomb, Content_Encoding="gzip"))
    tracemalloc.start()
    try:
        message = failure(lambda: fetcher.get(f"http://127.0.0.1:{port}/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message.endswith(": too large: more than 1 MiB")
    assert peak < 8 * MiB


# --- content types -------------------------------------------------------------------------------


def test_a_wrong_content_type_is_refused(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    url = serve_page(httpserver, b"\x89PNG\r\n\x1a\n", "image/png")
    assert failure(lambda: fetcher.get(url)) == f"{url}: not a web page (image/png)"
    assert failure(lambda: fetcher.get(url, accept=FEED_TYPES)) == f"{url}: not a feed (image/png)"
    assert fetcher.get(url, accept=None).content_type == "image/png"


def test_a_feed_served_as_html_is_sniffed(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    feed = serve_page(httpserver, RSS, "text/html; charset=utf-8")
    assert fetcher.get(feed, accept=FEED_TYPES).content == RSS
    httpserver.clear()
    page = serve_page(httpserver, PAGE, "text/html")
    assert failure(lambda: fetcher.get(page, accept=FEED_TYPES)) == f"{page}: not a feed (text/html)"


def test_a_page_without_a_content_type_is_sniffed(raw_server: Callable[[Handle], int], fetcher: Fetcher) -> None:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        body = PAGE if handler.path == "/page" else b"just some bytes"
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    port = raw_server(handle)
    assert fetcher.get(f"http://127.0.0.1:{port}/page").content == PAGE
    url = f"http://127.0.0.1:{port}/other"
    assert failure(lambda: fetcher.get(url)) == f"{url}: not a web page (no content type)"


# --- failures ------------------------------------------------------------------------------------


def test_http_errors_name_the_status(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    httpserver.expect_request("/broken").respond_with_data("no", status=500)
    assert failure(lambda: fetcher.get(httpserver.url_for("/gone"))).endswith(": HTTP 404 Not Found")
    assert failure(lambda: fetcher.get(httpserver.url_for("/broken"))).endswith(": HTTP 500 Internal Server Error")


def test_an_empty_body_is_a_failure(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    url = serve_page(httpserver, b"", "text/html")
    assert failure(lambda: fetcher.get(url)) == f"{url}: the server sent an empty response"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection(fetcher: Fetcher) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    assert failure(lambda: fetcher.get(url)) == f"{url}: the server refused the connection"


def test_a_name_that_cannot_be_found(fetcher: Fetcher) -> None:
    url = "https://news.example/berita/1"
    assert failure(lambda: fetcher.get(url)) == f"{url}: cannot find the server news.example"


def test_a_failed_tls_handshake(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    url = httpserver.url_for("/page").replace("http://", "https://")
    assert failure(lambda: fetcher.get(url)).startswith(f"{url}: secure connection failed (")


def test_cancelled_before_anything_is_sent(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    url = serve_page(httpserver, PAGE, "text/html")
    assert failure(lambda: fetcher.get(url, cancelled=lambda: True), FetchCancelled) == f"{url}: cancelled"
    assert requested(httpserver) == []


def test_cancelled_between_chunks(raw_server: Callable[[Handle], int], fetcher: Fetcher) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n"
    port = raw_server(trickle(head, b"x" * 100))
    got: list[int] = []
    with make(timeout=2.0, deadline=20.0) as slow:
        failure(
            lambda: slow.get(
                f"http://127.0.0.1:{port}/", progress=lambda n, _: got.append(n), cancelled=lambda: 3 in got
            ),
            FetchCancelled,
        )
    assert max(got) == 3


def test_cancelled_while_the_server_is_silent(raw_server: Callable[[Handle], int]) -> None:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)
        reply(handler)

    port = raw_server(handle)
    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    with make(timeout=1.0, deadline=20.0) as fetcher:
        failure(lambda: fetcher.get(f"http://127.0.0.1:{port}/", cancelled=stop.is_set), FetchCancelled)


def hostile_location(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(302)
    handler.send_header("Location", "ftp://evil/\x1b]0;owned\x07\x1b[2J")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{refused}/\x1b[2J\x07berita",
        "ftp://x/\x1b]0;owned\x07",
        "http://news\x1b[31m.example/",
        "http://news.example/\r\nX-Evil: 1",
        "https://news.example/\u202eevil",
        "http://127.0.0.1:{port}/hostile",
        "http://127.0.0.1:{port}/" + "a" * 5000,
    ],
)
def test_every_message_is_one_clean_line_whatever_the_url(
    raw_server: Callable[[Handle], int], fetcher: Fetcher, url: str
) -> None:
    port = raw_server(lambda handler: hostile_location(handler) if handler.path == "/hostile" else reply(handler, 404))
    message = failure(lambda: fetcher.get(url.format(refused=free_port(), port=port)))
    assert len(message) < 600


# --- a URL's identity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("HTTPS://News.Example.COM/Berita/Satu#komentar", "https://news.example.com/Berita/Satu"),
        ("https://x.id/a?utm_source=tw&id=7&UTM_Medium=x&fbclid=abc&gclid=1", "https://x.id/a?id=7"),
        ("https://x.id/a?utm_source=tw", "https://x.id/a"),
        ("https://x.id/a?b=2&a=1&a=1&q=Caf%C3%A9+x", "https://x.id/a?b=2&a=1&a=1&q=Caf%C3%A9+x"),
        ("https://User:Pw@X.ID:8443/P?utmx=1", "https://User:Pw@x.id:8443/P?utmx=1"),
        ("http://x.id/path/../a/./b;p", "http://x.id/path/../a/./b;p"),
    ],
)
def test_normalise_url(url: str, identity: str) -> None:
    assert normalise_url(url) == identity


def test_retry_after_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "_wall_clock", lambda: datetime(2025, 12, 2, 8, 0, tzinfo=timezone.utc).timestamp())
    assert retry_after("120") == 120
    assert retry_after("Tue, 02 Dec 2025 08:01:30 GMT") == 90
    assert retry_after("Tue, 02 Dec 2025 07:00:00 GMT") == 0
    assert retry_after("soon") is None and retry_after(None) is None and retry_after("-5") == 0
