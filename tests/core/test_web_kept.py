"""The kept copies of web articles: versions replaced whole, damage ignored, the size limit."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from tui.core.web.kept import MAX_TEXT_BYTES, KeptCopy, KeptPages, default_keep_bytes, default_web_dir

URL = "https://berita.example/2025/12/02/banjir"


def copy(text: str = "JAKARTA, KABAR - Banjir merendam Jakarta.", url: str = URL, **fields) -> KeptCopy:
    return KeptCopy(url=url, text=text, title="Banjir Rendam Jakarta", **fields)


def test_a_kept_copy_reads_back_with_its_metadata_and_pages(tmp_path):
    kept = KeptPages(tmp_path)
    saved = kept.put(
        copy(site="Kabar", published="2025-12-02T10:00:00+07:00", etag='"v1"', pages=2), [b"<p>1</p>", b"<p>2</p>"]
    )
    again = kept.get(URL)
    assert again is not None
    assert (again.text, again.title, again.site, again.published, again.etag, again.pages) == (
        saved.text, "Banjir Rendam Jakarta", "Kabar", "2025-12-02T10:00:00+07:00", '"v1"', 2
    )  # fmt: skip
    assert again.fetched and again.sha256 == saved.sha256
    assert kept.pages(URL) == [b"<p>1</p>", b"<p>2</p>"]
    assert kept.get(URL + "/other") is None


def test_a_new_version_replaces_the_old_whole(tmp_path):
    kept = KeptPages(tmp_path)
    kept.put(copy("first version"), [b"one"])
    kept.put(copy("second version"), [b"two"])
    assert kept.get(URL).text == "second version"
    assert kept.pages(URL) == [b"two"]
    names = sorted(p.name for p in kept.folder(URL).iterdir())
    assert len(names) == 4 and {"meta.json", ".lock"} <= set(names)  # the old version's files are gone


def test_a_damaged_copy_is_as_if_never_kept(tmp_path):
    kept = KeptPages(tmp_path)
    kept.put(copy("the text"))
    folder = kept.folder(URL)
    text_file = next(folder.glob("text-*.txt"))
    text_file.write_text("tampered", encoding="utf-8")
    assert kept.get(URL) is None  # the sha256 in meta.json no longer matches
    (folder / "meta.json").write_text("{not json", encoding="utf-8")
    assert kept.get(URL) is None
    (folder / "meta.json").write_text(json.dumps({"url": URL, "text": "../../etc/passwd"}), encoding="utf-8")
    assert kept.get(URL) is None
    kept.put(copy("fresh"))
    assert kept.get(URL).text == "fresh"


def test_a_damaged_page_gives_no_pages(tmp_path):
    kept = KeptPages(tmp_path)
    kept.put(copy(), [gzip.compress(b"x")])
    page = next(kept.folder(URL).glob("page-*"))
    page.write_bytes(b"not gzip")
    assert kept.pages(URL) == []


def test_checked_records_the_new_validators(tmp_path):
    kept = KeptPages(tmp_path)
    kept.put(copy(etag='"v1"'))
    kept.checked(URL, etag='"v2"', last_modified="Tue, 02 Dec 2025 03:00:00 GMT")
    again = kept.get(URL)
    assert (again.etag, again.last_modified) == ('"v2"', "Tue, 02 Dec 2025 03:00:00 GMT")


def test_trim_removes_the_least_recently_opened_unannotated_copies(tmp_path):
    kept = KeptPages(tmp_path, max_bytes=1)
    urls = [f"https://berita.example/{n}" for n in range(4)]
    for n, url in enumerate(urls):
        kept.put(copy("x" * 1000, url=url))
        os.utime(kept.folder(url) / "meta.json", (1000 + n, 1000 + n))
    kept.get(urls[0])  # opened just now: the newest
    removed = kept.trim(lambda url: url == urls[1], keep=urls[2])
    assert removed == [urls[3], urls[0]]
    assert kept.get(urls[1]) is not None and kept.get(urls[2]) is not None  # annotated, and being read
    assert kept.get(urls[0]) is None and kept.get(urls[3]) is None


def test_trim_keeps_everything_within_the_limit(tmp_path):
    kept = KeptPages(tmp_path, max_bytes=10_000_000)
    kept.put(copy())
    assert kept.trim(lambda url: False) == []
    assert kept.get(URL) is not None


def test_the_folder_and_size_come_from_the_environment(tmp_path):
    assert default_web_dir({"SOROT_WEB_DIR": str(tmp_path)}) == tmp_path
    assert default_web_dir({}).name == "web"
    assert default_keep_bytes({"SOROT_WEB_KEEP": "1G"}) == 1 << 30
    assert default_keep_bytes({"SOROT_WEB_KEEP": "lots"}) == 512 << 20
    assert default_keep_bytes({}) == 512 << 20


@pytest.mark.parametrize("hostile", ["[bold]x[/]", "\x1b[31mred", "\u202eevil"])
def test_hostile_text_is_kept_as_it_is(tmp_path, hostile):
    kept = KeptPages(tmp_path)
    kept.put(KeptCopy(url=URL, text=hostile, title=hostile))
    assert kept.get(URL).text == hostile and kept.get(URL).title == hostile


def test_a_folder_that_is_a_link_is_never_read_nor_written_through(tmp_path):
    kept = KeptPages(tmp_path / "web")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.md").write_text("bab 1", encoding="utf-8")
    other = KeptPages(tmp_path / "elsewhere")
    other.put(copy("the text"))  # a valid copy, reached through the link
    (tmp_path / "web").mkdir()
    os.symlink(other.folder(URL), kept.folder(URL))
    assert kept.get(URL) is None
    os.unlink(kept.folder(URL))
    os.symlink(victim, kept.folder(URL))
    kept.put(copy("fresh"))
    assert (victim / "thesis.md").read_text(encoding="utf-8") == "bab 1"  # nothing outside is swept
    assert not os.path.islink(kept.folder(URL)) and kept.get(URL).text == "fresh"


def test_damaged_files_are_not_read(tmp_path):
    kept = KeptPages(tmp_path)
    kept.put(copy("the text"))
    folder = kept.folder(URL)
    text_file = next(folder.glob("text-*.txt"))
    text_file.unlink()
    os.symlink("/etc/hostname", text_file)  # a link to a file outside
    assert kept.get(URL) is None
    text_file.unlink()
    with open(text_file, "wb") as handle:  # larger than any article: never read
        handle.truncate(MAX_TEXT_BYTES + 1)
    assert kept.get(URL) is None
    (folder / "meta.json").unlink()
    os.mkfifo(folder / "meta.json")  # would block a plain open
    assert kept.get(URL) is None


def _keep_many(root: str, label: str, rounds: int, start) -> None:
    kept = KeptPages(Path(root))
    start.wait(30)  # both writers at once
    for n in range(rounds):
        kept.put(copy(f"{label} version {n}"), [f"<p>{label} {n}</p>".encode()])
        if kept.get(URL, touch=False) is None:  # the other writer swept away the copy it kept
            raise SystemExit(f"no whole copy after round {n}")


def test_two_processes_keeping_one_article_leave_a_whole_copy(tmp_path):
    rounds = 60
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_keep_many, args=(str(tmp_path), label, rounds, start)) for label in "ab"]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # both started (spawn imports Sorot anew)
    start.set()
    kept = KeptPages(tmp_path)
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    final = kept.get(URL)
    assert final is not None and final.text in {f"a version {rounds - 1}", f"b version {rounds - 1}"}
    assert kept.pages(URL) == [f"<p>{final.text[0]} {rounds - 1}</p>".encode()]


def test_a_meta_nested_past_the_parsers_depth_is_damage_not_a_crash(tmp_path):
    kept = KeptPages(tmp_path, max_bytes=1)
    kept.put(copy("the text"))
    (kept.folder(URL) / "meta.json").write_text("[" * 600_000, encoding="utf-8")
    assert kept.get(URL) is None
    assert list(kept.entries()) == [] and kept.trim(lambda url: False) == []


@pytest.mark.parametrize("shape", ["link", "folder"])
def test_a_lock_that_is_not_a_file_is_replaced(tmp_path, shape):
    kept = KeptPages(tmp_path / "web")
    kept.put(copy("first"))
    lock = kept.folder(URL) / ".lock"
    lock.unlink()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    if shape == "link":
        os.symlink(outside, lock)
    else:
        lock.mkdir()
    kept.checked(URL, etag='"v2"')
    kept.put(copy("second"))
    assert kept.get(URL).text == "second" and outside.read_text(encoding="utf-8") == "keep me"
