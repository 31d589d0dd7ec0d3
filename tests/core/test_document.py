"""Opening files as articles: encodings, titles, paragraphs, and one-line errors for bad input."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from tui.core.document import (
    ArticleError,
    article_from_text,
    find_articles,
    inert,
    load_article,
    paragraph_spans,
    sample_article_path,
)

INDONESIAN = "Presiden Jokowi meresmikan jembatan di Surabaya pada Senin pagi.\nWarga menyambutnya."


def test_the_sample_article_is_bundled_unchanged(sample_path: Path) -> None:
    shared = Path(__file__).parents[3] / "shared" / "seeds" / sample_path.name
    article = load_article(sample_path)
    assert article.text == sample_path.read_text(encoding="utf-8")
    assert article.text.startswith("Presiden Rusia, Vladimir Putin")
    assert len(article.paragraphs) == 7
    if shared.exists():
        assert sample_path.read_bytes() == shared.read_bytes()


def test_sample_title_is_its_first_words_when_the_first_line_is_a_paragraph(sample_path: Path) -> None:
    assert load_article(sample_path).title == "Presiden Rusia, Vladimir Putin, melakukan panggilan telepon\u2026"


def test_a_short_first_line_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "berita.txt"
    path.write_text("Jembatan Baru Diresmikan\n\n" + INDONESIAN, encoding="utf-8")
    assert load_article(path).title == "Jembatan Baru Diresmikan"


def test_markdown_heading_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "berita.md"
    path.write_text("# Jembatan *Baru*\n\nIsi berita.\n", encoding="utf-8")
    assert load_article(path).title == "Jembatan *Baru*"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_utf_encodings_with_and_without_bom(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(bom + INDONESIAN.encode(encoding))
    article = load_article(path)
    assert article.text == INDONESIAN
    assert article.text[0] == "P"  # no BOM left in the text, so offsets start at the first letter


def test_legacy_encoding_is_detected(tmp_path: Path) -> None:
    text = ("Café di Jalan Braga menjual kopi «spesial» seharga Rp 25.000 — kata pemiliknya, Pak Dédé. " * 8).strip()
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252"))
    article = load_article(path)
    assert article.text == text
    assert article.encoding.replace("_", "").lower() in {"cp1252", "windows1252", "latin1", "iso88591"}


def test_crlf_line_ends_become_lf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Satu.\r\nDua.\r\n")
    article = load_article(path)
    assert article.text == "Satu.\nDua.\n"
    assert [article.text[a:b] for a, b in article.paragraphs] == ["Satu.", "Dua."]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "nope.txt", "no such file"),
        (lambda d: _write(d / "empty.txt", b""), "empty"),
        (lambda d: _write(d / "blank.txt", b"  \n\n "), "empty"),
        (lambda d: _write(d / "binary.txt", bytes(range(256)) * 4), "binary"),
        (lambda d: _write(d / "bad16.txt", codecs.BOM_UTF16_LE + b"\x00\xd8"), "not valid"),
        (lambda d: _write(d / "noise.txt", _noise()), "cannot decode"),
        (lambda d: d, "directory"),
    ],
)
def test_bad_input_gives_one_line_error(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(ArticleError) as error:
        load_article(make(tmp_path))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def _noise() -> bytes:
    rng = random.Random(1)
    return bytes(rng.randrange(0x80, 0x100) for _ in range(3000))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_blank_line_paragraphs_reflow_single_line_breaks() -> None:
    text = "Baris satu\nberlanjut di sini.\n\n# Judul\n- butir\n- butir dua\n\nAkhir."
    spans = [text[a:b] for a, b in paragraph_spans(text)]
    assert spans == ["Baris satu\nberlanjut di sini.", "# Judul", "- butir", "- butir dua", "Akhir."]


def test_control_characters_are_made_visible_one_for_one() -> None:
    hostile = "a\x1b[31mred\x07\x9b"
    shown = inert(hostile)
    assert len(shown) == len(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert shown.startswith("a␛[31mred")


def test_bidirectional_overrides_cannot_reorder_what_is_shown() -> None:
    hostile = "harga \u202e00.000.1 pR\u202c naik \u2066x\u2069"
    shown = inert(hostile)
    assert len(shown) == len(hostile)
    assert not any(ch in shown for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_find_articles_lists_txt_and_md_only(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "c.pdf", "d.TXT"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in find_articles(tmp_path)] == ["a.txt", "b.md", "d.TXT"]


def test_directory_without_articles_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(ArticleError, match="no articles"):
        find_articles(tmp_path)


def test_sha256_identifies_the_text() -> None:
    a = article_from_text("Sama.")
    assert a.sha256 == article_from_text("Sama.").sha256 != article_from_text("Beda.").sha256


def test_sample_path_points_at_a_file() -> None:
    assert sample_article_path().is_file()
