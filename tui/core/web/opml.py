"""OPML: the subscription lists feed readers exchange (newsboat, Feedly, Inoreader...).

Import reads OPML 1.0 and 2.0 with defusedxml (no entity expansion, no external entities, no
DTD fetched): every ``outline`` with an ``xmlUrl`` is a feed, and the outlines around it are its
folder (nested ones joined with ``/``). Duplicates (the same normalised URL) are taken once, a
feed URL that is not http(s) is skipped, and a file past :data:`MAX_OPML_BYTES` or that is no
OPML is refused in one line. Export writes OPML 2.0 as newsboat and other readers do, grouped
by folder; importing an export gives the same feeds back.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from tui.core.store.subscriptions import Feed, normalise_url
from tui.core.web.urls import is_web_url

if TYPE_CHECKING:
    from tui.core.store import Store

MAX_OPML_BYTES = 8 << 20
"""The largest OPML file read (a list of a thousand feeds is about 200 KB)."""
MAX_FEEDS = 50_000
MAX_DEPTH = 32
FOLDER_SEPARATOR = "/"
TITLE = "Sorot subscriptions"


class OpmlError(Exception):
    """An OPML file that cannot be read; the message is one line and names the file."""


@dataclass(frozen=True)
class OpmlFeeds:
    """What an OPML file holds: its feeds (each once), and how many outlines were skipped
    (a duplicate, or a feed URL that is not http(s))."""

    feeds: list[Feed] = field(default_factory=list)
    duplicates: int = 0
    invalid: int = 0


def _attribute(element: Any, name: str) -> str:
    """An attribute, whatever the case of its name (``xmlUrl``, ``xmlurl``, ``XMLURL``)."""
    value = element.get(name)
    if value is None:
        wanted = name.lower()
        for key, found in element.attrib.items():
            if isinstance(key, str) and key.lower() == wanted:
                value = found
                break
    return " ".join(value.split()) if isinstance(value, str) else ""


def parse_opml(content: bytes, name: str = "the OPML file") -> OpmlFeeds:
    """The feeds of an OPML document. Raises :class:`OpmlError` (one line, naming ``name``)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
    from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

    if len(content) > MAX_OPML_BYTES:
        raise OpmlError(f"{name} is larger than {MAX_OPML_BYTES >> 20} MB: not a list of feeds")
    try:
        root = fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise OpmlError(
            f"{name} is refused: it declares XML entities or external references ({type(exc).__name__})"
        ) from None
    except ParseError as exc:
        raise OpmlError(f"{name} is not valid XML ({' '.join(str(exc).split())})") from None
    except (ValueError, RecursionError) as exc:
        raise OpmlError(f"{name} is not valid XML ({type(exc).__name__})") from None
    tag = root.tag.rpartition("}")[2] if isinstance(root.tag, str) else ""
    if tag.lower() != "opml":
        raise OpmlError(f"{name} is not an OPML file (its root is <{tag or '?'}>, not <opml>)")
    body = next((child for child in root if isinstance(child.tag, str) and child.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError(f"{name} is not an OPML file (no <body>)")
    feeds: list[Feed] = []
    known: set[str] = set()
    duplicates = invalid = 0
    stack: list[tuple[Any, tuple[str, ...]]] = [(child, ()) for child in reversed(list(body))]
    while stack:
        element, folders = stack.pop()
        if not isinstance(element.tag, str) or element.tag.lower() != "outline":
            continue
        url = _attribute(element, "xmlUrl")
        label = _attribute(element, "title") or _attribute(element, "text")
        if url:
            if not is_web_url(url):
                invalid += 1
                continue
            normal = normalise_url(url)
            if normal in known:
                duplicates += 1
                continue
            if len(feeds) >= MAX_FEEDS:
                raise OpmlError(f"{name} lists more than {MAX_FEEDS:,} feeds: not read")
            known.add(normal)
            site = _attribute(element, "htmlUrl")
            feeds.append(
                Feed(
                    url=normal,
                    title=label if label not in (url, normal) else "",  # an export names an untitled feed by its URL
                    site=site if is_web_url(site) else "",
                    folder=FOLDER_SEPARATOR.join(folders),
                )
            )
            continue
        children = [child for child in element if isinstance(child.tag, str)]
        if children:  # deeper than MAX_DEPTH folders: the feeds are kept, in the deepest folder named
            inner = (*folders, label) if label and len(folders) < MAX_DEPTH else folders
            stack.extend((child, inner) for child in reversed(children))
    return OpmlFeeds(feeds, duplicates, invalid)


def read_opml(path: str | os.PathLike[str]) -> OpmlFeeds:
    """:func:`parse_opml` of a file, read only up to the size limit."""
    shown = str(path)
    try:
        with open(path, "rb") as handle:
            content = handle.read(MAX_OPML_BYTES + 1)
    except FileNotFoundError:
        raise OpmlError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise OpmlError(f"{shown} is a directory, not an OPML file") from None
    except OSError as exc:
        raise OpmlError(f"cannot read {shown}: {exc.strerror or exc}") from None
    return parse_opml(content, shown)


@dataclass(frozen=True)
class Imported:
    added: int
    already: int
    duplicates: int
    invalid: int


def import_opml(store: Store, path: str | os.PathLike[str]) -> Imported:
    """Subscribe to every feed of an OPML file (nothing fetched: titles as the file gives them,
    filled in by the first refresh). Returns how many were added and how many were there."""
    found = read_opml(path)
    added = already = 0
    for feed in found.feeds:
        if store.add_feed(feed):
            added += 1
        else:
            already += 1
    return Imported(added, already, found.duplicates, found.invalid)


_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def _clean(text: str) -> str:
    """Text XML 1.0 can hold (control characters other than tab and line breaks cannot be)."""
    return text.translate(_NOT_XML)


def _outline(feed: Feed, indent: str) -> str:
    title = _clean(feed.title or feed.url)
    attributes = [
        ("type", "rss"),
        ("text", title),
        ("title", title),
        ("xmlUrl", _clean(feed.url)),
    ]
    if feed.site:
        attributes.append(("htmlUrl", _clean(feed.site)))
    joined = " ".join(f"{name}={quoteattr(value)}" for name, value in attributes)
    return f"{indent}<outline {joined}/>\n"


def opml_text(feeds: Iterable[Feed], *, title: str = TITLE, now: datetime | None = None) -> str:
    """The subscriptions as an OPML 2.0 document: feeds without a folder first, then one
    outline per folder (in order of name), each holding its feeds."""
    moment = now or datetime.now(timezone.utc)
    loose: list[Feed] = []
    folders: dict[str, list[Feed]] = {}
    for feed in feeds:
        if feed.folder:
            folders.setdefault(feed.folder, []).append(feed)
        else:
            loose.append(feed)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<opml version="2.0">\n',
        "  <head>\n",
        f"    <title>{escape(_clean(title))}</title>\n",
        f"    <dateCreated>{format_datetime(moment.astimezone(timezone.utc))}</dateCreated>\n",
        "  </head>\n",
        "  <body>\n",
    ]
    lines += [_outline(feed, "    ") for feed in loose]
    for folder in sorted(folders, key=str.casefold):
        name = quoteattr(_clean(folder))
        lines.append(f"    <outline text={name} title={name}>\n")
        lines += [_outline(feed, "      ") for feed in folders[folder]]
        lines.append("    </outline>\n")
    lines += ["  </body>\n", "</opml>\n"]
    return "".join(lines)


def export_opml(store: Store) -> str:
    """Every subscription of ``store`` as OPML 2.0."""
    return opml_text(store.feeds())


def write_opml(text: str, path: Path) -> None:
    """Write an export to ``path`` in one step (a temporary file beside it, then a rename; a
    link is written through to the file it names), as the annotation exports are."""
    from tui.core.exchange import write_atomic

    write_atomic(Path(os.path.realpath(path)) if os.path.islink(path) else path, text.encode("utf-8"))
