"""What the reader and the article list call an article, and how many paragraphs it shows."""

from __future__ import annotations

import codecs
from pathlib import Path

from textual.widgets import OptionList

from tests.ui.conftest import reader, view_of
from tui.ui.screens.library import LibraryScreen
from tui.ui.screens.reader import TitleBar

PARAGRAPHS = [
    "Jakarta (ANTARA) - Banjir rob merendam enam RW di Penjaringan sejak Senin malam.",
    "Sekitar 1.200 warga mengungsi ke masjid dan sekolah terdekat.",
    '"Kami menyiagakan 40 pompa," kata Kepala BPBD DKI Jakarta, Hendra Wijaya.',
    "Air mulai surut pada Selasa sore.",
]


def position(app) -> str:
    return str(app.screen.query_one("#position").render())


async def test_a_title_a_blank_line_and_a_paragraph_a_line_shows_every_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "banjir.txt"
    path.write_text("Banjir Rob di Jakarta Utara\n\n" + "\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    async with reader(path) as (app, pilot):
        assert position(app).startswith("¶ 1/5 ")
        await pilot.press("G")
        assert position(app).startswith("¶ 5/5 ")
        assert app.screen.article.title == "Banjir Rob di Jakarta Utara"


async def test_an_article_without_a_heading_is_called_by_its_first_words_beside_its_file_name(
    sample_path: Path,
) -> None:
    async with reader(sample_path) as (app, _pilot):
        shown = app.screen.query_one(TitleBar).render().plain
        assert shown.startswith("Presiden Rusia, Vladimir Putin, melakukan panggilan telepon…  ")
        assert shown.endswith(sample_path.name)
        # The first paragraph is text, not a heading: it is not set in bold.
        view = view_of(app)
        first_row = view.render_line(0)
        assert not any(seg.style and seg.style.bold for seg in first_row if seg.text.strip())


async def test_the_article_list_decodes_titles_as_the_reader_does(tmp_path: Path) -> None:
    body = "Berita Café di Braga\n\n" + "\n".join(PARAGRAPHS) + "\n"
    (tmp_path / "a-bom.txt").write_bytes(codecs.BOM_UTF8 + body.encode("utf-8"))
    (tmp_path / "b-utf16.txt").write_bytes(body.encode("utf-16"))
    (tmp_path / "c-tanpa-judul.txt").write_text("\n".join(PARAGRAPHS), encoding="utf-8")
    async with reader(tmp_path) as (app, pilot):
        assert isinstance(app.screen, LibraryScreen)
        options = app.screen.query_one(OptionList)
        prompts = [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]
        assert prompts[0].startswith("Berita Café di Braga  a-bom.txt")
        assert prompts[1].startswith("Berita Café di Braga  b-utf16.txt")
        assert prompts[2].startswith("Jakarta (ANTARA) - Banjir rob merendam enam RW di…  c-tanpa-judul.txt")
        await pilot.press("j", "enter")
        assert app.screen.article.title == "Berita Café di Braga"


async def test_a_first_paragraph_that_is_a_short_sentence_is_not_set_as_a_heading(tmp_path: Path) -> None:
    path = tmp_path / "hujan.txt"
    path.write_text("Hujan turun.\nWarga berteduh di halte.\n", encoding="utf-8")
    async with reader(path) as (app, _pilot):
        assert app.screen.article.title == "Hujan turun."
        first_row = view_of(app).render_line(0)
        assert not any(seg.style and seg.style.bold for seg in first_row if seg.text.strip())
    heading = tmp_path / "judul.txt"
    heading.write_text("Hujan Turun\nWarga berteduh di halte.\n", encoding="utf-8")
    async with reader(heading) as (app, _pilot):
        first_row = view_of(app).render_line(0)
        assert all(seg.style and seg.style.bold for seg in first_row if seg.text.strip())
