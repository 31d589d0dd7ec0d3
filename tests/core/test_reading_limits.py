"""What Sorot reads, and how much: FIFOs and standard input up to a limit, no devices, no huge files.

Each story runs ``sorot`` as a user would, with a memory cap and a timeout, so that reading without
bound (``/dev/zero``, a writer that never stops) fails the test instead of taking the machine down.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui.core.document import ArticleError, load_article

MEMORY_CAP = 1024**3
"""Far more than refusing an input needs; far less than reading it without bound. (Not for the
stories that run the pipeline, whose libraries reserve address space by the number of cores.)"""
ARTICLE = "Presiden Joko Widodo tiba di Bandung pada Senin pagi.\n\nIa disambut warga di Gedung Sate.\n"


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def sorot(*args: str | Path, stdin: bytes | None = None, capped: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "tui", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=60,
        preexec_fn=_capped if capped else None,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a failing command printed on stderr (and it printed nothing on stdout)."""
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


class EndlessWriter(threading.Thread):
    """Writes article text into a FIFO until its reader goes away (or ``limit`` bytes, as a safety net)."""

    def __init__(self, fifo: Path, limit: int = 256 * 1024**2) -> None:
        super().__init__(daemon=True)
        self.fifo, self.limit, self.written, self.broken = fifo, limit, 0, False

    def run(self) -> None:
        block = (ARTICLE * 200).encode("utf-8")
        with open(self.fifo, "wb", buffering=0) as pipe:
            try:
                while self.written < self.limit:
                    self.written += pipe.write(block)
            except BrokenPipeError:
                self.broken = True


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "berita.fifo"
    os.mkfifo(path)
    return path


# -- devices, sockets, FIFOs ---------------------------------------------------------------------------


@pytest.mark.parametrize(("device", "kind"), [("/dev/zero", "a character device"), ("/dev/null", "a character device")])
def test_extract_refuses_a_device_without_reading_it(device: str, kind: str) -> None:
    assert one_line_error(sorot("extract", device, "--json")) == f"sorot: {device}: not a regular file ({kind})"


def test_extract_refuses_a_socket(tmp_path: Path) -> None:
    path = tmp_path / "berita.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert one_line_error(sorot("extract", path)) == f"sorot: {path}: not a regular file (a socket)"
    finally:
        server.close()


