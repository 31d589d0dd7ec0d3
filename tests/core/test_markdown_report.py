"""The Markdown report parsed as renderers parse it (markdown-it-py: CommonMark, and ``gfm-like``
with GitHub's tables and strikethrough and link detection on): whatever a title, label, quote,
note or tag holds, it forges no heading, list, quote, code block, table, rule, HTML, link or
emphasis, and reads back as the characters it is (control characters as their symbols, every line
end a line break in a note and a space in a one-line field)."""

from __future__ import annotations

import io
import re

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tui.core.annotations import DocumentRef, make_annotation
from tui.core.document import inert_lines
from tui.core.formats import document_item
from tui.core.formats.tabular import write_markdown

HOSTILE = [
    "Judul palsu\r===",
    "Setext\n---",
    "# judul",
    "###### judul enam",
    "- satu\n* dua\n+ tiga",
    "1. satu\n2) dua\n10. sepuluh",
    "> kutipan\n>> bersarang",
    "    kode berindentasi\n\tkode tab",
    "```python\nimport os\n```",
    "~~~\npagar tilde\n~~~",
    "<div>html blok</div>",
    "<!-- komentar -->",
    "<script>alert(1)</script> <b>tebal</b>",
    "<?php echo 1; ?>",
    "[tautan](http://contoh.example/x) dan ![gambar](x.png)",
    "[ref]: http://contoh.example/ref\n[ref]",
    "<http://contoh.example/otomatis> <nama@contoh.id>",
    "lihat https://contoh.example/jahat_(a) dan www.contoh.example, juga ftp://contoh.example/x",
    "surel nama@contoh.co.id atau mailto:a@contoh.id",
    "situs kompas.com, jakarta.go.id/berita dan //contoh.com/x",
    "a | b\n--- | ---\n1 | 2",
    "|kolom|\n|-|",
    "~~coret~~ dan ~satu~",
    "**tebal** __tebal__ *miring* _miring_ ***keduanya***",
    "`kode` ``dua `kode` `` dan ` tunggal",
    "&amp; &#65; &copy; &nbsp; &",
    "\\*bukan miring\\* \\\\ garis miring",
    "---",
    "***",
    "___",
    "= = =",
    "- [ ] tugas\n- [x] selesai",
    "istilah\n: definisi",
    "catatan kaki[^1]\n\n[^1]: isi",
    "$$x^2$$ dan $y$",
    "baris\u2028dua\u2029tiga\x85empat\x0blima\x0cenam\r\ntujuh",
    "paragraf satu\n\n\n# paragraf dua",
    "escape \x1b]52;c;aGVsbG8=\x07 judul \x1b]0;pwned\x07 \x1b[31mmerah \x9b1m \x00\x7f \u202eabc",
    "non-BMP 𝕏 🇮🇩 😀 𠀀",
    "tab\tdi\ttengah  dan  spasi",
    "+62 812 3456",
    "=SUM(A1)",
    "12345. bukan daftar",
    "trailing backslash \\",
    "  spasi depan dan belakang  ",
    "[bold]x[/] [@click=app.quit]y[/]",
    "`https://contoh.example/dalam-kode`",
    "x`y`contoh.com`",
]
# Block tokens a report writes itself: the title, the summary list, each annotation's heading, quote and paragraphs.
OWN_BLOCKS = {"heading", "bullet_list", "list_item", "paragraph", "blockquote"}
INLINE_TEXT = {"text", "hardbreak", "softbreak", "code_inline"}
LINE_END = re.compile("\r\n|[\r\n\v\f\x85\u2028\u2029]")
PARSERS = {"commonmark": MarkdownIt("commonmark"), "gfm-like (linkify)": MarkdownIt("gfm-like")}


def one_line(text: str) -> str:
    """A title, label or tag as the report must show it: one line, control characters as symbols."""
    return inert_lines(LINE_END.sub(" ", text).strip())


