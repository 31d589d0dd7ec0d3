"""Reading news pages: the body and nothing else, the metadata, multi-page articles joined, and
the pages that are no article. Every page is a fixture in ``tests/data/web``; nothing reaches
the network (pagination is served by a fake fetch)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from tui.core.document import ArticleError, paragraph_spans
from tui.core.web.fetch import FetchError
from tui.core.web.page import (
    NotAnArticle,
    Page,
    article_from_page,
    clean_paragraphs,
    decode_html,
    iso_date,
    join_pages,
    read_page,
    strip_site_suffix,
)

WEB = Path(__file__).resolve().parents[1] / "data" / "web"
TRIBUN = "https://www.tribunnews.com/nasional/2025/06/10/harga-cabai-rawit-melonjak-jelang-iduladha"

# Each fixture with an expected body (NAME.body.txt) and strings that must not appear (NAME.without.txt).
URLS = {
    "kompas_banjir": "https://megapolitan.kompas.com/read/2025/03/04/09453211/banjir-rob-rendam-pesisir-jakarta-utara-1200-warga-mengungsi",
    "detik_kereta": "https://news.detik.com/berita/d-7970123/kai-tambah-12-perjalanan-kereta-jarak-jauh-selama-libur-sekolah",
    "cnn_amp_gempa": "https://www.cnnindonesia.com/nasional/20250815081500-20-1262345/gempa-m-58-guncang-maluku-tengah-warga-berhamburan-keluar-rumah/amp",
    "tempo_og_sawit": "https://www.tempo.co/ekonomi/ekspor-minyak-sawit-turun-12-persen-pada-kuartal-pertama-1189234",
    "antara_broken_jsonld": "https://www.antaranews.com/berita/4987654/pemerintah-salurkan-bantuan-benih-padi-untuk-petani-terdampak-kekeringan-di-ntb",
    "liputan6_cp1252": "https://www.liputan6.com/news/read/6123456/festival-kuliner-rasa-nusantara-dipadati-25000-pengunjung",
    "kompas_hostile": "https://nasional.kompas.com/read/2025/11/20/10000001/polisi-selidiki-pesan-berantai-palsu",
    "tribun_cabai_1": TRIBUN,
    "tribun_cabai_2": TRIBUN + "?page=2",
    "tribun_cabai_3": TRIBUN + "?page=3",
    "tribun_cabai_all": TRIBUN + "?page=all",
}
PUBLIC = {
    "dw.com.colonial": "https://www.dw.com/en/berlin-confronts-germanys-colonial-past-with-new-initiative/a-52060881",
    "dw.com.uncork": "https://www.dw.com/en/uncork-the-mystery-of-germanys-fr%C3%BChburgunder/a-16863843",
}


def html(name: str) -> bytes:
    return (WEB / f"{name}.html").read_bytes()


def read(name: str) -> Page:
    return read_page(html(name), URLS[name])


def lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(URLS))
def test_the_body_and_nothing_else(name: str) -> None:
    page = read(name)
    assert page.text == (WEB / f"{name}.body.txt").read_text(encoding="utf-8").strip()
    leaked = [junk for junk in lines(WEB / f"{name}.without.txt") if junk in page.text]
    assert leaked == []
    assert page.title and page.title not in page.text


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_keep_their_body_and_drop_their_boilerplate(name: str) -> None:
    page = read_page((WEB / "public" / f"{name}.html").read_bytes(), PUBLIC[name])
    assert [s for s in lines(WEB / "public" / f"{name}.with.txt") if s not in page.text] == []
    assert [s for s in lines(WEB / "public" / f"{name}.without.txt") if s in page.text] == []


def test_paragraphs_are_separated_by_blank_lines() -> None:
    page = read("kompas_banjir")
    assert len(page.text.split("\n\n")) == 7
    assert page.text.startswith("JAKARTA, KOMPAS.com - Banjir rob")  # the dateline is body text
    assert "\n\n\n" not in page.text


def test_metadata_from_json_ld() -> None:
    page = read("kompas_banjir")
    assert page.title == "Banjir Rob Rendam Pesisir Jakarta Utara, 1.200 Warga Mengungsi"
    assert page.canonical == URLS["kompas_banjir"]
    assert page.url == URLS["kompas_banjir"]
    assert page.site == "KOMPAS.com"
    assert page.author == "Rizky Pratama"
    assert page.published == "2025-03-04T09:45:32+07:00"
    assert page.next_pages == () and page.single_page == "" and page.pages == 1


def test_json_ld_as_a_list_with_several_authors() -> None:
    page = read("detik_kereta")
    assert page.author == "Andi Saputra, Nur Fitriani"
    assert page.published == "2025-06-20T14:30:05+07:00"
    assert page.title == "KAI Tambah 12 Perjalanan Kereta Jarak Jauh Selama Libur Sekolah"


def test_json_ld_graph_type_list_author_string_and_publisher_by_id() -> None:
    page = read("cnn_amp_gempa")
    assert page.author == "CNN Indonesia"
    assert page.published == "2025-08-15T08:15:00+07:00"
    assert page.canonical.endswith("/gempa-m-58-guncang-maluku-tengah-warga-berhamburan-keluar-rumah")
    assert page.site == "CNN Indonesia"


def test_opengraph_and_meta_only() -> None:
    page = read("tempo_og_sawit")
    assert page.title == "Ekspor Minyak Sawit Turun 12 Persen pada Kuartal Pertama"
    assert page.author == "Ilona Estherina"
    assert page.published == "2025-04-21T16:05:00+07:00"
    assert page.site == "Tempo.co"
    assert page.canonical == URLS["tempo_og_sawit"]


def test_a_broken_json_ld_block_is_ignored() -> None:
    page = read("antara_broken_jsonld")
    assert page.title == "Pemerintah Salurkan Bantuan Benih Padi untuk Petani Terdampak Kekeringan di NTB"
    assert page.author == "Abdul Hakim"
    assert page.published == "2025-09-02T10:15:00+07:00"  # meta pubdate
    assert page.site == "Antara News"


def test_reportage_article_in_windows_1252_with_a_meta_charset() -> None:
    page = read("liputan6_cp1252")
    assert "“Rasa Nusantara”" in page.text and "René" in page.text and "café-café lokal – terutama" in page.text
    assert page.title == "Festival Kuliner “Rasa Nusantara” Dipadati 25.000 Pengunjung"
    assert page.author == "Dinda Permata"
    assert decode_html(html("liputan6_cp1252")).count("“") > 2


def test_the_date_falls_back_to_htmldate() -> None:
    page = read_page(
        html("tempo_og_sawit").replace(b'property="article:published_time"', b'property="x"'),
        URLS["tempo_og_sawit"],
    )
    assert page.published[:10] == "2025-04-21"


@pytest.mark.parametrize(
    ("raw", "site", "host", "title"),
    [
        ("Banjir Rob Rendam Pesisir Halaman all - Kompas.com", "KOMPAS.com", "kompas.com", "Banjir Rob Rendam Pesisir"),
        ("KAI Tambah Kereta - detikNews", "detiknews", "news.detik.com", "KAI Tambah Kereta"),
        ("Ekspor Sawit Turun | tempo.co", "Tempo.co", "tempo.co", "Ekspor Sawit Turun"),
        ("Gempa Maluku | CNN Indonesia", "", "cnnindonesia.com", "Gempa Maluku"),
        ("Harga Cabai Naik Halaman 2 - Tribunnews.com", "", "tribunnews.com", "Harga Cabai Naik"),
        ("Benih Padi untuk NTB - ANTARA News", "Antara News", "antaranews.com", "Benih Padi untuk NTB"),
        ("Berlin confronts its past | DW | 19.01.2020", "DW.COM", "dw.com", "Berlin confronts its past"),
        ("Jokowi - Prabowo Bertemu di Solo", "Kompas.com", "kompas.com", "Jokowi - Prabowo Bertemu di Solo"),
        ("Kompas.com", "Kompas.com", "kompas.com", "Kompas.com"),
    ],
)
def test_title_suffixes_are_stripped(raw: str, site: str, host: str, title: str) -> None:
    assert strip_site_suffix(raw, site, host) == title


def test_the_title_element_is_the_last_resort() -> None:
    source = html("tempo_og_sawit").replace(b'property="og:title"', b'property="x"')
    assert read_page(source, URLS["tempo_og_sawit"]).title == "Ekspor Minyak Sawit Turun 12 Persen pada Kuartal Pertama"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-03-04T09:45:32+07:00", "2025-03-04T09:45:32+07:00"),
        ("2025/06/20 14:30:05", "2025-06-20T14:30:05"),
        ("2025-06-10 13:05:21", "2025-06-10T13:05:21"),
        ("2025-09-02", "2025-09-02"),
        ("2025-03-04T02:45:32Z", "2025-03-04T02:45:32+00:00"),
        ("2025-03-04T09:45:32+0700", "2025-03-04T09:45:32+07:00"),
        ("Tue, 10 Jun 2025 13:05:21 +0700", "2025-06-10T13:05:21+07:00"),
        ("kemarin", ""),
        ("2025-13-40", ""),
    ],
)
def test_dates_become_iso_8601(value: str, iso: str) -> None:
    assert iso_date(value) == iso


# --- boilerplate ---------------------------------------------------------------------------------


def test_inline_boilerplate_is_cut_and_the_rest_kept() -> None:
    cleaned = clean_paragraphs(
        [
            "Jakarta - Hujan turun sejak pagi. ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT Warga berteduh.",
            "Petugas membersihkan saluran (Foto: ANTARA/Budi Santoso) di kawasan Menteng.",
            "Ia mengatakan banjir surut sore hari. Baca juga: Banjir Surut, Warga Kembali ke Rumah",
            "Baca Juga",
            "Simak juga Video: Detik-detik Banjir",
            "Halaman 1 2 3 Selanjutnya",
            "Halaman: 1 2",
            "Bagikan",
            "Share",
            "Foto: Istimewa",
            "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com di Google News",
            "Editor: Dewi Lestari",
            "Penulis : Rizky Pratama",
            "Advertisement",
            "(ant/xyz)",
        ]
    )
    assert cleaned == [
        "Jakarta - Hujan turun sejak pagi. Warga berteduh.",
        "Petugas membersihkan saluran di kawasan Menteng.",
        "Ia mengatakan banjir surut sore hari.",
        "(ant/xyz)",
    ]


def test_body_text_that_only_resembles_boilerplate_stays() -> None:
    kept = [
        "Lihat juga bagaimana warga bergotong royong membersihkan lumpur di rumah-rumah mereka sejak pagi hari.",
        "Editor senior itu mengatakan redaksi akan memuat koreksi pada edisi berikutnya.",
        "Halaman sekolah itu dipakai sebagai tempat pengungsian sementara bagi 300 warga.",
    ]
    assert clean_paragraphs(kept) == kept


def test_a_body_paragraph_starting_like_an_insert_stays_in_the_page() -> None:
    paragraph = "Lihat juga bagaimana warga bergotong royong membersihkan lumpur di rumah-rumah mereka sejak pagi."
    source = html("kompas_banjir").replace(b"<p>Pemerintah Kota", f"<p>{paragraph}</p><p>Pemerintah Kota".encode())
    assert paragraph in read_page(source, URLS["kompas_banjir"]).text


# --- pages that are not articles ------------------------------------------------------------------


def test_an_index_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="not an article: no main text found"):
        read_page(html("liputan6_index"), "https://www.liputan6.com/")


def test_a_paywall_teaser_marked_in_json_ld() -> None:
    with pytest.raises(NotAnArticle, match=r"only a paywall teaser \(the page marks the article as not free"):
        read_page(html("tempo_paywall"), "https://www.tempo.co/investigasi/jejak-dana-gelap-1201234")


def test_a_paywall_teaser_found_by_its_markers() -> None:
    with pytest.raises(NotAnArticle, match=r"only a paywall teaser \(the page shows a paywall\)"):
        read_page(html("kompasid_paywall"), "https://www.kompas.id/artikel/menakar-ketahanan-fiskal")


def test_a_full_article_marked_not_free_is_read() -> None:
    marked = html("kompas_banjir").replace(b'"isAccessibleForFree": true', b'"isAccessibleForFree": false')
    assert read_page(marked, URLS["kompas_banjir"]).text.startswith("JAKARTA, KOMPAS.com")


@pytest.mark.parametrize(
    "source",
    [
        "",
        "   ",
        b"\x00\x01\x02\xff\xfe garbage",
        "<html><body></body></html>",
        "<html><head><title>x</title></head><body><div><p>Pendek.</p></div></body></html>",
        "<<<>>>&&&<p<p<p</div></span>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        "<html>" + "<div>" * 5000 + "teks" + "</div>" * 5000 + "</html>",
    ],
)
def test_broken_html_is_one_line_not_a_traceback(source: str | bytes) -> None:
    with pytest.raises(NotAnArticle) as raised:
        read_page(source, "https://contoh.invalid/x")
    assert "\n" not in str(raised.value) and str(raised.value).startswith("https://contoh.invalid/x: ")
    assert isinstance(raised.value, ArticleError)


def test_a_truncated_page_still_gives_its_text() -> None:
    source = html("kompas_banjir")
    cut = source[: source.index(b"Salah satu warga")]
    page = read_page(cut, URLS["kompas_banjir"])
    assert page.text.startswith("JAKARTA, KOMPAS.com") and "Hendra" in page.text


def test_hostile_text_is_kept_literally() -> None:
    page = read("kompas_hostile")
    assert "[bold]PERINGATAN[/bold]" in page.text
    assert "[@click=app.quit]x[/]" in page.text
    assert "\x1b[31m" in page.text
    assert "\u202etxt.exe\u202c" in page.text
    assert "[link=https://contoh.invalid]di sini[/link]" in page.text
    assert page.title == "Polisi Selidiki Pesan Berantai [bold]Palsu[/bold]"
    assert page.author == "Nama [red]Penulis[/red]"


# --- multi-page articles ----------------------------------------------------------------------------


class FakeWeb:
    """Serves fixture pages by URL, counting the fetches; a URL in ``failing`` raises FetchError."""

    def __init__(self, pages: dict[str, bytes | str], failing: tuple[str, ...] = ()) -> None:
        self.pages = pages
        self.failing = failing
        self.fetched: list[str] = []

    def __call__(self, url: str) -> str:
        self.fetched.append(url)
        if url in self.failing or url not in self.pages:
            raise FetchError(f"{url}: HTTP 503 Service Unavailable")
        page = self.pages[url]
        return page.decode("utf-8") if isinstance(page, bytes) else page


def tribun_web(**changes: bytes) -> FakeWeb:
    pages: dict[str, bytes | str] = {
        TRIBUN: html("tribun_cabai_1"),
        TRIBUN + "?page=2": html("tribun_cabai_2"),
        TRIBUN + "?page=3": html("tribun_cabai_3"),
        TRIBUN + "?page=all": html("tribun_cabai_all"),
    }
    pages.update(changes)
    return FakeWeb(pages)


def test_the_pager_gives_the_further_pages_in_order() -> None:
    first = read("tribun_cabai_1")
    assert first.next_pages == (TRIBUN + "?page=2", TRIBUN + "?page=3")
    assert first.single_page == TRIBUN + "?page=all"
    assert read("tribun_cabai_2").next_pages == (TRIBUN + "?page=3",)
    assert read("tribun_cabai_3").next_pages == ()
    assert read("tribun_cabai_all").next_pages == () and read("tribun_cabai_all").single_page == ""


def test_pages_are_joined_in_order_without_repeats() -> None:
    first = dataclasses.replace(read("tribun_cabai_1"), single_page="")
    web = tribun_web()
    joined = join_pages(first, web)
    assert web.fetched == [TRIBUN + "?page=2", TRIBUN + "?page=3"]
    assert joined.text == (WEB / "tribun_cabai_all.body.txt").read_text(encoding="utf-8").strip()
    assert joined.pages == 3 and joined.warnings == ()
    paragraphs = joined.text.split("\n\n")
    assert len(paragraphs) == len(set(paragraphs))


def test_the_single_page_view_is_preferred() -> None:
    web = tribun_web()
    joined = join_pages(read("tribun_cabai_1"), web)
    assert web.fetched == [TRIBUN + "?page=all"]
    assert joined.text == (WEB / "tribun_cabai_all.body.txt").read_text(encoding="utf-8").strip()
    assert joined.pages == 3 and joined.url == TRIBUN


def test_a_failing_single_page_view_falls_back_to_the_pages() -> None:
    web = tribun_web()
    web.failing = (TRIBUN + "?page=all",)
    joined = join_pages(read("tribun_cabai_1"), web)
    assert joined.pages == 3 and "Operasi pasar itu" in joined.text
    assert len(joined.warnings) == 1 and "single-page view" in joined.warnings[0]


def test_the_page_limit_is_respected() -> None:
    first = dataclasses.replace(read("tribun_cabai_1"), single_page="")
    web = tribun_web()
    joined = join_pages(first, web, max_pages=2)
    assert web.fetched == [TRIBUN + "?page=2"] and joined.pages == 2
    assert "Operasi pasar itu" not in joined.text and "bawang merah" in joined.text
    assert any("limit" in warning for warning in joined.warnings)


def test_a_failing_page_keeps_the_pages_before_it() -> None:
    first = dataclasses.replace(read("tribun_cabai_1"), single_page="")
    web = tribun_web()
    web.failing = (TRIBUN + "?page=3",)
    joined = join_pages(first, web)
    assert joined.pages == 2
    assert "bawang merah" in joined.text and "Operasi pasar itu" not in joined.text
    assert joined.text.startswith(first.text)
    assert len(joined.warnings) == 1 and "page 3" in joined.warnings[0] and "503" in joined.warnings[0]


def test_a_page_that_is_no_article_is_a_warning_too() -> None:
    first = dataclasses.replace(read("tribun_cabai_1"), single_page="")
    web = tribun_web()
    web.pages[TRIBUN + "?page=2"] = "<html><body></body></html>"
    joined = join_pages(first, web)
    assert joined.text == first.text and joined.pages == 1 and "page 2" in joined.warnings[0]


def test_off_site_and_other_article_links_are_not_pages() -> None:
    source = html("tribun_cabai_1").replace(
        b'<link rel="next" href="' + TRIBUN.encode() + b'?page=2">',
        b'<link rel="next" href="https://evil.example/nasional/2025/06/10/harga-cabai-rawit-melonjak-jelang-iduladha?page=2">'
        b'<a rel="next" href="https://www.tribunnews.com/nasional/2025/06/10/banjir-di-demak?page=2">Next</a>',
    )
    page = read_page(source, TRIBUN)
    assert page.next_pages == (TRIBUN + "?page=2", TRIBUN + "?page=3")  # only the pager's own
    assert all(url.startswith(TRIBUN) for url in page.next_pages)


def test_www_does_not_make_another_site_and_relative_links_are_resolved() -> None:
    source = html("tribun_cabai_1").replace(TRIBUN.encode() + b"?page=3", b"?page=3")
    page = read_page(source, TRIBUN.replace("www.", ""))
    assert page.next_pages == (TRIBUN + "?page=2", TRIBUN.replace("www.", "") + "?page=3")


def test_path_numbered_pages() -> None:
    base = "https://news.detik.com/berita/d-7970123/kai-tambah-kereta"
    source = html("detik_kereta").replace(
        b'<a class="itp_next" href="#">Selanjutnya</a>',
        f'<a href="{base}/2">2</a> <a href="{base}/3">3</a> <a href="{base}/2">Selanjutnya</a>'.encode(),
    )
    assert read_page(source, base).next_pages == (base + "/2", base + "/3")
    assert read_page(source, base + "/2").next_pages == (base + "/3",)


def test_a_loop_of_next_links_is_stopped() -> None:
    looping = html("tribun_cabai_3").replace(
        b'<link rel="prev"', b'<link rel="next" href="' + TRIBUN.encode() + b'?page=1"><link rel="prev"'
    )
    looping = looping.replace(b"?page=1", b"?page=2")  # page 3's "next" is page 2 again
    first = dataclasses.replace(read("tribun_cabai_1"), single_page="", next_pages=(TRIBUN + "?page=2",))
    web = tribun_web(**{})
    web.pages[TRIBUN + "?page=3"] = looping
    joined = join_pages(first, web, max_pages=10)
    assert web.fetched == [TRIBUN + "?page=2", TRIBUN + "?page=3"]
    assert joined.pages == 3


def test_cancelling_stops_before_the_next_fetch() -> None:
    first = dataclasses.replace(read("tribun_cabai_1"), single_page="")
    web = tribun_web()
    joined = join_pages(first, web, cancelled=lambda: len(web.fetched) >= 1)
    assert web.fetched == [TRIBUN + "?page=2"] and joined.pages == 2


# --- to an Article ---------------------------------------------------------------------------------


def test_article_from_page() -> None:
    page = read("kompas_banjir")
    article = article_from_page(page)
    assert article.text == page.text and article.title == page.title and article.path is None
    assert article.web is not None
    assert article.web.published_date == date(2025, 3, 4)
    assert article.web.url == page.url and article.web.canonical == page.canonical
    assert (article.web.site, article.web.author, article.web.pages) == ("KOMPAS.com", "Rizky Pratama", 1)
    assert article.paragraphs == tuple(paragraph_spans(page.text))
    assert [article.text[a:b] for a, b in article.paragraphs] == page.text.split("\n\n")
    assert article.name == page.url


def test_article_from_a_joined_page_counts_its_pages() -> None:
    joined = join_pages(read("tribun_cabai_1"), tribun_web())
    article = article_from_page(dataclasses.replace(joined, url=TRIBUN + "#komentar"), Path("kept.html"))
    assert article.web is not None and article.web.pages == 3 and article.web.url == TRIBUN
    assert article.web.published_date == date(2025, 6, 10)
    assert len(article.paragraphs) == 8 and article.path == Path("kept.html")


def test_a_crowded_paragraph_is_read_as_plain_text() -> None:
    """trafilatura's time grows with the square of a block's elements: a paragraph of thousands
    of <b> or links is unwrapped before extraction, its text unchanged."""
    import trafilatura
    from lxml import etree

    from tui.core.web.page import _CROWD, _uncrowded

    crowded = "".join(f"<b>kata{n}</b> <a href='/x{n}'>tautan{n}</a> " for n in range(2000))
    html = f"<html><head><title>T</title></head><body><article><p>{crowded}</p></article></body></html>"
    tree = _uncrowded(trafilatura.load_html(html))
    assert all(len(element) <= _CROWD for element in tree.iter())
    paragraph = tree.find(".//p")
    assert etree.tostring(paragraph, method="text", encoding=str).split() == [
        word for n in range(2000) for word in (f"kata{n}", f"tautan{n}")
    ]
    page = read_page(html + ("<p>" + "Paragraf biasa yang cukup panjang. " * 20 + "</p>"), "https://x.example/a")
    assert "kata1999 tautan1999" in page.text


def test_a_page_of_too_many_elements_is_refused_in_one_line() -> None:
    from tui.core.web.page import MAX_ELEMENTS

    html = "<html><body>" + "<div>x</div>" * (MAX_ELEMENTS + 1) + "</body></html>"
    with pytest.raises(NotAnArticle, match=r"too complex a page \(100,00\d HTML elements"):
        read_page(html, "https://x.example/a")


@pytest.mark.parametrize("label", ["rot13", "hex", "base64", "zlib", "utf-32"])
def test_a_charset_that_names_no_text_encoding_is_passed_over(label: str) -> None:
    assert decode_html(f"<meta charset={label}><p>halo</p>".encode()) == f"<meta charset={label}><p>halo</p>"
    from tui.core.web.fetch import Response, page_text

    assert page_text(Response("http://x.example/", 200, b"<p>halo</p>", "text/html", label)) == "<p>halo</p>"


@pytest.mark.parametrize("label", ["idna", "undefined", "punycode", "utf-7", "x-user-defined-nonsense"])
def test_a_charset_no_browser_reads_is_passed_over(label: str) -> None:
    data = f"<meta charset='{label}'><p>halo +ADw-b+AD4-</p>".encode()
    assert decode_html(data) == data.decode("utf-8")


def test_a_row_of_thousands_of_cells_is_read_as_one_cell() -> None:
    import trafilatura

    from tui.core.web.page import _CROWD, _uncrowded

    row = "".join(f"<td>sel{n}</td>" for n in range(_CROWD * 3))
    tree = _uncrowded(trafilatura.load_html(f"<html><body><table><tr>{row}</tr></table></body></html>"))
    assert all(len(element) <= _CROWD for element in tree.iter())
    assert "sel0sel1sel2" in "".join(tree.itertext())
