"""Names as real news writes them: headlines, paragraphs, datelines, units, abbreviations, ranks.

Each test is a class of error the real-news dev set (training/realnews) showed in the shipped
pipeline; the sentences are made up in the style of Indonesian news.
"""

from __future__ import annotations

import pytest

from tui.core.nlp import find_entities, load_pipeline
from tui.core.nlp.layout import read_layout


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label) for e in find_entities(nlp, text)]


def test_title_case_headline_words_are_not_names(nlp) -> None:
    text = (
        "Menteri Sebut 8 Pulau Hilang Akibat Abrasi\n\n"
        "Menteri Kelautan dan Perikanan mengatakan delapan pulau kecil di Kepulauan Seribu hilang.\n"
    )
    found = ents(nlp, text)
    assert not [t for t, label in found if label in {"PERSON", "LOC", "ORG"} and "Hilang" in t]
    assert ("Kepulauan Seribu", "LOC") in found


def test_a_headline_name_the_body_confirms_is_kept(nlp) -> None:
    text = (
        "KPU Siap Gelar Pilkada Serentak di Jawa Barat\n\n"
        "Komisi Pemilihan Umum (KPU) menyatakan siap menggelar pilkada serentak tahun depan.\n"
    )
    found = ents(nlp, text)
    assert found[0] == ("KPU", "ORG")
    assert ("Jawa Barat", "LOC") in found  # the gazetteer knows it
    assert not [t for t, _ in found if "Siap" in t or "Gelar" in t]


def test_no_name_runs_across_a_paragraph_or_a_headline_end(nlp) -> None:
    text = "Polisi Bongkar Sindikat Saracen\n\nSolo (ANTARA News) - Polisi membongkar sindikat Saracen.\n"
    for entity in find_entities(nlp, text):
        assert "\n" not in entity.text, entity


def test_a_name_wrapped_in_a_hard_wrapped_paragraph_stays_one(nlp) -> None:
    lines = [
        "Pertemuan itu berlangsung di Jakarta pada pagi hari dan dihadiri oleh banyak",
        "pejabat dari berbagai negara di kawasan Asia Tenggara, termasuk Menteri Luar",
        "Negeri Retno Marsudi yang datang bersama rombongan dari kementerian yang",
        "dipimpinnya serta para duta besar negara sahabat yang bertugas di ibu kota",
        "untuk membahas kerja sama ekonomi dan keamanan kawasan dalam beberapa tahun",
        "ke depan.",
    ]
    doc = nlp.make_doc("\n".join(lines))
    assert not read_layout(doc).breaks  # a wrapped paragraph has no paragraph end inside
    assert ("Retno Marsudi", "PERSON") in ents(nlp, "\n".join(lines))


@pytest.mark.parametrize(
    ("opening", "city", "outlet"),
    [
        ("PEKANBARU, KOMPAS.com - Polda Riau menangkap tiga tersangka pembalakan liar.", "PEKANBARU", "KOMPAS.com"),
        ("JAKARTA (ANTARA) - Kementerian Dalam Negeri meminta laporan keuangan daerah.", "JAKARTA", "ANTARA"),
        ("BOGOTA, KOMPAS.com - Presiden Kolombia Gustavo Petro menolak tuduhan itu.", "BOGOTA", "KOMPAS.com"),
        ("Jakarta, CNN Indonesia -- Formappi menilai kinerja DPR buruk.", "Jakarta", "CNN Indonesia"),
    ],
)
def test_a_dateline_is_a_city_and_an_outlet(nlp, opening: str, city: str, outlet: str) -> None:
    found = ents(nlp, f"Judul Berita Ini\n\n{opening}\n")
    assert (city, "LOC") in found
    assert (outlet, "ORG") in found


def test_an_outlet_alone_opens_a_dateline(nlp) -> None:
    found = ents(nlp, "Suara.com - Pansus Hak Angket DPR RI menggelar rapat di Gedung Nusantara III.\n")
    assert found[0] == ("Suara.com", "ORG")


@pytest.mark.parametrize(
    "unit",
    [
        "Polres Metro Bekasi",
        "Bareskrim Polri",
        "Ditreskrimsus Polda Riau",
        "Setwan DPRD Riau",
        "Satgas Damai Cartenz",
        "Pemkab Kendal",
        "BPBD Kabupaten Jember",
    ],
)
def test_a_unit_with_its_region_is_one_organisation(nlp, unit: str) -> None:
    found = ents(nlp, f"Petugas {unit} memeriksa tiga saksi pada Senin (3/3) di lokasi kejadian.")
    assert (unit, "ORG") in found