def paragraphs(text: str) -> list[str]:
    """A note or quote as the report must show it: its paragraphs, each line as a line."""
    text = LINE_END.sub("\n", text)
    blocks = [p for p in re.split(r"\n[ \t]*\n", text.strip("\n")) if p.strip()]
    return ["\n".join(inert_lines(line.strip()) for line in p.split("\n") if line.strip()) for p in blocks]


def plain(inline: Token) -> str:
    """The characters an inline token shows: text and code as they are, a line break as ``\\n``."""
    pieces = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type in ("hardbreak", "softbreak"):
            pieces.append("\n")
    return "".join(pieces)


def report_of(hostile: str, other: str) -> tuple[str, list[str], str, list[str], list[str]]:
    """A document titled ``hostile`` with one entity annotation over ``hostile`` in its text,
    labelled, noted and tagged with it: its report, and what each part must read as."""
    text = f"Awal berita.\n{hostile}\nAkhir berita."
    start = text.index(hostile)
    doc = DocumentRef(DocumentRef.for_text(text).sha256, "berita.txt", hostile)
    ann = make_annotation(
        text,
        start,
        start + len(hostile),
        "entity-add",
        document=doc,
        label=hostile,
        note=hostile,
        tags=[hostile, other],
    )
    out = io.StringIO()
    write_markdown([document_item(text, doc, [ann])], out)
    tags = [one_line(t) for t in ann.tags]
    return out.getvalue(), paragraphs(ann.quote.exact), one_line(hostile), paragraphs(hostile), tags


@pytest.mark.parametrize("parser", PARSERS)
def test_no_untrusted_text_becomes_markup(parser: str) -> None:
    md = PARSERS[parser]
    checked = 0
    for n, hostile in enumerate(HOSTILE):
        report, quote, line, note, tags = report_of(hostile, HOSTILE[(n + 1) % len(HOSTILE)])
        tokens = md.parse(report)
        blocks = [t for t in tokens if t.nesting == 1 or t.type in ("fence", "code_block", "html_block", "hr")]
        assert {t.type.removesuffix("_open") for t in blocks} <= OWN_BLOCKS, (hostile, report)
        # Exactly the report's own blocks: title, two summary items, one heading, the quote, the note.
        heading_levels = [t.tag for t in tokens if t.type == "heading_open"]
        assert heading_levels == ["h1", "h2"], (hostile, report)
        assert sum(t.type == "bullet_list_open" for t in tokens) == 1
        assert sum(t.type == "list_item_open" for t in tokens) == 2
        assert sum(t.type == "blockquote_open" for t in tokens) == 1
        inlines = [t for t in tokens if t.type == "inline"]
        title, source, summary, head, *body = inlines
        assert plain(title) == line, (hostile, report)
        assert (source.content, summary.content) == ("Source: berita.txt", "1 annotation")
        assert plain(head).startswith("1. Entity added: " + line + " · characters "), (hostile, report)
        *paras, tag_line = body
        assert [plain(p) for p in paras] == quote + note, (hostile, report)
        for inline in (title, head, *paras):
            kinds = {c.type for c in inline.children or []}
            assert kinds <= INLINE_TEXT, (hostile, kinds, report)
        # The tags line: "Tags: " then each tag emphasised, nothing else but text.
        children = tag_line.children or []
        assert {c.type for c in children} <= INLINE_TEXT | {"em_open", "em_close"}, (hostile, report)
        emphasised, inside = [], None
        for child in children:
            if child.type == "em_open":
                inside = []
            elif child.type == "em_close":
                emphasised.append("".join(inside))
                inside = None
            elif inside is not None:
                inside.append(child.content)
        assert emphasised == tags, (hostile, report)
        html = md.render(report)
        assert not re.search(r"<(a|img|script|b|div|table|del|s|strong|code class|pre|hr)\b", html), (hostile, html)
        checked += 5  # title, label, quote, note, tag
    assert checked == 5 * len(HOSTILE)
