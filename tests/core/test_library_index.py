"""The library's entity index across articles: merges, incremental indexing, dates, export."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from tui.core.entities import Entity
from tui.core.library import Library, library_path, normalise, refresh, write_export

# What a pipeline would find in the articles below: every occurrence of these names.
NAMES = {
    "Prabowo Subianto": "PERSON",
    "Prabowo": "PERSON",
    "Sri Mulyani Indrawati": "PERSON",
    "Sri Mulyani": "PERSON",
    "Kim Jong Un": "PERSON",
    "Kim Yo Jong": "PERSON",
    "Kim": "PERSON",
    "China": "GPE",
    "Tiongkok": "GPE",
    "Jakarta": "GPE",
    "Bandung": "GPE",
}
_FIND = re.compile("|".join(re.escape(n) for n in sorted(NAMES, key=len, reverse=True)))

FIRST = (
    "Prabowo Bertemu Menteri Keuangan\n\n"
    "Jakarta (ANTARA) - Senin (1/12/2025), Presiden Prabowo Subianto menerima Sri Mulyani Indrawati di Istana. "
    "Prabowo meminta laporan anggaran. Pertemuan berlangsung dua jam.\n"
)
SECOND = (
    "Kunjungan ke Bandung\n\n"
    "BANDUNG, KOMPAS.com - Prabowo meninjau pasar di Bandung pada Rabu (3/12/2025). "
    "Warga menyambut kedatangannya. Ia juga membahas impor dari China.\n"
)
THIRD = "Perdagangan dengan Tiongkok\n\nNilai ekspor ke Tiongkok naik. Sri Mulyani menyebut angka itu menggembirakan.\n"


def entities_of(text: str) -> list[Entity]:
    return [Entity(m.start(), m.end(), NAMES[m.group()], m.group()) for m in _FIND.finditer(text)]


def write(folder: Path, name: str, text: str, mtime: float | None = None) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    news = tmp_path / "berita"
    news.mkdir()
    write(news, "a-istana.txt", FIRST)
    write(news, "b-bandung.txt", SECOND)
    write(news, "c-ekspor.md", THIRD, mtime=1_764_000_000)  # 2025-11-24
    return news


def build(library: Library, folder: Path, calls: list[str] | None = None):
    def counted(text: str) -> list[Entity]:
        if calls is not None:
            calls.append(text.splitlines()[0])
        return entities_of(text)

    return refresh(library, folder, sorted(folder.iterdir()), counted)


def by_name(library: Library, folder: Path | None = None):
    return {e.name: e for e in library.entities(folder)}


def test_a_person_named_in_full_in_one_article_and_by_alias_in_another_is_one_entity(folder: Path) -> None:
    library = Library()
    done = build(library, folder)
    assert (done.indexed, done.unchanged, done.removed, done.failed) == (3, 0, 0, ())
    entities = by_name(library, folder)
    prabowo = entities["Prabowo Subianto"]
    assert (prabowo.label, prabowo.articles, prabowo.mentions) == ("PERSON", 2, 4)
    assert "Prabowo" not in entities
    mentions = library.mentions(prabowo.id, folder)
    assert [(Path(m.article.path).name, m.article.date) for m in mentions] == [
        *[("a-istana.txt", "2025-12-01")] * 3,  # the title, and two sentences
        ("b-bandung.txt", "2025-12-03"),
    ]
    second = mentions[3]
    assert second.sentence.startswith("BANDUNG, KOMPAS.com - Prabowo meninjau")
    assert SECOND[second.start : second.end] == second.sentence
    assert SECOND[second.mention[0] : second.mention[1]] == "Prabowo"
    # China is Tiongkok (Indonesian usage's known alias).
    assert entities["Tiongkok"].articles == 2 and "China" not in entities
    # Sri Mulyani, in full in one article and short in another: nothing says they are one...
    assert entities["Sri Mulyani Indrawati"].articles == entities["Sri Mulyani"].articles == 1
    # ... until an article calls her both.
    write(folder, "d-anggaran.txt", "Anggaran\n\nSri Mulyani Indrawati hadir. Sri Mulyani lalu pergi.\n")
    build(library, folder)
    entities = by_name(library, folder)
    assert entities["Sri Mulyani Indrawati"].articles == 3 and "Sri Mulyani" not in entities
    # Sorted by number of articles.
    counts = [e.articles for e in library.entities(folder)]
    assert counts == sorted(counts, reverse=True)


def test_a_short_name_two_entities_go_by_stays_apart(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "Korea Utara\n\nKim Jong Un berpidato. Kim mengancam.\n")
    write(tmp_path, "b.txt", "Adik\n\nKim Yo Jong berbicara. Kim menegaskan sikapnya.\n")
    write(tmp_path, "c.txt", "Singkat\n\nKim tidak hadir.\n")
    library = Library()
    build(library, tmp_path)
    entities = by_name(library)
    assert entities["Kim Jong Un"].articles == 1
    assert entities["Kim Yo Jong"].articles == 1
    assert entities["Kim"].articles == 1  # ambiguous: neither's


def test_names_merge_only_with_the_same_label() -> None:
    assert normalise("  Prabowo   SUBIANTO ", "PERSON") == "prabowo subianto"
    assert normalise("RRT", "GPE") == normalise("China", "GPE") == "tiongkok"
    assert normalise("China", "PERSON") == "china"  # a person called China is no country


def test_only_new_or_changed_articles_are_indexed_again_and_removed_ones_drop_out(folder: Path) -> None:
    db = folder.parent / "db"
    calls: list[str] = []
    with Library(library_path(db / "sorot.json")) as library:
        build(library, folder, calls)
    assert len(calls) == 3
    assert (db / "sorot.library.sqlite3").is_file()
    calls.clear()
    with Library(library_path(db / "sorot.json")) as library:
        done = build(library, folder, calls)
        assert calls == [] and done.indexed == 0
        # Touched, same text: its time is noted, the pipeline does not run.
        os.utime(folder / "a-istana.txt", (1_700_000_000, 1_700_000_000))
        done = build(library, folder, calls)
        assert (done.indexed, done.unchanged, calls) == (0, 1, [])
        # Changed: indexed again, with what it says now.
        write(folder, "b-bandung.txt", SECOND.replace("Prabowo meninjau", "Gubernur meninjau"))
        done = build(library, folder, calls)
        assert (done.indexed, calls) == (1, ["Kunjungan ke Bandung"])
        assert by_name(library)["Prabowo Subianto"].articles == 1
        # Removed: out of the index.
        (folder / "c-ekspor.md").unlink()
        done = build(library, folder, calls)
        assert done.removed == 1
        assert [Path(a.path).name for a in library.articles(folder)] == ["a-istana.txt", "b-bandung.txt"]
        entities = by_name(library)
        assert "Tiongkok" not in entities and entities["China"].articles == 1  # as b-bandung.txt names it


def test_an_articles_date_comes_from_its_page_else_its_dateline_else_the_files_time(folder: Path) -> None:
    page = (
        "<html><head><title>Sri Mulyani di Jakarta</title>"
        '<meta property="article:published_time" content="2025-10-05T09:00:00+07:00">'
        '<meta property="og:site_name" content="Berita Contoh"></head><body><article>'
        "<h1>Sri Mulyani di Jakarta</h1><p>Jakarta, Senin (1/12/2025) - Sri Mulyani Indrawati memberi "
        "keterangan kepada wartawan di Jakarta tentang anggaran negara tahun depan yang disusun pemerintah.</p>"
        "<p>Ia menyebut defisit akan dijaga di bawah tiga persen dari produk domestik bruto.</p>"
        "</article></body></html>"
    )
    write(folder, "d-halaman.html", page)
    library = Library()
    build(library, folder)
    dated = {Path(a.path).name: (a.date, a.date_source, a.site) for a in library.articles(folder)}
    assert dated["d-halaman.html"] == ("2025-10-05", "page", "Berita Contoh")  # not the dateline's 1/12
    assert dated["a-istana.txt"] == ("2025-12-01", "dateline", "ANTARA")
    assert dated["b-bandung.txt"] == ("2025-12-03", "dateline", "KOMPAS.com")
    day, source, site = dated["c-ekspor.md"]
    assert source == "mtime" and day in ("2025-11-24", "2025-11-25") and site == ""  # (a local day)
    # Sorted by date.
    assert [Path(a.path).name for a in library.articles(folder)][0] == "d-halaman.html"


def test_the_search_finds_words_of_titles_and_texts(folder: Path) -> None:
    library = Library()
    build(library, folder)
    assert [Path(a.path).name for a in library.search("pasar", folder)] == ["b-bandung.txt"]
    assert [Path(a.path).name for a in library.search("PERDAGANGAN", folder)] == ["c-ekspor.md"]
    assert library.search("100%_", folder) == []  # LIKE's wildcards are the characters they are


def test_a_damaged_index_is_set_aside_and_built_again(tmp_path: Path) -> None:
    path = tmp_path / "sorot.library.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with Library(path) as library:
        assert library.counts() == 0
        assert "not a library index" in library.warnings[0]
    assert (tmp_path / "sorot.library.sqlite3.broken").is_file()


def test_an_unreadable_article_is_reported_and_the_rest_indexed(folder: Path) -> None:
    write(folder, "e-kosong.txt", "")
    library = Library()
    done = build(library, folder)
    assert done.indexed == 3
    assert len(done.failed) == 1 and "e-kosong.txt" in done.failed[0] and "empty" in done.failed[0]


def test_export_rows_as_csv_and_jsonl(folder: Path) -> None:
    write(folder, "f-jahat.txt", '=HYPERLINK("x")\n\nPrabowo Subianto \x1b[31mberkata di Jakarta.\n')
    library = Library()
    build(library, folder)
    rows = list(library.export_rows(folder))
    prabowo = [row for row in rows if row[0] == "Prabowo Subianto"]
    assert [Path(row[2]).name for row in prabowo] == [*["a-istana.txt"] * 3, "b-bandung.txt", "f-jahat.txt"]
    out = io.StringIO()
    assert write_export(rows, out, "csv") == len(rows)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert table[0] == ["entity", "label", "article", "sentence", "date", "date_source", "title"]
    assert table[1][:2] == ["Prabowo Subianto", "PERSON"]
    hostile = next(r for r in table if r[2].endswith("f-jahat.txt") and r[0] == "Prabowo Subianto")
    assert hostile[6].startswith("'=HYPERLINK")  # a formula a spreadsheet would run is defused
    assert "\x1b" not in out.getvalue() and "␛[31m" in hostile[3]
    out = io.StringIO()
    write_export(rows, out, "jsonl")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == len(rows)
    assert records[0]["entity"] == "Prabowo Subianto" and records[0]["date"] == "2025-12-01"
    assert records[0]["date_source"] == "dateline"
