"""``sorot extract --format displacy`` and ``--format html`` (issue 16, item 10): the data is what
spaCy's ``displacy.render(..., manual=True)`` takes, and the page, read by a real HTML parser
(lxml), marks every entity and lists every fact while nothing in a hostile article becomes markup."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import lxml.html
import pytest
from spacy import displacy

from tui.core.document import inert
from tui.core.entities import LABEL_COLOURS, LABEL_TINT, OTHER_COLOUR, Entity
from tui.core.fact_rows import fact_row, sections
from tui.core.facts import extract_facts
from tui.core.formats.displacy import _pieces, displacy_colours, write_displacy_json, write_displacy_page

HOSTILE_TITLE = '</title><script>alert("t")</script> {{title}} \x1b]0;HACKED\x07 \u202egnp.exe'
# Every line holds something a page or a terminal could take for its own: tags that close displaCy's
# marks, a script, quotes of both kinds, format braces, escape sequences, a bidi override, and
# characters outside the BMP (which count one each in Python's offsets, two in JavaScript's).
HOSTILE_LINES = [
    'Presiden <script>alert("x")</script> Budi Santoso</mark><img src=x onerror=alert(1)> tiba di Jakarta.',
    "Menurut {{label}} dan {0} serta 'kutipan' &amp; &lt;b&gt;, \x1b]0;HACKED\x07 Siti Aminah mengatakan \"aman\".",
    "Perusahaan 𝕏 Corp 😀 membayar Rp 5 miliar di Surabaya\u202e pada 2 Desember 2025.",
    "</div></figure></main><aside>palsu</aside><!-- komentar --> <![CDATA[ x ]]> selesai.",
]
HOSTILE_TEXT = "\n".join(HOSTILE_LINES)


def entity(text: str, part: str, label: str, occurrence: int = 0) -> Entity:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Entity(start, start + len(part), label, part)


def hostile_entities(text: str = HOSTILE_TEXT) -> list[Entity]:
    return [
        entity(text, '<script>alert("x")</script> Budi Santoso</mark>', "PERSON"),
        entity(text, "Jakarta", "LOC"),
        entity(text, "{{label}}", "ORG"),
        entity(text, "\x1b]0;HACKED\x07 Siti Aminah", "PERSON"),
        entity(text, "𝕏 Corp 😀", "ORG"),
        entity(text, "Rp 5 miliar", "MONEY"),
        entity(text, "Surabaya\u202e", "LOC"),
        entity(text, "2 Desember 2025", "DATE"),
        entity(text, "</div></figure></main><aside>palsu</aside>", "EVENT"),
        entity(text, "selesai", '<b class="x">LABEL</b>'),  # another pipeline's label is untrusted too
    ]


def page(text: str, entities: list[Entity], title: str | None = HOSTILE_TITLE, **options) -> str:
    out = io.StringIO()
    facts = extract_facts(text, entities)
    write_displacy_page(out, text, entities, facts, title=title, language="id", **options)
    return out.getvalue()


def marks(root) -> list[tuple[str, str]]:
    """``(text, label)`` of every entity mark, as a browser shows them (whitespace collapsed)."""
    found = []
    for mark in root.iter("mark"):
        spans = mark.findall("span")
        assert len(spans) == 1, lxml.html.tostring(mark)
        label = spans[0].text_content()
        shown = (mark.text or "").strip()
        found.append((" ".join(shown.split()), label))
    return found


def shown_text(root) -> str:
    """The text of the article's marked-up divisions, the labels left out, without whitespace (displaCy
    puts some around each mark)."""
    shown = []
    for division in root.find_class("entities"):
        division = lxml.html.fromstring(lxml.html.tostring(division))  # a copy, to take the labels out
        for label in division.xpath(".//mark/span"):
            label.drop_tree()
        shown.append("".join(division.text_content().split()))
    return "".join(shown)


def expected_marks(text: str, entities: list[Entity]) -> list[tuple[str, str]]:
    return [(" ".join(inert(text[e.start : e.end]).split()), e.label) for e in entities]


ALLOWED = {"html", "head", "meta", "title", "style", "body", "div", "main", "figure", "h2", "h3", "mark", "span"}
ALLOWED |= {"br", "aside", "section", "ul", "li", "strong", "em", "p", "footer"}


def test_every_entity_is_a_mark_with_its_text_and_label_and_nothing_of_the_article_is_markup() -> None:
    entities = hostile_entities()
    written = page(HOSTILE_TEXT, entities)
    root = lxml.html.document_fromstring(written)
    assert marks(root) == expected_marks(HOSTILE_TEXT, entities)
    assert {element.tag for element in root.iter() if isinstance(element.tag, str)} <= ALLOWED
    assert not root.xpath("//script | //img | //iframe | //object | //link | //a | //base | //form")
    assert not root.xpath("//comment()")
    assert len(root.xpath("//aside")) == 1  # the facts', not the article's
    assert [a for e in root.iter() for a in e.attrib if a.startswith("on") or a in ("src", "href", "srcset")] == []
    # The article's words are all there, as text, and nothing else: the figure shows the article.
    assert shown_text(root) == "".join(inert(HOSTILE_TEXT).split())
    assert root.xpath("//mark/span/text()")[-1] == '<b class="x">LABEL</b>'


def test_the_page_has_no_control_character_and_its_title_is_text() -> None:
    written = page(HOSTILE_TEXT, hostile_entities())
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", written)
    root = lxml.html.document_fromstring(written)
    assert root.findtext(".//title") == inert(HOSTILE_TITLE)
    assert root.find(".//figure/h2").text_content() == inert(HOSTILE_TITLE)
    assert "␛]0;HACKED␇" in root.find(".//main").text_content()


def test_the_page_loads_nothing_and_runs_nothing() -> None:
    written = page(HOSTILE_TEXT, hostile_entities())
    root = lxml.html.document_fromstring(written)
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy and "default-src 'none'" in policy[0] and "script-src" not in policy[0]
    assert root.xpath("//meta/@charset") == ["utf-8"]
    assert "http://" not in written and "https://" not in written and "url(" not in written and "@import" not in written


def test_the_facts_section_lists_the_facts_as_the_reader_groups_them() -> None:
    entities = hostile_entities()
    facts = extract_facts(HOSTILE_TEXT, entities)
    assert facts.entities and facts.claims, "the hostile article has entity facts and a claim"
    root = lxml.html.document_fromstring(page(HOSTILE_TEXT, entities))
    aside = root.find(".//aside")
    for kind, title, items in sections(facts):
        section = aside.find_class(f"facts-{kind}")
        assert len(section) == 1
        assert section[0].findtext("h3") == f"{title} ({len(items)})"
        rows = [" ".join(li.text_content().split()) for li in section[0].iter("li")]
        assert rows == [" ".join("".join(text for text, _role in fact_row(f)).split()) for f in items]
    names = [li.find("strong").text_content() for li in aside.find_class("facts-entity")[0].iter("li")]
    assert any("</mark>" in name for name in names)


def test_a_page_without_facts_says_so() -> None:
    root = lxml.html.document_fromstring(page("Tidak ada apa-apa di sini.", []))
    assert "no facts found" in root.find(".//aside").text_content()
    assert root.find(".//figure/div[@class='entities']").text_content().strip() == "Tidak ada apa-apa di sini."


def test_the_displacy_data_is_what_displacy_renders_with_the_same_entities() -> None:
    entities = hostile_entities()
    out = io.StringIO()
    write_displacy_json(out, HOSTILE_TEXT, entities, title=HOSTILE_TITLE, language="id")
    data = json.loads(out.getvalue())
    assert set(data) == {"text", "ents", "title", "settings"}
    assert data["text"] == HOSTILE_TEXT
    assert [(e["start"], e["end"]) for e in data["ents"]] == [(e.start, e.end) for e in entities]
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out.getvalue())  # escaped in the JSON
    rendered = displacy.render(data, style="ent", manual=True, jupyter=False)
    root = lxml.html.fragment_fromstring(rendered, create_parent="div")
    assert not root.xpath(".//script | .//img | .//aside")
    assert root.find(".//h2").text_content() == HOSTILE_TITLE  # displaCy inserts the title as HTML
    rendered_marks = [(" ".join((m.text or "").split()), m.find("span").text_content()) for m in root.iter("mark")]
    assert rendered_marks == [(" ".join(e.text.split()), e.label) for e in entities]
    # The page shows the same marks (its control characters made visible).
    page_marks = marks(lxml.html.document_fromstring(page(HOSTILE_TEXT, entities)))
    assert page_marks == [(inert(text), label) for text, label in rendered_marks]


def test_no_title_and_no_entities() -> None:
    out = io.StringIO()
    write_displacy_json(out, "Halo.", [], title=None, language="id")
    data = json.loads(out.getvalue())
    assert data == {"text": "Halo.", "ents": [], "title": None, "settings": {"lang": "id", "direction": "ltr"}}
    assert "<mark" not in displacy.render(data, style="ent", manual=True, jupyter=False)


def test_overlapping_or_outlying_entities_are_refused() -> None:
    text = "Budi Santoso di Jakarta."
    for bad in ([Entity(0, 12, "PERSON", "Budi Santoso"), Entity(5, 12, "PERSON", "Santoso")],
                [Entity(16, 40, "LOC", "Jakarta.")]):  # fmt: skip
        with pytest.raises(ValueError, match="overlaps another or lies outside"):
            write_displacy_json(io.StringIO(), text, bad, title=None, language="id")


def test_a_long_article_is_marked_up_piece_by_piece_with_the_same_marks() -> None:
    lines = [f"Baris {i}: Budi Santoso bertemu Siti di Jakarta pada tahun {2000 + i}." for i in range(60)]
    text = "\n".join(lines)
    entities = [entity(text, "Budi Santoso", "PERSON", i) for i in range(60)]
    entities += [entity(text, "Jakarta", "LOC", i) for i in range(60)]
    # One entity spans a line break: no piece may end inside it.
    entities.append(
        Entity(text.index("\n") - 5, text.index("\n") + 6, "EVENT", text[text.index("\n") - 5 : text.index("\n") + 6])
    )
    entities.sort()
    whole = lxml.html.document_fromstring(page(text, entities, piece_chars=10_000_000))
    pieces = lxml.html.document_fromstring(page(text, entities, piece_chars=200))
    assert len(pieces.find_class("entities")) > 10
    assert marks(pieces) == marks(whole) == expected_marks(text, entities)
    assert shown_text(pieces) == shown_text(whole) == "".join(text.split())


@pytest.mark.parametrize("size", [1, 7, 50, 1000])
def test_pieces_cover_the_text_and_never_cut_an_entity(size: int) -> None:
    text = "satu dua\ntiga\n\nempat lima enam\ntujuh\n"
    entities = [Entity(5, 13, "X", text[5:13]), Entity(16, 21, "Y", "empat"), Entity(32, 37, "Z", "tujuh")]
    pieces = list(_pieces(text, entities, size))
    assert "\n".join(text[start:end] for start, end, _ in pieces) == text
    assert [e for _, _, here in pieces for e in here] == entities
    for start, end, here in pieces:
        assert all(start <= e.start and e.end <= end for e in here)


def test_the_colours_are_the_readers() -> None:
    from tui.ui.palette import label_colours

    # (tests/ui/test_colour_depths.py checks the reader draws each label with these colours)
    truecolor = label_colours("truecolor")
    assert truecolor.pop("OTHER") == (f"{OTHER_COLOUR} {int(LABEL_TINT * 100)}%", None)
    assert truecolor == {label: (f"{colour} {int(LABEL_TINT * 100)}%", None) for label, colour in LABEL_COLOURS.items()}
    colours = displacy_colours({"PERSON", "CUSTOM"})
    assert colours["PERSON"] == "rgba(68, 136, 238, 0.45)"
    assert colours["CUSTOM"] == "rgba(68, 102, 119, 0.45)"


# --- the command ---------------------------------------------------------------------------------


def test_extract_writes_the_page_and_the_data_of_one_article(sorot, tmp_path: Path) -> None:
    path = tmp_path / "berita.txt"
    path.write_text(
        "Presiden Joko Widodo tiba di Surabaya pada 2 Desember 2025.\n"
        '<script>alert(1)</script> Menurut Budi Santoso, "kunjungan itu penting".\n',
        encoding="utf-8",
    )
    result = sorot("extract", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert sorot("extract", path, "--json").stdout == result.stdout
    extracted = json.loads(result.stdout)
    assert extracted["entities"], "the pipeline finds entities in the article"

    html_page = sorot("extract", path, "--format", "html")
    assert html_page.returncode == 0, html_page.stderr
    root = lxml.html.document_fromstring(html_page.stdout)
    assert marks(root) == [(e["text"], e["label"]) for e in extracted["entities"]]
    assert not root.xpath("//script")
    assert len(root.find(".//aside").findall(".//li")) == len(extracted["facts"])
    assert (
        root.findtext(".//title")
        == extracted["document"]["title"]
        == "Presiden Joko Widodo tiba di Surabaya pada 2 Desember 2025."
    )

    data = sorot("extract", path, "-f", "displacy")
    assert data.returncode == 0, data.stderr
    manual = json.loads(data.stdout)
    assert manual["text"] == path.read_text(encoding="utf-8")
    assert manual["ents"] == [{k: e[k] for k in ("start", "end", "label")} for e in extracted["entities"]]
    assert manual["title"] == extracted["document"]["title"] and manual["settings"]["lang"] == "id"


@pytest.mark.parametrize("fmt", ["html", "displacy"])
def test_extract_of_a_bad_path_is_one_line_and_a_failing_exit(sorot, tmp_path: Path, fmt: str) -> None:
    result = sorot("extract", tmp_path / "tidak\x1b[31mada.txt", "--format", fmt)
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no such file" in result.stderr and "\x1b" not in result.stderr


def test_json_and_another_format_is_a_usage_error(sorot, tmp_path: Path) -> None:
    result = sorot("extract", tmp_path / "berita.txt", "--json", "--format", "html")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--json and --format html" in result.stderr


def test_the_title_heads_the_text_unless_the_text_opens_with_it() -> None:
    text = "Banjir melanda Semarang\n\nWarga Genuk mengungsi.\n"
    opens = lxml.html.document_fromstring(page(text, [], title="Banjir melanda Semarang"))
    assert [h.text_content() for h in opens.iter("h2") if h.getparent().tag != "aside"] == []
    assert opens.findtext(".//title") == "Banjir melanda Semarang"
    other = lxml.html.document_fromstring(page(text, [], title="banjir"))
    assert [h.text_content().strip() for h in other.iter("h2") if h.getparent().tag != "aside"] == ["banjir"]