def test_everyday_abbreviations_and_regulations_are_not_names(nlp) -> None:
    text = (
        "Sebanyak 150 KK terdampak banjir. Para ASN dan PNS diminta hadir, tamu VIP duduk di depan. "
        "RUPST perseroan digelar pekan lalu. UU Cipta Kerja dan Perpu Nomor 2 digugat, begitu pula POJK Nomor 10."
    )
    names = [t for t, label in ents(nlp, text) if label in {"PERSON", "ORG", "LOC"}]
    assert names == []


def test_a_word_capitalised_at_a_sentence_start_is_not_a_name(nlp) -> None:
    text = (
        "Terbaru, polisi menangkap dua pelaku di Bekasi. Menyinggung soal itu, warga resah. "
        "Pansus akan bekerja sampai akhir masa sidang, kata anggota pansus itu."
    )
    names = [t for t, label in ents(nlp, text) if label in {"PERSON", "ORG", "LOC"}]
    assert "Terbaru" not in names and "Menyinggung" not in names and "Pansus" not in names
    assert "Bekasi" in names


def test_a_rank_inside_a_run_of_names_starts_the_person(nlp) -> None:
    found = ents(nlp, "Hal itu disampaikan Kapolres Metro Bekasi Kombes Asep Adi Saputra kepada wartawan.")
    assert ("Asep Adi Saputra", "PERSON") in found
    assert not [t for t, _ in found if "Kombes" in t]


def test_a_club_named_after_its_town_is_an_organisation(nlp) -> None:
    text = (
        "Persija Jakarta menjamu Borneo FC di Stadion Patriot, Bekasi. Pelatih tim tamu mengakui "
        "pemain Bali United tampil lebih baik pekan lalu, ketika Real Madrid menjadi sorotan di Liga Champions. "
        "Madrid kini memimpin klasemen grup."
    )
    found = ents(nlp, text)
    assert ("Bali United", "ORG") in found
    assert ("Real Madrid", "ORG") in found
    assert ("Madrid", "ORG") in found  # the town standing for the club named after it
    assert not [t for t, label in found if label == "LOC" and t in {"Bali", "Madrid"}]


def test_a_town_where_only_a_team_fits_is_the_club_throughout_a_match_report(nlp) -> None:
    text = (
        "Lyon gagal meraih kemenangan setelah diimbangi Marseille tanpa gol dalam laga lanjutan Ligue 1. "
        "Marseille kini tertahan di posisi kelima klasemen. Kiper Marseille tampil gemilang sepanjang "
        "pertandingan, sementara penyerang tuan rumah membentur tembok lawan."
    )
    found = ents(nlp, text)
    assert [label for t, label in found if t == "Marseille"] == ["ORG", "ORG", "ORG"]


def test_a_town_in_a_report_without_a_match_stays_a_place(nlp) -> None:
    found = ents(nlp, "Wali kota menghadiri pameran di Marseille bersama delegasi dari Jakarta.")
    assert ("Marseille", "LOC") in found


def test_initials_of_a_suspect_are_a_person_at_each_mention(nlp) -> None:
    text = (
        "Polisi menangkap dua pemuda berinisial RH dan TW di sebuah rumah kos di Depok. "
        "Menurut polisi, TW berperan sebagai penadah, sedangkan RH mencuri sepeda motor korban. "
        "Kasat Reskrim mengatakan saudara TW sudah dua kali ditahan."
    )
    found = ents(nlp, text)
    assert [label for t, label in found if t in {"RH", "TW"}] == ["PERSON"] * 5


def test_a_name_that_starts_with_a_given_name_is_a_person(nlp) -> None:
    found = ents(nlp, "Umpan silang dari Ferdinand Hutapea gagal dimanfaatkan oleh penyerang Persebaya.")
    assert ("Ferdinand Hutapea", "PERSON") in found


