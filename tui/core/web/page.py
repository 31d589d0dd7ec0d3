"""A news page's HTML made into the article's main text and metadata; multi-page articles joined.

    page = read_page(html, url)            # html: str, or bytes (decoded by decode_html)
    page = join_pages(page, fetch)         # fetch(url) -> html str; may raise FetchError
    article = article_from_page(page)      # an Article with its WebSource

:class:`Page` fields:

- ``text``: the article body, paragraphs joined by ``"\\n\\n"`` (the reader splits paragraphs at
  blank lines). No headline, no boilerplate. trafilatura finds the body (``favor_precision``,
  no comments); what it lets through is then cleaned paragraph by paragraph (:func:`clean_paragraphs`):

  - inserts: "Baca juga: …", "Simak juga", "Lihat juga", "Tonton juga", "Artikel terkait",
    "Pilihan Editor: …", "Read more: …" (as their own paragraph; at the end of a paragraph the
    insert is cut off; a short inline ``<strong>Baca juga: <a>…</a></strong>`` is removed from
    the HTML before extraction);
  - ads ("ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT", "Advertisement", "Iklan"),
    ``[Gambas:Video …]`` embeds;
  - photo captions ("Foto: …", "(Foto: ANTARA/…)", "Ilustrasi: …");
  - pager lines ("Halaman 1 2 3 Selanjutnya", "Halaman: 1 2"), share bars ("Bagikan", "Share"),
    "Dapatkan update berita pilihan … Google News / WhatsApp Channel" and the like, date lines;
  - credit lines: "Editor: …", "Penulis: …", "Pewarta: …", "Reporter: …", copyright lines and
    ANTARA's crawling notice are removed (the author is in ``author``); a wire sign-off in
    initials such as "(ant/xyz)" or "(asp/nfi)" stays: it is the last line of the text as
    published, and dropping it could drop a real parenthesis;
  - a paragraph that repeats the headline.

  The dateline ("JAKARTA, KOMPAS.com -", "Mataram (ANTARA) -") stays at the start of the first
  paragraph: it is body text. Characters are kept literally, control characters and bidi
  overrides included (``[bold]``, ``\\x1b[31m``): the UI neutralises them (``document.inert``).
- ``title``: JSON-LD ``headline`` > ``og:title`` > ``<title>``, with a site suffix
  (" - Kompas.com", " | tempo.co", " - detikNews") and "Halaman all"/"Halaman 2" removed.
- ``url``: the URL it was read from; ``canonical``: ``link rel=canonical`` > ``og:url`` > JSON-LD
  ``url`` / ``mainEntityOfPage`` (absolute).
- ``site``: ``og:site_name`` > JSON-LD ``publisher.name`` > the host without "www.".
- ``author``: JSON-LD ``author`` (object, list or string; names joined by ", ") > ``<meta
  name=author>`` / ``article:author`` / ``dc.creator``; "" if unknown.
- ``published``: ISO 8601, a date (``2025-03-04``) or a date and time with its offset when the
  page gives one (``2025-03-04T09:45:32+07:00``): JSON-LD ``datePublished`` >
  ``article:published_time``, ``pubdate``, ``publishdate``, ``dc.date``, ``parsely-pub-date``,
  ``content_PublishedDate``… > htmldate's original date; "" if none.
- ``next_pages``: absolute URLs of the article's further pages, in order (``rel=next`` first,
  then the pager's numbered pages after this one): same host (ignoring "www."), same article (the
  same path, or the path plus ``/N``, or ``?page=N``).
- ``single_page``: a "view all on one page" URL (``?page=all``, ``/all``, "Tampilkan semua") if
  the page links one, else "".
- ``pages``: how many of the article's pages the text covers (:func:`join_pages` sets it).
- ``warnings``: one line each, what :func:`join_pages` could not do (a later page that failed).

Errors: :class:`NotAnArticle` (an ``ArticleError``, one line): "… not an article: no main text
found" for a home or index page, "… only a paywall teaser (…)" for a teaser (JSON-LD
``isAccessibleForFree: false`` or a paywall marker, with a short body). Whatever lxml or
trafilatura raise on bad HTML becomes a ``NotAnArticle`` too.

Cost: parsing and extraction are linear in the HTML, which the caller bounds (the fetcher's size
limit); :func:`join_pages` fetches at most ``max_pages`` pages.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import htmldate
import trafilatura
from lxml import etree  # type: ignore[import-untyped]

from tui.core.document import Article, ArticleError, WebSource, paragraph_spans
from tui.core.web.charsets import web_codec
from tui.core.web.fetch import FetchError

__all__ = [
    "NotAnArticle",
    "Page",
    "article_from_page",
    "clean_paragraphs",
    "decode_html",
    "join_pages",
    "read_page",
]

MIN_PROSE_CHARS = 200
"""A page whose body has fewer characters than this in paragraphs of at least
``_PROSE_PARAGRAPH`` characters is not an article (an index page's headlines are shorter)."""
_PROSE_PARAGRAPH = 80
TEASER_CHARS = 1000
"""A body shorter than this on a page marked paywalled is a teaser."""
MAX_PAGE_NUMBER = 50


class NotAnArticle(ArticleError):
    """The page has no article to read: an index page, an empty page, a paywall teaser."""


@dataclass(frozen=True)
class Page:
    """An article read from one web page (or several joined): see the module's docstring."""

    text: str
    title: str
    url: str
    canonical: str = ""
    site: str = ""
    author: str = ""
    published: str = ""
    next_pages: tuple[str, ...] = ()
    single_page: str = ""
    pages: int = 1
    warnings: tuple[str, ...] = ()


# --- decoding --------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
# The HTML standard reads these labels as windows-1252, a superset.


def decode_html(data: bytes, charset: str | None = None) -> str:
    """An HTML document's bytes as text: its BOM, else ``charset`` (the ``Content-Type``
    header's), else its ``<meta charset>``, else UTF-8 if valid, else a detected encoding."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = [charset] if charset else []
    match = _META_CHARSET.search(data[:4096])
    if match:
        declared.append(match.group(1).decode("ascii", "replace"))
    for label in declared:
        name = web_codec(label)  # the encodings browsers read: never rot13, idna, punycode, utf-7
        if name is None or name.startswith("utf-16"):  # a <meta> cannot say so in bytes it can read
            continue
        try:
            return data.decode(name, errors="replace")
        except (LookupError, UnicodeError):
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    return data.decode(best.encoding if best is not None else "cp1252", errors="replace")


# --- control characters: kept through lxml, which cannot hold them -------------------------------

_CONTROLS = [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]
_PLACEHOLDER = 0xF0000  # plane 15, private use: never in a news page
_HIDE = {code: _PLACEHOLDER + code for code in _CONTROLS}
_SHOW = {_PLACEHOLDER + code: code for code in _CONTROLS}
_CONTROL_REF = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,2})|0*([0-9]{1,3}));")


def _hide_controls(html: str) -> str:
    def ref(match: re.Match[str]) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return chr(_PLACEHOLDER + code) if code in _HIDE else match.group(0)

    return _CONTROL_REF.sub(ref, html.replace("\x00", "")).translate(_HIDE)


def _show_controls(text: str) -> str:
    return text.translate(_SHOW)


# --- metadata ----------------------------------------------------------------------------------

_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "report",
}
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "parsely-pub-date",
    "sailthru.date",
    "content_publisheddate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "date",
)
_AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "parsely-author", "content_author")


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {k.lower() for k in kinds if isinstance(k, str)}


def _json_ld(tree: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The first article object of the page's JSON-LD (``@graph``, lists and ``@type`` lists
    read; a block that is not JSON skipped), and every object by ``@id``."""
    article: dict[str, Any] = {}
    by_id: dict[str, dict[str, Any]] = {}
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(_show_controls(script.text))
        except (ValueError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        nodes: list[dict[str, Any]] = []
        for item in stack:
            if isinstance(item, dict):
                nodes.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    nodes.extend(node for node in graph if isinstance(node, dict))
                elif isinstance(graph, dict):
                    nodes.append(graph)
        for node in nodes:
            if isinstance(node.get("@id"), str):
                by_id.setdefault(node["@id"], node)
            if not article and _types(node) & _ARTICLE_TYPES:
                article = node
    return article, by_id


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return by_id.get(value["@id"], value)
    return value


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """The names of a JSON-LD author: an object, a list of them, or a string."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:20]:
        item = _resolve(item, by_id)
        if isinstance(item, dict):
            item = item.get("name", "")
            if isinstance(item, list):
                item = " ".join(str(part) for part in item)
        if isinstance(item, str) and item.strip() and item.strip() not in names:
            names.append(_collapse(item))
    return names


def _text_of(value: Any) -> str:
    return _collapse(value) if isinstance(value, str) else ""


def _url_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or ""
    if isinstance(value, list) and value:
        return _url_of(value[0])
    return value.strip() if isinstance(value, str) else ""


def _meta(tree: Any) -> dict[str, str]:
    """``<meta>`` contents by lower-cased ``name``, ``property`` or ``itemprop`` (the first one)."""
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key:
                found.setdefault(key, content.strip())
    return found


_ISO = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T ]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:[.,]\d+)?\s*(Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)?[+-]\d{1,2})?)?",
    re.IGNORECASE,
)


def iso_date(value: str) -> str:
    """``value`` (ISO-like "2025/06/20 14:30:05", "2025-03-04T09:45:32+0700", or RFC 2822) as
    ISO 8601: a date, or a date and time with its offset when it has one; "" if it is no date."""
    value = value.strip()
    match = _ISO.match(value)
    if match is None:
        try:
            return parsedate_to_datetime(value).isoformat() if value else ""
        except (TypeError, ValueError, IndexError):
            return ""
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2200):
        return ""
    day_text = f"{year:04d}-{month:02d}-{day:02d}"
    if match.group(4) is None:
        return day_text
    hour, minute, second = int(match.group(4)), int(match.group(5)), int(match.group(6) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return day_text
    offset = (match.group(7) or "").upper().replace("GMT", "").replace("UTC", "")
    if offset == "Z":
        offset = "+00:00"
    elif offset:
        sign, digits = offset[0], offset[1:].replace(":", "")
        digits = digits.zfill(2) if len(digits) <= 2 else digits.zfill(4)
        offset = f"{sign}{digits[:2]}:{digits[2:4] or '00'}"
    return f"{day_text}T{hour:02d}:{minute:02d}:{second:02d}{offset}"


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


_SEPARATORS = re.compile(r"\s+[-|–—:»·•]{1,2}\s+")
_PAGE_SUFFIX = re.compile(r"\s+(?:Halaman|Hal\.?|Page)\s+(?:all|semua|\d{1,3})\s*$", re.IGNORECASE)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def strip_site_suffix(title: str, site: str = "", host: str = "") -> str:
    """``title`` without a trailing " - Kompas.com"-style site name and "Halaman all"/"Halaman 2"."""
    title = _collapse(title)
    names = {_squash(site)} if site else set()
    if host:
        labels = host.split(".")
        names.add(_squash(host))
        names.update(_squash(label) for label in labels[:-1] if len(label) > 2 and label not in ("com", "co", "www"))
    names.discard("")
    for _ in range(3):
        title = _PAGE_SUFFIX.sub("", title)
        parts = list(_SEPARATORS.finditer(title))
        if not parts:
            break
        last = parts[-1]
        tail = title[last.end() :]
        squashed = _squash(tail)
        is_site = bool(squashed) and (
            re.fullmatch(r"[\d./-]{6,10}", tail.strip()) is not None  # "| DW | 19.01.2020"
            or any(name in squashed or squashed in name for name in names if len(name) > 3)
            or re.search(r"\.(?:com|co|id|net|org|tv)\b", tail.lower()) is not None
        )
        if not is_site or not title[: last.start()].strip():
            break
        title = title[: last.start()].rstrip()
    return _PAGE_SUFFIX.sub("", title)


# --- links to further pages ----------------------------------------------------------------------

_PAGE_PARAMS = {"page", "halaman", "hal", "p", "paged", "pg"}
_ALL_VALUES = {"all", "semua", "full", "single"}
_SINGLE_TEXT = re.compile(
    r"^(?:tampilkan|lihat|baca)\s+(?:semua|selengkapnya)|^(?:show|view)\s+all|^semua\s+halaman", re.I
)


def _page_key(url: str) -> tuple[str, str, str, str] | None:
    """(host, article path, other query, page) of ``url``: page is "1".."N", "all" or ""."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = parts.path.rstrip("/") or "/"
    page = ""
    head, _, last = path.rpartition("/")
    if last.isdigit() and 1 <= int(last) <= MAX_PAGE_NUMBER and head:
        path, page = head, str(int(last))
    elif last.lower() in _ALL_VALUES and head:
        path, page = head, "all"
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in _PAGE_PARAMS and (value.isdigit() or value.lower() in _ALL_VALUES):
            page = "all" if value.lower() in _ALL_VALUES else str(int(value))
        else:
            query.append(f"{key}={value}")
    return _host(url), path, "&".join(sorted(query)), page


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _further_pages(tree: Any, base: str) -> tuple[tuple[str, ...], str]:
    """This article's further pages (rel=next first, then numbered pages after this one) and its
    single-page view, from the links of the page at ``base``."""
    here = _page_key(base) if base else None
    if here is None:
        return (), ""
    if here[3] == "all":
        return (), ""
    current = int(here[3]) if here[3].isdigit() else 1
    rel_next: list[str] = []
    numbered: dict[int, str] = {}
    single = ""
    for element in tree.iter("a", "link"):
        href = element.get("href")
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        try:
            url = _without_fragment(urljoin(base, href.strip()))
        except ValueError:
            continue
        key = _page_key(url)
        if key is None or key[:3] != here[:3] or url == base:
            continue
        rel = (element.get("rel") or "").lower().split()
        if key[3] == "all":
            single = single or url
        elif element.tag == "a" and _SINGLE_TEXT.match(_collapse(element.text_content())):
            single = single or url
        elif key[3].isdigit() and int(key[3]) > current:
            if "next" in rel and url not in rel_next:
                rel_next.append(url)
            numbered.setdefault(int(key[3]), url)
    order = rel_next + [url for _, url in sorted(numbered.items()) if url not in rel_next]
    return tuple(order), single


# --- the body ---------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\n\r\f\v\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\ufeff"))  # soft hyphen, zero-width space, stray BOM


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


_INSERT = (
    r"(?:baca|simak|lihat|tonton|saksikan)\s+(?:juga|pula)|artikel\s+terkait|berita\s+terkait"
    r"|pilihan\s+editor|read\s+more|baca\s+selengkapnya"
)
_INSERT_START = re.compile(rf"^\s*(?:{_INSERT})\b", re.IGNORECASE)
_INSERT_COLON = re.compile(rf"^\s*(?:{_INSERT})\s*:", re.IGNORECASE)
_INLINE_TAGS = {"strong", "b", "em", "i", "span", "a", "u", "small", "font"}
_CONTAINERS = {"html", "body", "article", "main"}

# A whole paragraph that is boilerplate.
_JUNK = re.compile(
    "(?:"
    + "|".join(
        (
            rf"(?:{_INSERT})(?:\s*:|\s+(?:video|berita|artikel|foto)\b|\W*$).{{0,300}}",
            r"(?:advertisement|iklan|ads|scroll to continue with content|sponsored|konten sponsor)\W*"
            r"(?:scroll to continue with content)?\W*",
            r"\[\s*gambas\s*:[^\]]*\]",
            r"(?:foto|photo|video|ilustrasi|sumber foto|caption|keterangan foto)\s*:.{0,300}",
            r"\(?\s*(?:foto|photo)\s*:[^)]{0,200}\)?",
            r"(?:halaman|hal\.?|page)\s*:?\s*(?:\d+\s*|selanjutnya\s*|berikutnya\s*|sebelumnya\s*|next\s*|[«»‹›<>]\s*)+",
            r"(?:selanjutnya|berikutnya|sebelumnya|tampilkan semua|lihat semua|next|previous)\W*",
            r"(?:bagikan|share|sebarkan)(?:\s+(?:artikel|berita|ini|melalui|via|ke))*\s*:?"
            r"(?:\s*(?:facebook|twitter|x|whatsapp|telegram|line|linkedin|email|salin\s+(?:link|tautan)|copy\s+link))*\W*",
            r"(?:dapatkan|simak|ikuti|follow|gabung)\b.{0,250}"
            r"(?:google\s+news|whatsapp\s+channel|saluran\s+whatsapp|telegram|update berita|berita pilihan).{0,250}",
            r"(?:penulis|editor|pewarta|reporter|penyunting|redaktur|kontributor|fotografer|produser)"
            r"\s*:[^\n]{0,150}",
            r"(?:copyright|hak cipta|©).{0,200}",
            r"dilarang keras mengambil konten.{0,300}",
            r"(?:tags?|topik terkait|kata kunci)\s*:.{0,200}",
            r"(?:anda sedang membaca artikel eksklusif|berlangganan untuk membaca|sudah berlangganan\?|"
            r"artikel ini khusus untuk pelanggan).{0,300}",
            # a date line: "Jumat, 20 Jun 2025 14:30 WIB", "21 April 2025 | 16.05 WIB"
            r"(?:\w+,\s*)?\d{1,2}\s+\w+\s+\d{4}(?:\s*[|,-]?\s*\d{1,2}[.:]\d{2})?(?:\s*(?:WIB|WITA|WIT))?",
        )
    )
    + r")",
    re.IGNORECASE | re.DOTALL,
)
# Boilerplate inside a paragraph, removed and the rest kept.
_INLINE_JUNK = re.compile(
    r"\s*(?:ADVERTISEMENT\s*)?SCROLL TO CONTINUE WITH CONTENT\s*"
    r"|\s*\((?:foto|photo|ilustrasi)\s*:[^()]{0,200}\)"
    r"|\s*\[\s*gambas\s*:[^\]]{0,100}\]",
    re.IGNORECASE,
)
# An insert at the end of a paragraph: "… kata dia. Baca juga: Judul Lain".
_TRAILING_INSERT = re.compile(rf"(?<=[.!?\"”'])\s+(?:{_INSERT})\s*:.{{1,250}}$", re.IGNORECASE | re.DOTALL)


def clean_paragraphs(paragraphs: Iterable[str], title: str = "") -> list[str]:
    """The paragraphs without boilerplate (see the module's docstring); ``title`` drops a
    paragraph that repeats the headline."""
    squashed_title = _squash(title)
    kept: list[str] = []
    for paragraph in paragraphs:
        paragraph, cuts = _INLINE_JUNK.subn(" ", paragraph)
        if cuts:
            paragraph = re.sub(r" +(?=[.,;:!?])", "", _collapse(paragraph))
        paragraph = _TRAILING_INSERT.sub("", paragraph).strip()
        if not paragraph or _JUNK.fullmatch(paragraph):
            continue
        if squashed_title and _squash(paragraph) == squashed_title:
            continue
        kept.append(paragraph)
    return kept


def _text_length_over(element: Any, limit: int) -> bool:
    """Whether ``element``'s text is longer than ``limit`` (reading no more of it than needed)."""
    total = 0
    for piece in element.itertext():
        total += len(piece.strip())
        if total > limit:
            return True
    return False


def _remove_inserts(tree: Any) -> None:
    """Remove "Baca juga: <a>…</a>"-style inserts from the HTML, before extraction: a short block
    that starts with one, or a short inline element that does (with the link after it)."""
    found = []
    for element in tree.iter():
        if isinstance(element.tag, str) and element.text and _INSERT_START.match(element.text):
            found.append(element)
    for element in found:
        if element.getparent() is None:
            continue
        target = element
        while True:  # climb while the insert is all of the parent
            parent = target.getparent()
            if parent is None or parent.tag in _CONTAINERS or _text_length_over(parent, 300):
                break
            if not _INSERT_START.match(parent.text_content()):
                break
            target = parent
        if target.tag not in _INLINE_TAGS and _text_length_over(target, 300):
            continue
        # An insert links its article, or says "Baca juga:"; "Lihat juga bagaimana …" is body text.
        if target.tag != "a" and target.find(".//a") is None and not _INSERT_COLON.match(element.text):
            continue
        if target.tag in _INLINE_TAGS:
            following = target.getnext()
            marker_only = len(_collapse(target.text_content())) <= 25
            if marker_only and following is not None and following.tag == "a" and not (target.tail or "").strip():
                following.drop_tree()
        target.drop_tree()


def _blocks(body: Any) -> Iterator[str]:
    """The paragraphs of trafilatura's body: each block element one, list items and table rows
    one each, line breaks splitting a block."""
    if body.text and body.text.strip():
        yield _collapse(body.text)
    for child in body:
        if child.tag == "list":
            for item in child.iter("item"):
                yield from _lines(item)
        elif child.tag == "table":
            for row in child.iter("row"):
                cells = [_collapse(" ".join(cell.itertext())) for cell in row.iter("cell")]
                yield " | ".join(cell for cell in cells if cell)
        else:
            yield from _lines(child)
        if child.tail and child.tail.strip():
            yield _collapse(child.tail)


def _lines(element: Any) -> Iterator[str]:
    pieces: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if node.tag == "lb":
                yield _collapse("".join(pieces))
                pieces = []
            elif node.text:
                pieces.append(node.text)
        elif node is not element:
            if node.tag in ("item", "p", "head", "quote", "cell"):
                pieces.append(" ")
            if node.tail:
                pieces.append(node.tail)
    yield _collapse("".join(pieces))


# --- paywalls ------------------------------------------------------------------------------------

_PAYWALL_TEXT = re.compile(
    r"berlangganan untuk membaca|khusus (?:untuk )?pelanggan|artikel eksklusif|konten premium|"
    r"subscribe to (?:read|continue)|for subscribers only|subscriber[- ]only",
    re.IGNORECASE,
)


def _free(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _paywall(tree: Any, article: dict[str, Any]) -> str:
    """Why the page looks paywalled, or ""."""
    if _free(article.get("isAccessibleForFree")) is False:
        return "the page marks the article as not free to read"
    part = article.get("hasPart")
    for item in part if isinstance(part, list) else [part]:
        if isinstance(item, dict) and _free(item.get("isAccessibleForFree")) is False:
            return "the page marks part of the article as not free to read"
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        marker = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if "paywall" in marker or "premium-lock" in marker:
            return "the page shows a paywall"
        said = _PAYWALL_TEXT.search(element.text) if element.text else None
        if said:
            return f'the page says "{said.group(0)}"'
    return ""


# --- reading a page --------------------------------------------------------------------------------


def read_page(html: str | bytes, url: str = "") -> Page:
    """The article of one page's HTML (``bytes`` are decoded by :func:`decode_html`); raises
    :class:`NotAnArticle` with a one-line reason."""
    where = url or "the page"
    if isinstance(html, bytes):
        html = decode_html(html)
    if not html.strip():
        raise NotAnArticle(f"{where}: not an article: the page is empty")
    source = _hide_controls(html)
    try:
        tree = trafilatura.load_html(source)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise NotAnArticle(f"{where}: not an article: the HTML cannot be read ({_one_line(exc)})") from None
    if tree is None:
        raise NotAnArticle(f"{where}: not an article: the HTML cannot be read")

    article, by_id = _json_ld(tree)
    meta = _meta(tree)
    base = url or ""
    canonical = ""
    for link in tree.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            break
    canonical = (
        canonical or meta.get("og:url", "") or _url_of(article.get("url")) or _url_of(article.get("mainEntityOfPage"))
    )
    if canonical:
        try:
            canonical = _without_fragment(urljoin(base, canonical))
        except ValueError:
            canonical = ""
    host = _host(url or canonical)
    publisher = _resolve(article.get("publisher"), by_id)
    site = (
        meta.get("og:site_name", "") or (_text_of(publisher.get("name")) if isinstance(publisher, dict) else "") or host
    )
    title_element = tree.find(".//title")
    raw_title = (
        _text_of(article.get("headline"))
        or meta.get("og:title", "")
        or meta.get("twitter:title", "")
        or (_collapse(title_element.text_content()) if title_element is not None else "")
    )
    title = strip_site_suffix(raw_title, site, host)
    authors = _names(article.get("author"), by_id) if article.get("author") else []
    if not authors:
        for key in _AUTHOR_META:
            value = meta.get(key, "")
            if value and not value.startswith(("http://", "https://")):
                authors = [_collapse(value)]
                break
    published = iso_date(_text_of(article.get("datePublished")))
    for key in _DATE_META:
        if published:
            break
        published = iso_date(meta.get(key, ""))
    next_pages, single_page = _further_pages(tree, base or canonical)
    paywall = _paywall(tree, article)

    _remove_inserts(tree)
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise NotAnArticle(
            f"{where}: not read: too complex a page ({elements:,} HTML elements; at most {MAX_ELEMENTS:,})"
        )
    tree = _uncrowded(tree)
    paragraphs = _extract(tree, url)
    paragraphs = clean_paragraphs(paragraphs, title)
    prose = sum(len(p) for p in paragraphs if len(p) >= _PROSE_PARAGRAPH)
    text = "\n\n".join(paragraphs)
    if paywall and len(text) < TEASER_CHARS:
        raise NotAnArticle(f"{where}: only a paywall teaser ({paywall})")
    if prose < MIN_PROSE_CHARS:
        raise NotAnArticle(f"{where}: not an article: no main text found")
    if not published:
        published = _htmldate(html, url)
    return Page(
        text=_show_controls(text),
        title=_show_controls(title),
        url=url,
        canonical=canonical,
        site=_show_controls(site),
        author=_show_controls(", ".join(authors)),
        published=published,
        next_pages=next_pages,
        single_page=single_page,
    )


_CROWD = 200
"""A block with more children than this is no paragraph a person wrote (a real one has a few
links and some bold): its inline elements are unwrapped to plain text before extraction."""


def _uncrowded(tree: Any) -> Any:
    """``tree`` with the inline elements of crowded blocks unwrapped. trafilatura's time grows with
    the square of a block's elements (one paragraph of 20,000 ``<b>`` took 12 s, of 20,000 links
    32 s); unwrapped and parsed again (lxml keeps the unwrapped text in pieces, which costs the
    same), such a block takes milliseconds. A tree with no crowded block is returned as it is."""
    crowded = [element for element in tree.iter() if len(element) > _CROWD]
    if not crowded:
        return tree
    for element in crowded:
        etree.strip_tags(element, *_INLINE, "a")
        if element.tag == "tr":  # a row of thousands of cells: one cell of text (trafilatura
            etree.strip_tags(element, "td", "th")  # walks a row's cells once per cell)
    parsed = trafilatura.load_html(etree.tostring(tree, encoding=str))
    return parsed if parsed is not None else tree


_INLINE = (
    "b", "strong", "i", "em", "u", "span", "font", "small", "big", "mark", "abbr", "sup", "sub", "cite", "s",
    "strike", "ins", "del", "time", "q", "dfn", "kbd", "var", "samp", "bdi", "bdo", "nobr", "tt",
)  # fmt: skip
MAX_ELEMENTS = 100_000
"""The most HTML elements a page may have to be read (a news page has 1,000 to 5,000): past it,
a one-line refusal rather than minutes of work."""


def _extract(tree: Any, url: str) -> list[str]:
    """trafilatura's body, as paragraphs; a second, less strict try when the first finds none."""
    for precision in (True, False):
        try:
            document = trafilatura.bare_extraction(
                tree,
                url=url or None,
                favor_precision=precision,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=False,
                with_metadata=False,
            )
        except (ValueError, TypeError, AttributeError, etree.LxmlError):
            document = None
        body = getattr(document, "body", None)
        if body is not None:
            found = [p for p in _blocks(body) if p]
            if found:
                return found
    return []


_DATE_SEARCH_CHARS = 1 << 20  # htmldate reads the page again: its first megabyte holds the date if any does


def _htmldate(html: str, url: str) -> str:
    try:
        found = htmldate.find_date(
            html[:_DATE_SEARCH_CHARS], url=url or None, original_date=True, extensive_search=True
        )
    except (ValueError, TypeError, etree.LxmlError):
        return ""
    return iso_date(found) if isinstance(found, str) else ""


def _one_line(exc: BaseException) -> str:
    return _collapse(str(exc))[:200] or type(exc).__name__


# --- joining pages ---------------------------------------------------------------------------------


def join_pages(
    first: Page,
    fetch: Callable[[str], str],
    *,
    max_pages: int = 10,
    cancelled: Callable[[], bool] = lambda: False,
) -> Page:
    """``first`` with the article's further pages joined to its text.

    The single-page view, when the first page links one, is fetched instead of the pages (its
    ``pages`` counts the pages the first page links, at least 2). Otherwise the further pages are
    followed, each one's own further pages queued after, up to ``max_pages`` pages in all: an
    already seen URL is skipped (a loop ends), a paragraph already read is dropped (the pages'
    overlap). ``fetch(url)`` gives a page's HTML or raises ``FetchError``; a page that fails
    (fetch or read) ends the joining and keeps what was joined, its reason in ``warnings``.
    ``cancelled()`` is asked before each fetch.
    """
    warnings = list(first.warnings)
    if first.single_page and max_pages > 1 and not cancelled():
        try:
            whole = read_page(fetch(first.single_page), first.single_page)
        except (FetchError, ArticleError) as exc:
            warnings.append(f"the single-page view could not be read: {_one_line(exc)}")
        else:
            if len(whole.text) > len(first.text):
                return replace(
                    first,
                    text=whole.text,
                    next_pages=(),
                    pages=max(2, len(first.next_pages) + 1),
                    warnings=tuple(warnings),
                )
            warnings.append("the single-page view was no longer than the first page; followed the pages instead")
    seen = {_visit_key(u) for u in (first.url, first.canonical) if u}
    paragraphs = first.text.split("\n\n")
    known = {_squash(p) for p in paragraphs}
    queue = list(first.next_pages)
    pages = 1
    while queue and not cancelled():
        url = queue.pop(0)
        key = _visit_key(url)
        if key in seen:
            continue
        if pages >= max_pages:
            warnings.append(f"stopped after {max_pages} pages (the limit); the article may go on")
            break
        seen.add(key)
        try:
            page = read_page(fetch(url), url)
        except (FetchError, ArticleError) as exc:
            warnings.append(f"page {pages + 1} could not be read: {_one_line(exc)}")
            break
        pages += 1
        for paragraph in page.text.split("\n\n"):
            squashed = _squash(paragraph)
            if squashed and squashed not in known:
                known.add(squashed)
                paragraphs.append(paragraph)
        queue.extend(u for u in page.next_pages if _visit_key(u) not in seen and u not in queue)
    return replace(first, text="\n\n".join(paragraphs), pages=pages, warnings=tuple(warnings))


def _visit_key(url: str) -> tuple[str, str, str, str] | str:
    key = _page_key(url)
    if key is None:
        return url
    return key[:3] + ((key[3] if key[3] not in ("", "1") else "1"),)


# --- to an Article ------------------------------------------------------------------------------------


def article_from_page(page: Page, path: Path | None = None) -> Article:
    """An :class:`~tui.core.document.Article` of ``page``: its text, title and paragraphs, and a
    :class:`~tui.core.document.WebSource` with its metadata (the URL without its fragment)."""
    url = _without_fragment(page.url) if page.url else page.canonical
    return Article(
        text=page.text,
        title=page.title or page.site or url or "Untitled",
        path=path,
        paragraphs=tuple(paragraph_spans(page.text)),
        web=WebSource(
            url=url,
            canonical=page.canonical,
            site=page.site,
            author=page.author,
            published=page.published,
            pages=page.pages,
        ),
    )


def page_title(head: bytes) -> str:
    """The title of a saved page from its first bytes (its ``<head>``): OpenGraph's, else
    ``<title>``, without the site's suffix; "" when there is none. For listing many pages fast:
    no extraction."""
    try:
        tree = trafilatura.load_html(_hide_controls(decode_html(head)))
    except (ValueError, TypeError, etree.LxmlError):
        return ""
    if tree is None:
        return ""
    meta = _meta(tree)
    title = meta.get("og:title") or meta.get("twitter:title") or _collapse(tree.findtext(".//title") or "")
    return _show_controls(strip_site_suffix(_collapse(title), meta.get("og:site_name", "")))
