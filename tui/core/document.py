"""Loading files into an ``Article``: encodings, newlines, titles, paragraphs, and clear errors.

Offsets everywhere in Sorot are Python string indices into ``Article.text``: the file decoded
(BOM removed) with its line ends normalised to ``\\n``. For a UTF-8 file with LF line ends that
is the file's own text.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import IO

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
MAX_ARTICLE_BYTES = 64 * 1024 * 1024
"""The largest article Sorot reads by default (64 MB); ``--max-size`` changes it."""
STDIN = "-"
"""The name that stands for standard input, as in ``curl ... | sorot extract -``."""
STDIN_NAME = "standard input"
_RAISE = "raise --max-size"
_READ_CHUNK = 1024 * 1024
MAX_TITLE_CHARS = 100
MAX_TITLE_WORDS = 16
SAMPLE_NAME = "000_509a6613fde4a62d.txt"
WESTERN_ENCODINGS = ("cp1252", "iso8859_15", "latin_1")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NEWLINES = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n\s*")
# A line that starts a Markdown block (heading, list item, quote, fence, table) keeps its own line.
_BLOCK_START = re.compile(r"\n(?=[ \t]*(?:#{1,6}\s|[-*+>]\s|\d{1,3}[.)]\s|```|\|))")
# A line ends a sentence with its stop, perhaps inside closing quotes or brackets.
_STOPS = frozenset(".!?\u2026:")
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
# A line goes on from the last when it starts with a lowercase word (not a brand like "iStockphoto").
_CONTINUATION = re.compile(r"\s*[(\"'\u201c\u2018]*[a-z\u00df-\u00ff](?!\S*[A-Z])")
_NEWLINE = re.compile("\n")
_NEXT_WORD = re.compile(r"\n[ \t\f\v]*(\S*)")  # the first word of each line but the first
WRAPPED_COLUMNS = (30, 120)
"""Text hard-wrapped at a width in this range has its paragraphs' lines re-flowed."""
TITLE_CHARS = 60
"""A title made from an article's first words is cut at a word before this many characters."""
_TITLE_LOOKAHEAD = 4096
_NON_SPACE = re.compile(r"\S")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


class ArticleError(Exception):
    """A file cannot be read, or opened as an article. The message is one line, fit to show the user."""


@dataclass(frozen=True)
class WebSource:
    """Where a web article came from, and what its page says of it (empty strings when unknown)."""

    url: str
    """The article's address as opened (without its ``#fragment``): its identity in the store,
    where a file's is its path."""
    canonical: str = ""
    """The page's own ``rel=canonical`` (or JSON-LD / OpenGraph) URL, when it names one."""
    site: str = ""
    author: str = ""
    published: str = ""
    """ISO 8601: a date (``2025-12-02``) or a date and time with its offset."""
    pages: int = 1
    """How many pages were joined into the text (a multi-page article)."""

    @property
    def published_date(self) -> date | None:
        """The publication day, which relative dates ("kemarin") count from; None if unknown."""
        try:
            return date.fromisoformat(self.published[:10]) if self.published else None
        except ValueError:
            return None


@dataclass(frozen=True)
class Article:
    """One article: its text and what Sorot knows about the file it came from."""

    text: str
    title: str
    path: Path | None = None
    encoding: str = "utf-8"
    paragraphs: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    web: WebSource | None = None
    """For an article read from the web (a URL, or a saved ``.html`` page): its source and metadata."""

    @cached_property
    def sha256(self) -> str:
        """Hash of the text (UTF-8), the identity of this version of the article."""
        return text_sha256(self.text)

    @property
    def name(self) -> str:
        if self.path is not None:
            return self.path.name
        return self.web.url if self.web is not None else "(text)"


