"""Wrapping paragraphs into rows, and finding rows and columns again."""

from __future__ import annotations

from tui.core.document import article_from_text
from tui.ui.layout import column_of, offset_at, wrap_article


def rows_of(text: str, width: int) -> list[str]:
    article = article_from_text(text)
    layout = wrap_article(article.text, article.paragraphs, width)
    return [text[a:b] if p >= 0 else "" for a, b, p in zip(layout.starts, layout.ends, layout.paras)]


def test_rows_break_at_spaces_and_fit_the_width() -> None:
    text = "Presiden Rusia melakukan panggilan telepon dengan pemimpin Korea Utara menjelang pertemuan."
    rows = rows_of(text, 20)
    assert all(len(row) <= 20 for row in rows)
    assert " ".join(rows) == text


def test_paragraphs_are_separated_by_one_blank_row() -> None:
    assert rows_of("Satu dua.\nTiga empat.", 40) == ["Satu dua.", "", "Tiga empat."]


def test_a_word_longer_than_the_row_is_cut() -> None:
    rows = rows_of("a " + "x" * 25 + " b", 10)
    assert rows == ["a", "x" * 10, "x" * 10, "x" * 5 + " b"]


def test_wide_characters_count_two_cells() -> None:
    text = "東京 " * 10
    article = article_from_text(text)
    layout = wrap_article(article.text, article.paragraphs, 9)
    for a, b in zip(layout.starts, layout.ends):
        assert column_of(text, a, b) <= 9


def test_every_offset_maps_to_the_row_that_shows_it() -> None:
    text = "Kalimat pertama yang cukup panjang untuk dibungkus.\n\nKalimat kedua juga panjang sekali."
    article = article_from_text(text)
    layout = wrap_article(article.text, article.paragraphs, 16)
    for row in range(layout.height):
        if layout.is_text_row(row):
            for offset in range(layout.starts[row], layout.ends[row]):
                assert layout.row_of(offset) == row


def test_offset_at_column_round_trips() -> None:
    text = "Jalan Braga"
    assert offset_at(text, 0, len(text), 6) == 6
    assert column_of(text, 0, 6) == 6
    assert offset_at(text, 0, len(text), 99) == len(text) - 1


def test_five_megabytes_wrap_in_one_pass() -> None:
    paragraph = "Presiden Rusia, Vladimir Putin, melakukan panggilan telepon dengan Kim Jong Un. " * 6
    text = "\n".join([paragraph] * 10_000)
    article = article_from_text(text)
    layout = wrap_article(article.text, article.paragraphs, 80)
    assert layout.height > 60_000
    assert layout.starts == sorted(layout.starts)


def test_control_characters_count_as_the_one_cell_they_are_shown_as() -> None:
    text = "é" + "\x1b" * 30 + " kata" * 10
    article = article_from_text(text)
    layout = wrap_article(article.text, article.paragraphs, 20)
    for a, b in zip(layout.starts, layout.ends):
        assert b - a <= 20  # every character here is one cell wide once shown
        assert column_of(text, a, b) == b - a