def test_a_name_with_an_age_in_brackets_is_a_person(nlp) -> None:
    found = ents(nlp, "Rumah milik Sutarmi (56) rusak berat, sedangkan rumah milik Paijo (61) rusak ringan.")
    assert ("Paijo", "PERSON") in found


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Kapolda Jatim Irjen Pol Budi Santoso meninjau lokasi banjir.", "Jatim"),
        ("Wakil Gubernur Kaltim meninjau banjir di Samarinda bersama Kapolda Sulsel.", "Sulsel"),
        ("Kapolres Ogan Komering Ulu AKBP Dwi Santoso mengatakan pelaku sudah ditahan.", "Ogan Komering Ulu"),
        ("Banjir merendam Kecamatan Sindangkerta. Warga Cililin mengungsi ke masjid.", "Cililin"),
    ],
)
def test_provinces_short_forms_regencies_and_districts_are_places(nlp, text: str, place: str) -> None:
    assert (place, "LOC") in ents(nlp, text)


def test_an_enumeration_of_villages_keeps_every_item_a_place(nlp) -> None:
    found = ents(
        nlp, "Angin kencang merusak rumah warga di Desa Lamboti, Toinasa, Tolambo, dan Meko, Kecamatan Pamona Barat."
    )
    assert [(t, label) for t, label in found if t in {"Toinasa", "Tolambo", "Meko"}] == [
        ("Toinasa", "LOC"),
        ("Tolambo", "LOC"),
        ("Meko", "LOC"),
    ]
    found = ents(nlp, "Banjir merendam Desa Sukamulya, Wanasari, Tegalwaru, dan Margakaya di Kabupaten Karawang.")
    assert ("Margakaya", "LOC") in found


def test_a_list_of_a_place_and_people_is_no_list_of_places(nlp) -> None:
    found = ents(nlp, "Rapat dihadiri wakil dari Jakarta, Budi Santoso, dan Rina Wulandari.")
    assert ("Budi Santoso", "PERSON") in found and ("Rina Wulandari", "PERSON") in found


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Menurut BMKG, gempa itu dipicu aktivitas Sesar Lembang yang membentang di utara Bandung.", "Sesar Lembang"),
        ("Sungai meluap hingga ke lembah Baliem dan merendam ladang warga.", "lembah Baliem"),
    ],
)
def test_faults_and_valleys_are_places(nlp, text: str, place: str) -> None:
    assert (place, "LOC") in ents(nlp, text)


def test_indexes_competitions_and_laws_name_no_body(nlp) -> None:
    text = (
        "IHSG ditutup menguat 12 poin, sementara indeks Hang Seng melemah. Klub-klub Liga Primer "
        "kembali berbelanja pemain. DPR akan merevisi UU MPR, DPD, DPR dan DPRD tahun depan. "
        "Kementerian meminta seluruh BUMN ikut membantu korban."
    )
    names = [(t, label) for t, label in ents(nlp, text) if label in {"PERSON", "ORG", "LOC"}]
    assert not [t for t, _ in names if t in {"IHSG", "Hang Seng", "Liga Primer", "MPR", "DPD", "DPRD", "BUMN"}]
    assert ("DPR", "ORG") in names  # the body itself, before "akan merevisi"


@pytest.mark.parametrize(
    ("text", "first", "person"),
    [
        (
            "Presiden Amerika Serikat Donald Trump menelepon Perdana Menteri Jepang, Selasa.",
            ("Amerika Serikat", "LOC"),
            "Donald Trump",
        ),
        (
            "Sekretaris Jenderal PBB Antonio Guterres menyerukan gencatan senjata di Gaza.",
            ("PBB", "ORG"),
            "Antonio Guterres",
        ),
    ],
)
def test_a_place_or_body_run_into_the_person_after_it_is_split(
    nlp, text: str, first: tuple[str, str], person: str
) -> None:
    found = ents(nlp, text)
    assert first in found
    assert (person, "PERSON") in found


