"""``sorot feed ...`` as a user runs it, against a fake web (the fetch factory replaced), and once
against a real HTTP server on 127.0.0.1 through the real fetcher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.test_feeds import ANTARA, DETIK, FEEDS, KOMPAS, PAGE, TEMPO, FakeWeb, fixture, standard_web
from tui import cli
from tui.core.store import Store
from tui.core.web import feeds
from tui.core.web.feeds import Entry, Feed


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> FakeWeb:
    served = standard_web()
    asked: list[object] = []

    def make_fetch(accept=feeds.FEED_TYPES):
        asked.append(accept)
        return served

    monkeypatch.setattr(feeds, "make_fetch", make_fetch)
    served.accepts = asked  # type: ignore[attr-defined]
    return served


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOROT_DB", str(tmp_path / "default.json"))
    monkeypatch.delenv("SOROT_FEED_MAX_AGE", raising=False)
    return tmp_path / "sorot.json"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main(["feed", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_subscribes_with_the_feeds_title(web: FakeWeb, db: Path, capsys) -> None:
    code, out, err = run(capsys, "add", ANTARA, "--db", db)
    assert (code, out) == (0, "")
    assert err == "sorot: subscribed to ANTARA News - Berita Terkini (3 entries)\n"
    assert web.accepts == [None]  # a page may be given: anything is taken, then looked at
    code, out, err = run(capsys, "add", "HTTPS://WWW.ANTARANEWS.COM:443/rss/terkini.xml", "--db", db)
    assert code == 0 and err.startswith("sorot: already subscribed to ANTARA News")
    with Store.open(db) as store:
        assert [f.title for f in store.feeds()] == ["ANTARA News - Berita Terkini"]
        assert len(store.entries(ANTARA)) == 3


def test_add_finds_the_feed_of_a_page_and_says_when_already_subscribed(web: FakeWeb, db: Path, capsys) -> None:
    assert run(capsys, "add", PAGE, "--db", db)[0] == 0
    code, _, err = run(capsys, "add", ANTARA, "--db", db)
    assert code == 0 and err == f"sorot: already subscribed to ANTARA News - Berita Terkini ({ANTARA})\n"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:///etc/passwd", "sorot: file:///etc/passwd is not an http or https URL\n"),
        ("https://hilang.example.id/rss", "sorot: https://hilang.example.id/rss: 404 Not Found\n"),
        (
            "https://rusak.example.id/rss",
            "sorot: https://rusak.example.id/rss is not an RSS or Atom feed (unclosed token, line 4)\n",
        ),
        (
            "https://kosong.example.id/",
            "sorot: https://kosong.example.id/ is a web page that names no RSS or Atom feed\n",
        ),
    ],
)
def test_add_fails_in_one_line(web: FakeWeb, db: Path, capsys, url: str, says: str) -> None:
    web.serve("https://rusak.example.id/rss", "broken.rss")
    web.pages["https://kosong.example.id/"] = (b"<!DOCTYPE html><html><body>kosong</body></html>", "text/html")
    code, out, err = run(capsys, "add", url, "--db", db)
    assert (code, out, err) == (1, "", says)
    with Store.open(db) as store:
        assert store.feeds() == []


def test_list_is_url_unread_count_and_title_tab_separated(web: FakeWeb, db: Path, capsys) -> None:
    for url in (ANTARA, DETIK):
        run(capsys, "add", url, "--db", db)
    with Store.open(db) as store:
        store.set_read(DETIK, store.entries(DETIK)[0].key, True)
        store.add_feed(Feed(url="https://x.example/rss", title="Tab\there\nand [bold]\x1b[31m"))
    code, out, err = run(capsys, "list", "--db", db)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[:2] == [f"{ANTARA}\t3\tANTARA News - Berita Terkini", f"{DETIK}\t0\tdetiknews"]
    url, count, title = lines[2].split("\t")
    assert count == "0" and "\x1b" not in title and "[bold]" in title
    assert run(capsys, "list")[:2] == (0, "")  # no database yet: no subscriptions


def test_refresh_goes_on_past_a_failing_feed_and_exits_1(web: FakeWeb, db: Path, capsys) -> None:
    with Store.open(db) as store:
        for url in (ANTARA, KOMPAS, TEMPO):
            store.add_feed(Feed(url=url))
    web.failing.add(KOMPAS)
    code, out, err = run(capsys, "refresh", "--db", db)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert any(line.endswith(f"] {KOMPAS}: {KOMPAS}: connection refused") for line in lines[:3])
    assert lines[-1] == "sorot: refreshed 2 of 3 feeds: 5 new entries; 1 failed"
    assert "Traceback" not in err
    web.failing.clear()
    code, _, err = run(capsys, "refresh", "--db", db)
    assert code == 0 and err.splitlines()[-1] == "sorot: refreshed 3 of 3 feeds: 2 new entries"


def test_refresh_prunes_entries_older_than_max_age(web: FakeWeb, db: Path, capsys, monkeypatch) -> None:
    with Store.open(db) as store:
        store.add_feed(Feed(url=DETIK))
        store.put_entries(
            DETIK,
            [
                Entry(
                    feed=DETIK,
                    key="lama",
                    link="https://news.detik.com/lama",
                    published="2020-01-01T00:00:00.000Z",
                    seen="2020-01-02T00:00:00.000Z",
                )
            ],
        )
    code, _, err = run(capsys, "refresh", "--max-age", "30", "--db", db)
    assert code == 0 and "1 older than 30 days removed" in err
    with Store.open(db) as store:
        assert [e.key for e in store.entries(DETIK)] != [] and store.entry(DETIK, "lama") is None
    monkeypatch.setenv("SOROT_FEED_MAX_AGE", "nonsense")
    assert run(capsys, "refresh", "--db", db)[0] == 0
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "refresh", "--max-age", "0", "--db", db)
    assert stopped.value.code == 2 and "give a number above 0" in capsys.readouterr().err


def test_import_export_and_remove(web: FakeWeb, db: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "import", FEEDS / "feedly.opml", "--db", db)
    assert code == 0 and err.splitlines()[-2:] == [
        "sorot: imported 3 feeds (0 already there)",
        "sorot: sorot feed refresh (or r in sorot feeds) fetches their entries",
    ]
    code, _, err = run(capsys, "import", FEEDS / "newsboat.opml", "--db", db)
    assert err.splitlines()[-2] == "sorot: imported 2 feeds (1 already there)"
    code, out, _ = run(capsys, "export", "--db", db)
    assert code == 0 and out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert out.count('type="rss"') == 5
    target = tmp_path / "keluar.opml"
    code, out, err = run(capsys, "export", "-o", target, "--db", db)
    assert (code, out, err) == (0, "", f"sorot: exported 5 feeds to {target}\n")
    code, _, err = run(capsys, "remove", ANTARA, "--db", db)
    assert code == 0 and err == "sorot: unsubscribed from ANTARA News - Berita Terkini (0 entries removed)\n"
    code, _, err = run(capsys, "remove", ANTARA, "--db", db)
    assert code == 1 and err.startswith(f"sorot: not subscribed to {ANTARA}")
    other = tmp_path / "lain.json"
    code, _, err = run(capsys, "import", target, "--db", other)
    assert err.splitlines()[-2] == "sorot: imported 5 feeds (0 already there)"


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"<rss/>", "is not an OPML file"), (b"\x00garbage", "is not valid XML")],
)
def test_a_bad_opml_file_is_one_line(db: Path, tmp_path: Path, capsys, content: bytes, says: str) -> None:
    bad = tmp_path / "buruk.opml"
    bad.write_bytes(content)
    code, out, err = run(capsys, "import", bad, "--db", db)
    assert code == 1 and out == "" and err.startswith(f"sorot: {bad} {says}") and err.count("\n") == 1


def test_db_dump_and_restore_carry_feeds_and_read_state(web: FakeWeb, db: Path, tmp_path: Path, capsys) -> None:
    run(capsys, "add", ANTARA, "--db", db)
    with Store.open(db) as store:
        store.set_read(ANTARA, "antara-4100002", True)
    dump = tmp_path / "cadangan.json"
    assert cli.main(["db", "dump", "-o", str(dump), "--db", str(db)]) == 0
    assert "1 feed subscription and 3 feed entries" in capsys.readouterr().err
    assert json.loads(dump.read_bytes())["feeds"]["1"]["url"] == ANTARA
    restored = tmp_path / "pulih.json"
    assert cli.main(["db", "restore", str(dump), "--db", str(restored)]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "list", "--db", restored)
    assert out == f"{ANTARA}\t2\tANTARA News - Berita Terkini\n"


# --- end to end: the real fetcher against a server on 127.0.0.1 --------------------------------------


def test_add_and_refresh_through_the_real_fetcher(tmp_path: Path, capsys, httpserver) -> None:
    db = tmp_path / "sorot.json"
    httpserver.expect_request("/rss").respond_with_data(fixture("antara.rss"), content_type="application/rss+xml")
    httpserver.expect_request("/").respond_with_data(
        fixture("page.html").replace(b"/rss/terkini.xml", b"/rss"), content_type="text/html"
    )
    code, _, err = run(capsys, "add", httpserver.url_for("/"), "--db", db)
    assert code == 0 and err == "sorot: subscribed to ANTARA News - Berita Terkini (3 entries)\n"
    code, _, err = run(capsys, "refresh", "--db", db)
    assert code == 0 and err.splitlines()[-1].startswith("sorot: refreshed 1 of 1 feeds")
