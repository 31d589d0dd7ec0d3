"""Paragraphs are decided per stretch of text (between blank lines), so pasted news with a title,
hard-wrapped plain text and CRLF files all come out as the paragraphs a reader sees."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tui.core.document import article_from_text, first_words, heading_of, load_article, paragraph_spans, peek_title

NEWS = [
    "Solo (ANTARA News) - Menteri Dalam Negeri Tjahjo Kumolo mengapresiasi Kepolisian yang berhasil "
    "membongkar sindikat penyebar berita bohong di media sosial.",
    '"Jangan berhenti, harus diusut motivasinya apa," kata Tjahjo di Solo, Jawa Tengah, pada Kamis (24/8).',
    "Menurut dia, penyebar kebencian berbau SARA harus dihukum agar ada efek jera bagi pelaku lain. "
    "Polisi menangkap tiga tersangka di Jakarta, Pekanbaru dan Cianjur.",
    "Kepolisian menyebut kelompok itu menerima pesanan konten dengan tarif puluhan juta rupiah.",
    "(Tjahjo juga meminta masyarakat tidak mudah percaya pada kabar yang belum jelas sumbernya.)",
]


def paragraphs(text: str) -> list[str]:
    """The paragraphs' text with line breaks re-flowed, as the reader shows them."""
    return [" ".join(text[a:b].split()) for a, b in paragraph_spans(text)]


def test_a_title_a_blank_line_then_one_paragraph_a_line_gives_each_paragraph() -> None:
    text = "Mendagri Apresiasi Kepolisian Bongkar Soal Saracen\n\n" + "\n".join(NEWS) + "\n"
    assert paragraphs(text) == ["Mendagri Apresiasi Kepolisian Bongkar Soal Saracen", *NEWS]


def test_one_blank_line_added_to_the_sample_keeps_its_paragraphs(sample_path: Path) -> None:
    text = sample_path.read_text(encoding="utf-8")
    lines = text.strip().split("\n")
    assert len(paragraph_spans(text)) == len(lines) == 7
    assert paragraphs(text.replace("\n", "\n\n", 1)) == lines
    assert paragraphs(lines[0] + "\n" + "\n".join(lines[1:4]) + "\n\n" + "\n".join(lines[4:])) == lines


@pytest.mark.parametrize("columns", [40, 64, 72, 79])
@pytest.mark.parametrize("between", ["\n\n", "\n"])
def test_hard_wrapped_paragraphs_are_reflowed(columns: int, between: str) -> None:
    # Each paragraph's last line is left short, as a writer ends one: the next word would have fitted.
    wrapped = [textwrap.fill(paragraph, columns) for paragraph in NEWS]
    if between == "\n":
        wrapped = [w for w in wrapped if len(w.rsplit("\n", 1)[-1]) < columns - 12]
    text = between.join(wrapped)
    assert text.count("\n") > len(wrapped)  # really wrapped, a paragraph over several lines
    assert paragraphs(text) == [" ".join(w.split()) for w in wrapped]


def test_a_wrapped_line_that_happens_to_end_a_sentence_does_not_end_the_paragraph() -> None:
    text = (
        "Presiden Joko Widodo meresmikan jembatan baru di Surabaya, Jawa Timur.\n"
        "Warga yang datang sejak pagi menyambutnya dengan tarian dan rebana.\n"
        "Jembatan sepanjang 800 meter itu menghubungkan dua kecamatan yang\n"
        "selama ini hanya terhubung perahu.\n"
        "\n"
        "Gubernur mengatakan proyek itu selesai dua bulan lebih cepat.\n"
    )
    assert len(paragraph_spans(text)) == 2


def test_a_lowercase_line_goes_on_from_the_last_and_a_markdown_block_starts_one() -> None:
    text = "Harga cabai naik menjadi Rp 80.000.\nper kilogram di Pasar Minggu.\n- butir satu\n- butir dua"
    assert paragraphs(text) == [
        "Harga cabai naik menjadi Rp 80.000. per kilogram di Pasar Minggu.",
        "- butir satu",
        "- butir dua",
    ]


def test_a_heading_line_right_before_its_text_is_its_own_paragraph() -> None:
    assert paragraphs("Banjir Rob di Jakarta Utara\nWarga mengungsi ke masjid.\nAir surut sore hari.") == [
        "Banjir Rob di Jakarta Utara",
        "Warga mengungsi ke masjid.",
        "Air surut sore hari.",
    ]


def test_crlf_files_split_as_lf_files(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(("Judul Berita\r\n\r\n" + "\r\n".join(NEWS) + "\r\n").encode("utf-8"))
    article = load_article(path)
    assert [" ".join(article.text[a:b].split()) for a, b in article.paragraphs] == ["Judul Berita", *NEWS]


def test_a_title_is_made_of_the_first_words_cut_at_a_word() -> None:
    article = article_from_text("\n".join(NEWS), Path("000_509a6613fde4a62d.txt"))
    assert article.title == "Solo (ANTARA News) - Menteri Dalam Negeri Tjahjo Kumolo\u2026"
    assert len(article.title) <= 60
    assert heading_of(article.text) is None
    assert first_words("Satu dua.") == "Satu dua."
    assert first_words("x" * 200) == "x" * 59 + "\u2026"


def test_a_short_one_sentence_paragraph_is_a_title_but_not_a_heading() -> None:
    article = article_from_text("Hujan turun.\nWarga berteduh di halte.", Path("a.txt"))
    assert article.title == "Hujan turun."
    assert heading_of(article.text) is None


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
        lambda t: t.encode("utf-32"),
        lambda t: t.encode("cp1252"),
    ],
)
def test_a_list_title_is_decoded_as_the_reader_decodes_the_file(tmp_path: Path, encode) -> None:
    path = tmp_path / "berita.txt"
    path.write_bytes(encode("Berita Café di Braga\n\n" + "Isi berita yang panjang sekali. " * 400))
    assert peek_title(path) == load_article(path).title == "Berita Café di Braga"


def test_a_list_title_cut_inside_a_character_loses_only_that_character(tmp_path: Path) -> None:
    path = tmp_path / "berita.txt"
    path.write_bytes(("é" * 20 + " Kafe di Braga." + "\n").encode("utf-16")[:30])
    assert peek_title(path, head_bytes=29) == "é" * 13
    assert peek_title(tmp_path / "missing.txt") == "missing.txt"