def text_sha256(text: str) -> str:
    """The document identity used everywhere: sha256 of the text as UTF-8 (``Article.sha256``)."""
    import hashlib  # OpenSSL's load (some 3 ms) is kept out of the reader's start

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_from_text(text: str, path: Path | None = None, encoding: str = "utf-8") -> Article:
    """Build an ``Article`` from already decoded text (newlines are normalised here)."""
    text = _NEWLINES.sub("\n", text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return Article(
        text=text,
        title=make_title(text, path),
        path=path,
        encoding=encoding,
        paragraphs=tuple(paragraph_spans(text)),
    )


def load_article(
    path: str | Path, max_bytes: int = MAX_ARTICLE_BYTES, *, stdin: IO[bytes] | None = None, data: bytes | None = None
) -> Article:
    """Read a ``.txt`` or ``.md`` file of at most ``max_bytes`` (``"-"``: standard input, or
    ``stdin`` when given, giving an article without ``path``); raise ``ArticleError`` with a
    one-line reason otherwise. ``data``: the file's bytes, already read."""
    from_stdin = str(path) == STDIN
    if data is None:
        data = read_input(path, max_bytes, stdin=stdin)
    name = STDIN_NAME if from_stdin else Path(path)
    if from_stdin and not data:
        raise ArticleError(f"{name}: nothing to read (it is empty)")
    text, encoding = decode_bytes(data, name)
    if not text.strip():
        raise ArticleError(f"{name}: the file is empty")
    return article_from_text(text, None if from_stdin else Path(path), encoding)


def load_any(path: str | Path, max_bytes: int = MAX_ARTICLE_BYTES, *, data: bytes | None = None) -> Article:
    """:func:`load_article` for a text file; a saved web page (``.html``, ``.htm``) is read as one:
    its main text and metadata (:func:`tui.core.web.reading.load_html_file`). ``data``: the
    file's bytes, already read (at most ``max_bytes``)."""
    if str(path) != STDIN and Path(path).suffix.lower() in HTML_SUFFIXES:
        from tui.core.web.reading import load_html_file

        return load_html_file(path, max_bytes, data=data)
    return load_article(path, max_bytes, data=data)


def read_input(
    source: str | os.PathLike[str], max_bytes: int = MAX_ARTICLE_BYTES, *, stdin: IO[bytes] | None = None
) -> bytes:
    """The bytes of the file ``source`` (``"-"``: standard input, or ``stdin`` when given), at most
    ``max_bytes`` of them; anything else raises ``ArticleError`` with one line.

    A regular file larger than ``max_bytes`` is refused from its size, before it is read. A FIFO
    and standard input are read as they come (waiting for a writer, as ``cat`` does) and refused
    as soon as they pass ``max_bytes``. Devices, sockets and anything else that is not a file are
    refused without being opened: ``/dev/zero`` never ends, and opening some devices acts on them.
    """
    if str(source) == STDIN:
        if stdin is None and sys.stdin is None:
            raise ArticleError(f"{STDIN_NAME}: not available (closed)")
        return _read_bounded(stdin if stdin is not None else sys.stdin.buffer, max_bytes, STDIN_NAME)
    path = Path(source)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file or directory") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise ArticleError(f"{path}: is a directory, not a file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise ArticleError(f"{path}: not a regular file ({file_kind(mode)})")
    # A FIFO's open waits for a writer, as it should; a regular file's must not, should the path
    # have become a FIFO or a device since the stat (what was opened is checked again below).
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | (0 if stat.S_ISFIFO(mode) else getattr(os, "O_NONBLOCK", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with open(fd, "rb", buffering=0) as handle:
        opened = os.fstat(fd)
        if stat.S_IFMT(opened.st_mode) != stat.S_IFMT(mode):
            raise ArticleError(f"{path}: not a regular file ({file_kind(opened.st_mode)})")
        if stat.S_ISREG(opened.st_mode) and opened.st_size > max_bytes:
            raise ArticleError(f"{path}: more than {format_size(max_bytes)} ({opened.st_size:,} bytes); {_RAISE}")
        return _read_bounded(handle, max_bytes, str(path))


def file_kind(mode: int) -> str:
    """What a file of ``os.stat`` mode ``mode`` is, in words ("a FIFO", "a character device")."""
    kinds = (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((kind for test, kind in kinds if test(mode)), "an unknown kind of file")


def _read_bounded(stream: IO[bytes], max_bytes: int, name: str) -> bytes:
    """Up to ``max_bytes`` from ``stream``; one byte more is an error (the rest is never read)."""
    chunks: list[bytes] = []
    total = 0
    try:
        while chunk := stream.read(min(_READ_CHUNK, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise ArticleError(f"{name}: more than {format_size(max_bytes)}; {_RAISE}")
    except OSError as exc:
        raise ArticleError(f"{name}: cannot read ({exc.strerror or exc})") from None
    return b"".join(chunks)


_UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?)\s*(?:([KMGT])(?:I?B)?|B)?\s*", re.IGNORECASE)


def parse_size(value: str) -> int:
    """Bytes from ``"64M"``, ``"1G"``, ``"500k"``, ``"2.5MB"``, ``"1GiB"`` or ``"1048576"`` (K, M, G, T
    are powers of 1024, as for ``head -c``); ``ValueError`` with a one-line reason otherwise."""
    match = _SIZE.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not a size: give bytes, or a number with K, M, G or T (e.g. 100M)")
    unit = match.group(2)
    size = int(float(match.group(1)) * (_UNITS[unit.upper()] if unit else 1))
    if size < 1:
        raise ValueError(f"{value!r}: the size must be at least one byte")
    return size


def format_size(num_bytes: int) -> str:
    """``67108864`` as ``"64 MiB"``, ``1572864`` as ``"1.5 MiB"``, ``1024`` as ``"1 KiB"`` (the
    units ``parse_size`` reads as 64M, 1.5M and 1K); a size that is no whole number of tenths of
    them in bytes: ``"2,987 bytes"``."""
    for unit in ("T", "G", "M", "K"):
        size = _UNITS[unit]
        if num_bytes >= size and num_bytes % size == 0:
            return f"{num_bytes // size:,} {unit}iB"
        if num_bytes >= size and (num_bytes * 10) % size == 0:
            return f"{num_bytes * 10 // size / 10:,} {unit}iB"
    return f"{num_bytes:,} byte{'s' * (num_bytes != 1)}"


def decode_bytes(data: bytes, path: Path | str = "input", *, partial: bool = False) -> tuple[str, str]:
    """Decode a file's bytes: BOM first, then strict UTF-8, then a detected legacy encoding.

    ``partial``: ``data`` is the start of a file, which may end inside a character; that character
    is left out rather than making the start undecodable.
    """
    if not data:
        raise ArticleError(f"{path}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _decode(data, encoding, partial), encoding.replace("-sig", "")
            except UnicodeDecodeError:
                raise ArticleError(f"{path}: starts with a {encoding} mark but is not valid {encoding}") from None
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{path}: looks like a binary file, not text")
    try:
        return _decode(data, "utf-8", partial), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Indonesian is written in the Latin alphabet, so its legacy files are nearly always in a
    # Western code page; let those win ties that the detector would give to Central European
    # or Mac encodings, and search every encoding only when none of them fits.
    best = from_bytes(data, cp_isolation=list(WESTERN_ENCODINGS)).best() or from_bytes(data).best()
    if best is None:
        raise ArticleError(f"{path}: cannot decode: not UTF-8 and no known encoding fits")
    text = str(best)
    if _control_ratio(text) > 0.05:
        raise ArticleError(f"{path}: looks like a binary file, not text")
    return text, best.encoding


def _decode(data: bytes, encoding: str, partial: bool) -> str:
    if not partial:
        return data.decode(encoding)
    # An incremental decoder that is not told the input is final keeps a cut character back.
    return codecs.getincrementaldecoder(encoding)().decode(data, final=False)


def _control_ratio(text: str) -> float:
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / max(1, len(sample))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the paragraphs, without their surrounding whitespace.

    Blank lines always end a paragraph. Between them, each stretch of text is judged by itself,
    so that a title, a blank line and then one paragraph per line (pasted news) is read as well as
    a plain-text file hard-wrapped at some 72 columns: see :func:`_Stretch.breaks`.
    """
    stretches: list[tuple[int, int] | _Stretch] = [
        _Stretch(text, start, end) if text.find("\n", start, end) >= 0 else (start, end)
        for start, end in _split(text, _BLANK_LINES)
    ]
    # A stretch too short to tell (two lines) is read as wrapped at the width the others are wrapped at.
    wrap_width = max((s.width for s in stretches if isinstance(s, _Stretch) and s.wrapped), default=0)
    spans: list[tuple[int, int]] = []
    for stretch in stretches:
        if not isinstance(stretch, _Stretch):
            spans.append(stretch)  # one line, already stripped
            continue
        pos = stretch.start
        for brk in stretch.breaks(wrap_width):
            spans.append(_strip(text, pos, brk))
            pos = brk + 1
        spans.append(_strip(text, pos, stretch.end))
    return [(a, b) for a, b in spans if a < b]


class _Stretch:
    """Lines of text between blank lines, and which of its line breaks end a paragraph.

    A stretch whose lines fill a width of 30 to 120 columns is hard-wrapped: there a line break is
    a paragraph break only where the next line's first word would have fitted on the line (the
    writer broke it on purpose). Elsewhere lines are paragraphs (news pasted one paragraph a line)
    unless a line ends neither a sentence nor a heading (a short line the next word would have fitted
    on). Either way a line that goes on in lowercase continues the paragraph, and a Markdown block
    (heading, list item, quote, table, fence) starts one.
    """

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.newlines = [m.start() for m in _NEWLINE.finditer(text, start, end)]
        chunk = text[start:end] if self.newlines else ""
        self.lines = [line.rstrip() for line in chunk.split("\n")] if chunk else []
        self.width = max(map(len, self.lines), default=end - start)
        self.first_words = [len(word) for word in _NEXT_WORD.findall(chunk)]
        self.fits = self._fits(self.width)
        self.wrapped = (
            WRAPPED_COLUMNS[0] <= self.width <= WRAPPED_COLUMNS[1]
            and len(self.newlines) >= 2
            and self.fits.count(False) * 2 >= len(self.newlines)
        )

    def _fits(self, width: int) -> list[bool]:
        """For each line break, whether the next line's first word would have fitted ``width`` columns."""
        return [len(line) + 1 + word <= width for line, word in zip(self.lines, self.first_words)]

    def breaks(self, wrap_width: int) -> list[int]:
        """Offsets of the line breaks that end a paragraph; ``wrap_width``: the width other stretches
        of the text are hard-wrapped at (0 if none)."""
        if not self.newlines:
            return []
        wrapped, fits = self.wrapped, self.fits
        if not wrapped and WRAPPED_COLUMNS[0] <= self.width <= wrap_width:
            wrapped, fits = True, self._fits(wrap_width)
        blocks = {m.start() for m in _BLOCK_START.finditer(self.text, self.start, self.end)}
        breaks = []
        for i, newline in enumerate(self.newlines):
            if newline in blocks:
                breaks.append(newline)
                continue
            line = self.lines[i]
            if wrapped:
                ends = fits[i]
            else:  # a heading is a short line, not the first line of a paragraph wrapped in two
                ends = _ends_sentence(line) or _is_heading(line) and (fits[i] or self.width < WRAPPED_COLUMNS[0])
            if ends and not _CONTINUATION.match(self.lines[i + 1]):
                breaks.append(newline)
        return breaks


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in _STOPS


def _is_heading(line: str) -> bool:
    """Whether a line reads as a short heading: few words, and no sentence or clause stop at its end."""
    line = line.strip()
    return 0 < len(line) <= MAX_TITLE_CHARS and len(line.split()) <= MAX_TITLE_WORDS and line[-1] not in ".,;:!?-"


def _split(text: str, sep: re.Pattern[str], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    spans = []
    pos = start
    for match in sep.finditer(text, start, end):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, end))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def heading_of(text: str) -> str | None:
    """The article's heading: its first line when that is a Markdown heading or a short line
    followed by more text; None when the article starts with a paragraph."""
    # Offsets, not copies: on a 5 MB article ``lstrip().partition()`` and ``rest.strip()`` copied
    # the whole text three times (some 5 ms a call, before the first paint).
    start = _NON_SPACE.search(text)
    if start is None:
        return None
    newline = text.find("\n", start.start())
    first = (text[start.start() :] if newline < 0 else text[start.start() : newline]).strip()
    heading = _MD_HEADING.match(first)
    if heading and heading.group(1):
        return heading.group(1)
    if newline >= 0 and _NON_SPACE.search(text, newline) is not None and _is_heading(first):
        # Not the first line of a hard-wrapped paragraph ("… Polda Metro\nJaya menangkap …"): a
        # heading is a paragraph of its own (looked for in the first few KB, not the whole text).
        spans = paragraph_spans(text[start.start() : start.start() + _TITLE_LOOKAHEAD])
        if not spans or spans[0][1] <= newline - start.start():
            return first
    return None


def make_title(text: str, path: Path | None) -> str:
    """The article's heading; without one, its first words (cut at a word, about 60 characters),
    so that a file named by a hash or a number is still told apart by what it says."""
    heading = heading_of(text)
    if heading is not None:
        return heading
    head = text.lstrip()[:_TITLE_LOOKAHEAD]
    spans = paragraph_spans(head)
    if spans:
        return first_words(head[spans[0][0] : spans[0][1]])
    if path is None:
        return "Untitled"
    return re.sub(r"[_\s]+", " ", path.stem).strip() or path.name


def first_words(text: str, limit: int = TITLE_CHARS) -> str:
    """``text`` on one line, cut at the last word that ends within ``limit`` characters, with an ellipsis if cut."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words.rfind(" ", 0, limit)
    kept = words[:cut] if cut > limit // 2 else words[: limit - 1]
    return kept.rstrip(" ,;:-\u2013\u2014") + "\u2026"


def peek_title(path: Path, head_bytes: int = _TITLE_LOOKAHEAD) -> str:
    """An article's title from the first ``head_bytes`` of its file, decoded as :func:`load_article`
    decodes the whole (byte-order mark, UTF-8, a detected legacy encoding), for a list that must
    open fast; the file name when it cannot be read or decoded."""
    try:
        with path.open("rb") as handle:
            head = handle.read(head_bytes)
        text, _ = decode_bytes(head, path, partial=True)
    except (OSError, ArticleError):
        return path.name
    text = _NEWLINES.sub("\n", text)
    return make_title(text, path) if text.strip() else path.name


def find_articles(directory: str | Path) -> list[Path]:
    """The articles (``.txt``, ``.md`` and saved ``.html`` pages) directly inside ``directory``, by name."""
    directory = Path(directory)
    try:
        found = sorted(p for p in directory.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file())
    except OSError as exc:
        raise ArticleError(f"{directory}: cannot list ({exc.strerror or exc})") from None
    if not found:
        raise ArticleError(f"{directory}: no articles here (looked for .txt, .md and .html files)")
    return found


def sample_article_path() -> Path:
    """The bundled sample article: inside the installed package, or ``seeds/`` of a source checkout."""
    packaged = resources.files("tui").joinpath("seeds", SAMPLE_NAME)
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "seeds" / SAMPLE_NAME


# Control characters would reach the terminal as escape sequences; show each as one visible,
# inert symbol instead (one char for one char, so offsets stay those of ``Article.text``).
_INERT = {code: 0x2400 + code for code in range(32)}
_INERT[0x7F] = 0x2421
_INERT.update({code: 0xFFFD for code in range(0x80, 0xA0)})
# Bidirectional overrides and isolates reorder what a terminal shows (text could read other than
# it is); show them as the replacement character instead.
_INERT.update({code: 0xFFFD for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_INERT[ord("\t")] = ord(" ")
_INERT[ord("\n")] = ord(" ")


def inert(text: str) -> str:
    """``text`` with control characters replaced one-for-one by visible symbols (newlines become spaces)."""
    return text.translate(_INERT)


_INERT_NAME = {**_INERT, ord("\t"): 0x2409, ord("\n"): 0x2424}


def inert_name(name: str) -> str:
    """A file name made inert as by :func:`inert`, but a tab or a newline in it shown as a symbol
    (``␉``, ``␤``) rather than a space: the name reads as it is, on one line."""
    return name.translate(_INERT_NAME)


_INERT_LINES = {code: symbol for code, symbol in _INERT.items() if chr(code) not in "\t\n"}


def inert_lines(text: str) -> str:
    """``text`` with control characters made inert as by :func:`inert`, except tabs and newlines,
    which stay: for text kept in several lines (a note in its editor, a text export)."""
    return text.translate(_INERT_LINES)