def test_extract_reads_a_fifo_whose_writer_finishes(fifo: Path, english_model: Path) -> None:
    writer = threading.Thread(target=fifo.write_text, args=(ARTICLE,), kwargs={"encoding": "utf-8"}, daemon=True)
    writer.start()
    result = sorot("extract", fifo, "--json", "--model", english_model, capped=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["document"]["chars"] == len(ARTICLE)


def test_extract_stops_reading_a_fifo_at_the_size_limit(fifo: Path) -> None:
    writer = EndlessWriter(fifo)
    writer.start()
    line = one_line_error(sorot("extract", fifo, "--max-size", "64K"))
    assert line == f"sorot: {fifo}: more than 64 KiB; raise --max-size"
    writer.join(10)
    # The reader went away after the limit: the writer met a closed pipe long before its safety net.
    assert writer.broken and writer.written < 16 * 1024**2


# -- standard input ----------------------------------------------------------------------------------------


def test_extract_dash_reads_the_article_from_standard_input(tmp_path: Path, english_model: Path) -> None:
    article = tmp_path / "berita.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    piped = sorot("extract", "-", "--json", "--model", english_model, stdin=ARTICLE.encode("utf-8"), capped=False)
    from_file = sorot("extract", article, "--json", "--model", english_model, capped=False)
    assert piped.returncode == 0, piped.stderr
    data, expected = json.loads(piped.stdout), json.loads(from_file.stdout)
    assert data["document"]["path"] == "-"
    assert data["document"]["sha256"] == hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    # The same but for where it came from (the title is the first words either way).
    assert (
        data["document"]["title"]
        == expected["document"]["title"]
        == "Presiden Joko Widodo tiba di Bandung pada Senin pagi."
    )
    assert {**data, "document": {**data["document"], "path": None, "title": None}} == {
        **expected,
        "document": {**expected["document"], "path": None, "title": None},
    }


def test_extract_dash_refuses_standard_input_past_the_limit() -> None:
    body = (ARTICLE * 100).encode("utf-8")
    assert len(body) > 2048
    line = one_line_error(sorot("extract", "-", "--max-size", "2K", stdin=body))
    assert line == "sorot: standard input: more than 2 KiB; raise --max-size"


def test_empty_standard_input_is_one_line() -> None:
    assert one_line_error(sorot("extract", "-", stdin=b"")) == "sorot: standard input: nothing to read (it is empty)"


# -- regular files over the limit ---------------------------------------------------------------------------


def test_a_file_over_the_default_limit_is_refused_from_its_size(tmp_path: Path) -> None:
    # A sparse file of 100 GB: read, it would never fit; refused from its size, it costs nothing.
    path = tmp_path / "raksasa.txt"
    with path.open("wb") as handle:
        handle.write(ARTICLE.encode("utf-8"))
        handle.truncate(100 * 1024**3)
    for command in (["extract", path], [path]):
        line = one_line_error(sorot(*command))
        assert line == f"sorot: {path}: more than 64 MiB (107,374,182,400 bytes); raise --max-size"


def test_max_size_raises_and_lowers_the_limit(tmp_path: Path, english_model: Path) -> None:
    path = tmp_path / "berita.txt"
    path.write_text(ARTICLE * 40, encoding="utf-8")  # about 3.4 kB
    line = one_line_error(sorot("extract", path, "--max-size", "3k"))
    assert line == f"sorot: {path}: more than 3 KiB ({path.stat().st_size:,} bytes); raise --max-size"
    assert sorot("extract", path, "--max-size", "1M", "--model", english_model, capped=False).returncode == 0


@pytest.mark.parametrize("value", ["banyak", "0", "-5", "12Q"])
def test_a_bad_max_size_is_a_usage_error(value: str, tmp_path: Path) -> None:
    result = sorot("extract", tmp_path / "x.txt", f"--max-size={value}")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("sorot extract: error: argument --max-size: ")
    assert "is not a size" in result.stderr or "at least one byte" in result.stderr


# -- import and export read within limits too -------------------------------------------------------------


def test_import_refuses_a_device_a_fifo_past_its_limit_and_standard_input_past_its_limit(
    tmp_path: Path, fifo: Path
) -> None:
    db = tmp_path / "sorot.json"
    line = one_line_error(sorot("import", "/dev/zero", "--db", db))
    assert line == "sorot: /dev/zero: not a regular file (a character device)"
    writer = EndlessWriter(fifo)
    writer.start()
    line = one_line_error(sorot("import", fifo, "--db", db, "--max-size", "1M"))
    assert line == f"sorot: {fifo}: more than 1 MiB; raise --max-size"
    writer.join(10)
    assert writer.broken
    line = one_line_error(sorot("import", "-", "--db", db, "--max-size", "1k", stdin=b"{}\n" * 2000))
    assert line == "sorot: standard input: more than 1 KiB; raise --max-size"
    assert not db.exists()  # nothing was imported, not even an empty database made


def test_export_refuses_a_device_as_its_document(tmp_path: Path) -> None:
    from tui.core.store import Store

    db = tmp_path / "sorot.json"
    Store.open(db).close()
    line = one_line_error(sorot("export", "-f", "jsonl", "--db", db, "--doc", "/dev/zero"))
    assert line == "sorot: /dev/zero: not a regular file (a character device)"


def test_export_reads_documents_within_its_max_size(tmp_path: Path) -> None:
    from tui.core.annotations import DocumentRef, make_annotation
    from tui.core.store import Store

    path = tmp_path / "berita.txt"
    text = ARTICLE * 40
    path.write_text(text, encoding="utf-8")
    db = tmp_path / "sorot.json"
    doc = DocumentRef.for_text(text, str(path), "Berita")
    with Store.open(db) as store:
        store.save_many([make_annotation(text, 0, 9, "highlight", document=doc)])
    line = one_line_error(sorot("export", "-f", "jsonl", "--db", db, "--doc", path, "--max-size", "2k"))
    assert line == f"sorot: {path}: more than 2 KiB ({path.stat().st_size:,} bytes); raise --max-size"
    result = sorot("export", "-f", "jsonl", "--db", db, "--doc", path, "--max-size", "1M", capped=False)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1


# -- the library function ------------------------------------------------------------------------------------


def test_the_reading_function_reads_exactly_up_to_the_limit(tmp_path: Path) -> None:
    from tui.core.document import read_input

    path = tmp_path / "pas.txt"
    path.write_bytes(b"x" * 1000)
    assert read_input(path, 1000) == b"x" * 1000
    with pytest.raises(ArticleError, match="more than 999 bytes"):
        read_input(path, 999)


def test_a_stream_is_read_no_further_than_one_byte_past_the_limit() -> None:
    class Endless:
        def __init__(self) -> None:
            self.given = 0

        def read(self, size: int) -> bytes:
            self.given += size
            return b"a" * size

    stream = Endless()
    with pytest.raises(ArticleError, match="^standard input: more than 1 MiB; raise --max-size$"):
        load_article("-", 1024**2, stdin=stream)
    assert stream.given == 1024**2 + 1


def test_sizes_read_as_head_c_reads_them() -> None:
    from tui.core.document import MAX_ARTICLE_BYTES, format_size, parse_size

    assert parse_size("64M") == MAX_ARTICLE_BYTES == 64 * 1024 * 1024
    assert [parse_size(v) for v in ("1G", "1GiB", "2.5MB", "500k", "1048576", "100b")] == [
        1024**3,
        1024**3,
        int(2.5 * 1024**2),
        500 * 1024,
        1024**2,
        100,
    ]
    assert (format_size(MAX_ARTICLE_BYTES), format_size(1024), format_size(2987)) == ("64 MiB", "1 KiB", "2,987 bytes")
    assert (format_size(parse_size("1.5M")), format_size(parse_size("2T"))) == ("1.5 MiB", "2 TiB")
    for bad in ("", "M", "1Q", "-1", "0"):
        with pytest.raises(ValueError):
            parse_size(bad)