def test_a_capital_of_a_country_is_the_country(nlp) -> None:
    found = ents(nlp, "Ia menolak mengakui Yerusalem sebagai ibu kota Israel.")
    assert ("Israel", "LOC") in found


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Korban langsung dilarikan ke Puskesmas Kalisat 2 untuk mendapat perawatan.", "Puskesmas Kalisat 2"),
        ("Keduanya bertemu di salah satu kamar Hotel Sahira, Bogor, Kamis.", "Hotel Sahira"),
        ("Pengungsi ditampung di Musala Al-Ikhlas, Kecamatan Cisarua.", "Musala Al-Ikhlas"),
        ("Warga mengungsi ke Masjid Nurul Iman dan Puskesmas Cibeber.", "Puskesmas Cibeber"),
    ],
)
def test_buildings_named_with_their_kind_are_places(nlp, text: str, place: str) -> None:
    assert (place, "LOC") in ents(nlp, text)


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Siswa SMA Bina Bangsa ditemukan tewas di asrama sekolahnya.", "SMA Bina Bangsa"),
        ("Korban dirawat di RS Harapan Kita sejak Senin malam.", "RS Harapan Kita"),
    ],
)
def test_schools_and_hospitals_are_bodies(nlp, text: str, body: str) -> None:
    assert (body, "ORG") in ents(nlp, text)


def test_a_name_only_a_person_fits_is_no_body(nlp) -> None:
    found = ents(nlp, '"Kami sudah menyiapkan posko," kata Sutopo Purwo Nugroho di Jakarta.')
    assert ("Sutopo Purwo Nugroho", "PERSON") in found


def test_a_unit_chiefs_title_is_no_body(nlp) -> None:
    found = ents(nlp, "Kapolres di dampingi Kasat Reskrim AKP Harsono menjelaskan, pelaku sudah lama diincar.")
    found += ents(nlp, "Penangkapan dipimpin Kasat Narkoba AKP Dedi Kurniawan.")
    assert not [t for t, label in found if "Kasat" in t]
    assert ("Harsono", "PERSON") in found and ("Dedi Kurniawan", "PERSON") in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dua anggota Brimob yang terluka kini dirawat di rumah sakit.", [("Brimob", "ORG")]),
        (
            "Polres Musi Banyuasin Sumatera Selatan menangkap tiga pelaku pembalakan liar.",
            [("Polres Musi Banyuasin", "ORG"), ("Sumatera Selatan", "LOC")],
        ),
        ("IHSG BEI ditutup menguat tipis pada perdagangan Rabu.", [("BEI", "ORG")]),
    ],
)
def test_national_units_a_units_province_and_an_index_before_its_exchange(nlp, text: str, expected) -> None:
    found = [(t, label) for t, label in ents(nlp, text) if label in {"PERSON", "ORG", "LOC"}]
    assert found == expected


def test_a_persons_name_is_one_span(nlp) -> None:
    from spacy.tokens import Doc, Span

    from tui.core.nlp.consistency import Consistency
    from tui.core.nlp.gazetteer import load_gazetteer

    words = "Pengacara Ahed Tamimi dan Marc Anthony Klok hadir .".split()
    doc = Doc(nlp.vocab, words=words)
    spans = [Span(doc, 2, 3, "PERSON"), Span(doc, 4, 6, "PERSON"), Span(doc, 6, 7, "PERSON")]
    found = [(s.text, s.label_) for s in Consistency(load_gazetteer())._whole_persons(doc, words, spans)]
    assert found == [("Ahed Tamimi", "PERSON"), ("Marc Anthony Klok", "PERSON")]
    words = "Menhub Jonan dan Kyai Ageng hadir .".split()
    doc = Doc(nlp.vocab, words=words)
    spans = [Span(doc, 1, 2, "PERSON"), Span(doc, 4, 5, "PERSON")]
    found = [s.text for s in Consistency(load_gazetteer())._whole_persons(doc, words, spans)]
    assert found == ["Jonan", "Ageng"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A spokesman whose names are also words ("johan" = champion, "budi" = mind), after "kata".
        (
            '"Belum ada laporan," kata Juru Bicara Kepresidenan Johan Budi di Jakarta.',
            [("Johan Budi", "PERSON"), ("Jakarta", "LOC")],
        ),
        # An office of lexicon words alone stays an office: no person "Data Informasi".
        ("Kepala Pusat Data Informasi hadir dalam rapat itu.", []),
        # Foreign bodies named by an English tail word.
        (
            "Amnesty International yang berbasis di London mencatat hal itu.",
            [("Amnesty International", "ORG"), ("London", "LOC")],
        ),
        ("Human Rights Watch mendesak pemerintah membebaskannya.", [("Human Rights Watch", "ORG")]),
        # Venues named with their kind are places, even when the model reads the name as a person.
        (
            "Rossi kembali menang di Sirkuit Jerez, Spanyol.",
            [("Rossi", "PERSON"), ("Sirkuit Jerez", "LOC"), ("Spanyol", "LOC")],
        ),
        ("Kereta tambahan berangkat dari Stasiun Gambir pukul 08.00 WIB.", [("Stasiun Gambir", "LOC")]),
    ],
)
def test_speakers_offices_foreign_bodies_and_venues(nlp, text: str, expected) -> None:
    found = [(t, label) for t, label in ents(nlp, text) if label in {"PERSON", "ORG", "LOC"}]
    assert found == expected


