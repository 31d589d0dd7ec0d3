"""One article's entities for spaCy's displaCy: the data ``displacy.render(..., manual=True)`` takes
(``sorot extract --format displacy``) and a page displaCy renders, with the facts beside it
(``sorot extract --format html``), to share a highlighted article.

These are outputs of ``extract`` (the pipeline's entities of one article), not exports of saved
annotations, so they are not among :data:`tui.core.formats.FORMATS`.

Everything from the article (its text, title, the facts' words) is untrusted. displaCy escapes
the text it marks up (``spacy.util.escape_html``) but inserts a title, a label and the page's
``lang`` as they are, so those are given to it HTML-escaped, in the data too: rendered by
displaCy, the data makes no element of the article's. The page's text has its control
characters made inert, one character for one (as the reader shows them: ``␛``), so nothing in it
drives a terminal it is printed on, and bidirectional overrides cannot reorder what it shows. The
page around displaCy's markup is Sorot's: displaCy's own page template declares no character set
(a saved file's non-ASCII text would be read in the browser's guess), and this one also forbids
scripts and every remote resource (a Content-Security-Policy), uses the system's fonts and loads
nothing, so it works offline and tells no server that it was opened.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from tui import __version__
from tui.core.document import inert, inert_lines
from tui.core.entities import LABEL_COLOURS, LABEL_TINT, Entity, label_colour
from tui.core.fact_rows import fact_row, sections
from tui.core.formats.base import json_text

if TYPE_CHECKING:
    from tui.core.facts import Facts

PIECE_CHARS = 100_000
"""About how many characters of the article displaCy marks up at a time, so the page of a long
article is written as it is made (each piece ends at a line break outside every entity)."""

# Lone surrogates cannot be written as UTF-8; the page shows them as the replacement character
# (one for one: entity offsets still hold).
_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), 0xFFFD)


def _checked(text: str, entities: Iterable[Entity]) -> list[Entity]:
    """``entities`` in order; ``ValueError`` if they leave ``text`` or overlap (displaCy would then
    repeat or drop text)."""
    found = sorted(entities, key=lambda e: (e.start, e.end))
    end = 0
    for entity in found:
        if entity.start < end or entity.end < entity.start or entity.end > len(text):
            raise ValueError(f"entity {entity.start}-{entity.end} overlaps another or lies outside the text")
        end = entity.end
    return found


def _settings(language: str) -> dict[str, str]:
    return {"lang": html.escape(language), "direction": "ltr"}


def write_displacy_json(
    out: IO[str], text: str, entities: Iterable[Entity], *, title: str | None, language: str
) -> None:
    """``{"text", "ents": [{"start", "end", "label"}], "title", "settings"}``, the form
    ``displacy.render(data, style="ent", manual=True)`` takes, written one entity at a time.

    ``start``/``end`` index ``text`` (Python string indices, as in ``extract --json``); ``title`` and
    the labels are HTML-escaped, because displaCy inserts them into its markup as they are.
    """
    ents = _checked(text, entities)
    out.write('{\n  "text": ' + json_text(text) + ',\n  "ents": [')
    for i, entity in enumerate(ents):
        record = {"start": entity.start, "end": entity.end, "label": html.escape(entity.label)}
        out.write(("\n    " if i == 0 else ",\n    ") + json_text(record))
    out.write("\n  ]" if ents else "]")
    escaped_title = html.escape(title) if title else None
    out.write(f',\n  "title": {json_text(escaped_title)},\n  "settings": {json_text(_settings(language))}\n}}\n')


def displacy_colours(labels: Iterable[str]) -> dict[str, str]:
    """displaCy's ``options["colors"]``: Sorot's colour of every label (of ``labels`` too, which
    get the colour of other labels when Sorot has none), as a tint over the page's white."""

    def tint(colour: str) -> str:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return f"rgba({red}, {green}, {blue}, {LABEL_TINT})"

    every = dict.fromkeys((*LABEL_COLOURS, *labels))
    return {html.escape(label): tint(label_colour(label)) for label in every}


def _pieces(text: str, entities: Sequence[Entity], size: int) -> Iterator[tuple[int, int, list[Entity]]]:
    """``(start, end, entities)`` of consecutive pieces of ``text`` of about ``size`` characters,
    each ending at a line break that no entity spans (the break itself between two pieces)."""
    start, index = 0, 0
    while True:
        cut = len(text)
        if start + size < len(text):
            cut = text.rfind("\n", start, start + size)
            if cut <= start:
                cut = text.find("\n", start + size)
                cut = len(text) if cut < 0 else cut
        here: list[Entity] = []
        while index < len(entities) and entities[index].start < cut:
            entity = entities[index]
            if entity.end > cut:  # the break is inside this entity: the piece goes on after it
                found = text.find("\n", entity.end)
                cut = len(text) if found < 0 else found
            here.append(entity)
            index += 1
        yield start, cut, here
        if cut >= len(text):
            return
        start = cut + 1


_ROLES = {"strong": "<strong>{}</strong>", "dim": '<span class="dim">{}</span>', "em": "<em>{}</em>", "": "{}"}
"""Each role of a fact row's parts as markup (see :mod:`tui.core.fact_rows`); the part goes in escaped."""


def _escape(text: str) -> str:
    return html.escape(text.translate(_SURROGATES))


def _facts_html(facts: Facts) -> Iterator[str]:
    """The facts panel's sections, as HTML: a heading with the count, then a list of rows."""
    yield '<aside class="facts" aria-label="Facts">\n<h2>Facts</h2>\n'
    shown = 0
    for kind, title, items in sections(facts):
        yield f'<section class="facts-{kind}">\n<h3>{_escape(title)} ({len(items)})</h3>\n'
        if items:
            yield "<ul>\n"
            for fact in items:
                parts = (_ROLES[role].format(_escape(text)) for text, role in fact_row(fact))
                yield "<li>" + "".join(parts) + "</li>\n"
            yield "</ul>\n"
        yield "</section>\n"
        shown += len(items)
    if shown == 0:
        yield '<p class="dim">no facts found</p>\n'
    yield "</aside>\n"


_STYLE = """\
body { margin: 0; padding: 2rem; color: #111; background: #fff; direction: ltr;
  font-size: 16px; font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif; }
.page { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
.page > main { flex: 3 1 32rem; min-width: 0; }
.page > aside { flex: 1 1 18rem; min-width: 0; border-left: 1px solid #ddd; padding-left: 1.5rem; line-height: 1.5; }
aside ul { padding-left: 1.2rem; } aside li { margin-bottom: 0.3rem; }
.dim { color: #666; } footer { margin-top: 3rem; color: #666; font-size: 0.8em; }
"""
# No script runs and nothing is fetched, whatever the page holds: inline styles (displaCy's
# marks carry theirs) are all it may use.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def write_displacy_page(
    out: IO[str],
    text: str,
    entities: Iterable[Entity],
    facts: Facts,
    *,
    title: str | None,
    language: str,
    piece_chars: int = PIECE_CHARS,
) -> None:
    """A self-contained HTML page: ``text`` with ``entities`` marked up by ``displacy.render(...,
    style="ent", manual=True, options={"colors": ...})`` in Sorot's colours, under its ``title``,
    and ``facts`` beside it in the reader's sections. Written a piece of the article at a time."""
    from spacy import displacy  # spaCy itself, imported only for this page

    ents = _checked(text, entities)
    shown = inert_lines(text).translate(_SURROGATES)  # one for one: the offsets still hold
    heading = inert(title) if title else "Untitled"
    options: dict[str, Any] = {"colors": displacy_colours({e.label for e in ents})}
    # displaCy puts the title above the text as a heading: not when the text opens with it already.
    shown_title = None if title and shown.lstrip().startswith(heading) else _escape(heading)
    out.write(
        "<!DOCTYPE html>\n"
        f'<html lang="{_escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="Sorot {_escape(__version__)} and spaCy displaCy">\n'
        f"<title>{_escape(heading)}</title>\n<style>\n{_STYLE}</style>\n</head>\n"
        '<body>\n<div class="page">\n<main>\n<figure style="margin: 0">\n'
    )
    for start, end, here in _pieces(shown, ents, piece_chars):
        data = {
            "text": shown[start:end],
            "ents": [{"start": e.start - start, "end": e.end - start, "label": html.escape(e.label)} for e in here],
            "title": shown_title if start == 0 else None,
            "settings": _settings(language),
        }
        out.write(displacy.render(data, style="ent", manual=True, jupyter=False, options=options) + "\n")
    out.write("</figure>\n</main>\n")
    for chunk in _facts_html(facts):
        out.write(chunk)
    out.write(
        "</div>\n<footer>Entities and facts found by Sorot; marked up with spaCy's displaCy.</footer>\n"
        "</body>\n</html>\n"
    )