def test_a_persons_name_stops_before_an_identity_number_which_is_no_amount(nlp) -> None:
    text = "Surat itu menyebut wajib pajak atas nama Budi Santoso NPWP 09.468.771.2-009.000 untuk tahun 2015."
    found = ents(nlp, text)
    assert ("Budi Santoso", "PERSON") in found
    assert not [t for t, label in found if label == "PERSON" and "NPWP" in t]
    assert not [t for t, label in found if label == "CARDINAL"]  # a tax number is no count


def test_a_place_after_di_stays_a_place_whoever_else_bears_its_word(nlp) -> None:
    from spacy.tokens import Doc, Span

    from tui.core.nlp.consistency import Consistency
    from tui.core.nlp.gazetteer import load_gazetteer

    # The model called one "Marlo" a person; "di Marlo Pool" is still somewhere.
    words = "Marlo hadir . Warga berenang di Marlo Pool .".split()
    doc = Doc(nlp.vocab, words=words)
    spans = [Span(doc, 0, 1, "PERSON", span_id="model"), Span(doc, 6, 8, "LOC", span_id="model")]
    found = [(s.text, s.label_) for s in Consistency(load_gazetteer())._persons(doc, spans, words)]
    assert ("Marlo Pool", "LOC") in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kepala Sekretaris Kabinet Yoshihide Suga mengatakan Jepang akan membekukan aset itu.",
            [("Yoshihide Suga", "PERSON"), ("Jepang", "LOC")],
        ),
        # An office that goes on after "dan" keeps its words: the speaker is the name after it.
        (
            '"Guncangan cukup kuat," ujar Kepala Bidang Informasi Gempa Bumi dan Peringatan Dini Tsunami,'
            " BMKG, Daryono, dalam keterangan tertulis.",
            [("BMKG", "ORG"), ("Daryono", "PERSON")],
        ),
        # A body named with an English tail, then by its first word alone.
        (
            "Amnesty International mengecam penahanan itu. Amnesty mengatakan penahanan itu tidak sah.",
            [("Amnesty International", "ORG"), ("Amnesty", "ORG")],
        ),
    ],
)
def test_cabinet_secretaries_long_offices_and_short_bodies(nlp, text: str, expected) -> None:
    found = [(t, label) for t, label in ents(nlp, text) if label in {"PERSON", "ORG", "LOC"}]
    assert found == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ia mendukung dialog antar-Korea yang konstruktif.",
        "Demonstran meneriakkan slogan anti-Israel di depan kedutaan.",
        "Kelompok pro-Rusia menguasai kota itu.",
    ],
)
def test_a_name_glued_to_a_prefix_is_a_word_not_a_name(nlp, text: str) -> None:
    found = [t for t, label in ents(nlp, text) if label in {"PERSON", "ORG", "LOC"}]
    assert not [t for t in found if t in {"Korea", "Israel", "Rusia"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"Ia pemain hebat," kata Manajer Manchester United Jose Mourinho kepada wartawan.',
            [("Manchester United", "ORG"), ("Jose Mourinho", "PERSON")],
        ),
        (
            "Pelatih Real Madrid Carlo Ancelotti mengatakan timnya siap.",
            [("Real Madrid", "ORG"), ("Carlo Ancelotti", "PERSON")],
        ),
        # "City" makes a club only between an office and its holder: Kansas City stays a city.
        ("Ia tinggal di Kansas City sejak 2010.", [("Kansas City", "LOC")]),
    ],
)
def test_a_club_between_an_office_and_its_holder(nlp, text: str, expected) -> None:
    found = [(t, label) for t, label in ents(nlp, text) if label in {"PERSON", "ORG", "LOC"}]
    assert found == expected
