"""Who said what, and aliases, on real-looking Indonesian news sentences (issue 15, items 13 and 14).

The sentences are made up in the shape of real articles; the entities are marked by hand in the
text (``⟦Budi Santoso|PERSON⟧``) so the rules are tested apart from the NER model.
"""

from __future__ import annotations

from tui.core.entities import Entity
from tui.core.facts import ClaimFact, Facts, extract_facts
from tui.core.nlp.training.realnews import parse_marked


def read(marked: str) -> Facts:
    """The facts of ``marked`` with its ``⟦text|LABEL⟧`` marks as the entities."""
    text, spans = parse_marked(marked)
    return extract_facts(text, [Entity(s.start, s.end, s.label, s.text) for s in spans])


def claim_with(facts: Facts, content: str) -> ClaimFact:
    """The one claim whose content holds ``content``."""
    found = [c for c in facts.claims if content in c.content]
    assert len(found) == 1, [(c.speaker, c.verb, c.content) for c in facts.claims]
    return found[0]


def said(facts: Facts) -> list[tuple[str, str]]:
    return [(c.speaker, c.verb) for c in facts.claims]


# -- item 14: verbs and forms of saying ----------------------------------------------------------


def test_verbs_of_saying_without_bahwa_and_attributions_that_close_a_quotation() -> None:
    facts = read(
        "⟦Budi Santoso|PERSON⟧ menyebut kenaikan harga beras dipicu cuaca buruk di sentra produksi. "
        '"Kami siap bertanding habis-habisan besok malam," tutup ⟦Budi|PERSON⟧. '
        '"Latihan tim sudah cukup untuk laga ini," sambungnya. '
        "⟦Ani Lestari|PERSON⟧ yakin timnya bisa lolos ke babak final."
    )
    assert said(facts) == [
        ("Budi Santoso", "menyebut"),
        ("Budi Santoso", "tutup"),
        ("Budi Santoso", "sambung"),
        ("Ani Lestari", "yakin"),
    ]
    assert claim_with(facts, "kenaikan harga").content == "kenaikan harga beras dipicu cuaca buruk di sentra produksi"


def test_verbs_of_asking_are_claims_with_a_clause_not_with_a_thing_asked_for() -> None:
    facts = read(
        "⟦Fadli Zon|PERSON⟧ meminta ⟦KPK|ORG⟧ menunda pemeriksaan terhadap ketua dewan. "
        "⟦Setya Novanto|PERSON⟧ meminta maaf kepada publik atas kejadian itu. "
        "Presiden ⟦Donald Trump|PERSON⟧ memperingatkan ⟦Korea Utara|LOC⟧ beberapa waktu lalu bahwa "
        "pihaknya akan menghadapi pembalasan."
    )
    assert said(facts) == [("Fadli Zon", "meminta"), ("Donald Trump", "memperingatkan")]
    assert claim_with(facts, "pembalasan").content == "pihaknya akan menghadapi pembalasan"


def test_an_attribution_inside_the_sentence_and_one_that_opens_it() -> None:
    facts = read(
        "Kepala Bidang Humas ⟦Polda Metro Jaya|ORG⟧ Kombes ⟦Asep Adi Saputra|PERSON⟧ mengungkapkan bahwa "
        "ketiga tersangka sudah ditahan. "
        "Selain itu, kata ⟦Asep|PERSON⟧, pelaku juga membeli bensin di sebuah kios eceran. "
        "Tambahnya, kepolisian juga sudah mendapatkan saksi pembelian bensin itu."
    )
    assert claim_with(facts, "membeli bensin").content == "pelaku juga membeli bensin di sebuah kios eceran"
    opening = claim_with(facts, "mendapatkan saksi")
    assert (opening.speaker, opening.verb, opening.speaker_text) == ("Asep Adi Saputra", "tambah", "Tambahnya")


# -- item 14: who is the speaker ------------------------------------------------------------------


def test_a_bare_office_is_the_person_who_holds_it() -> None:
    facts = read(
        "⟦Solo|LOC⟧ - Menteri Dalam Negeri ⟦Tjahjo Kumolo|PERSON⟧ mengapresiasi kinerja kepolisian. "
        '"Jangan berhenti, harus diusut motivasinya apa," kata Mendagri usai acara di ⟦Solo|LOC⟧. '
        "Menurut Mendagri, pada tahun depan sudah mulai pemilihan kepala daerah. "
        "Kapolda ⟦Jawa Tengah|LOC⟧ Irjen Pol ⟦Condro Kirono|PERSON⟧ hadir di lokasi. "
        "Kapolda mengatakan penetapan tersangka dilakukan setelah gelar perkara."
    )
    assert said(facts) == [("Tjahjo Kumolo", "kata"), ("Tjahjo Kumolo", "menurut"), ("Condro Kirono", "mengatakan")]
    assert [c.speaker_text for c in facts.claims] == ["Mendagri", "Mendagri", "Kapolda"]


def test_an_office_with_a_bracketed_body_before_the_name_gives_the_name() -> None:
    facts = read(
        '"Korban mengalami luka parah di bagian kepala," kata Kepala Bidang Kedaruratan dan Logistik '
        "⟦Badan Penanggulangan Bencana Daerah|ORG⟧ (⟦BPBD|ORG⟧) ⟦Jember|LOC⟧ ⟦Heru Widagdo|PERSON⟧ di ⟦Jember|LOC⟧."
    )
    assert said(facts) == [("Heru Widagdo", "kata")]


def test_a_pronoun_is_the_subject_of_the_previous_sentence_not_the_last_name() -> None:
    facts = read(
        "⟦Budi Santoso|PERSON⟧ mengatakan harga beras naik pekan ini. "
        "Setelah itu, ⟦Ani Lestari|PERSON⟧ mendatangi pasar bersama ⟦Rudi|PERSON⟧. "
        "Ia mengatakan stok beras di gudang masih aman. "
        '"Satu warga bernama ⟦Sakdiyah|PERSON⟧ ikut antre sejak pagi," ujarnya. '
        "Dia menambahkan harga gula juga stabil."
    )
    assert said(facts) == [
        ("Budi Santoso", "mengatakan"),
        ("Ani Lestari", "mengatakan"),
        ("Ani Lestari", "ujar"),
        ("Ani Lestari", "menambahkan"),
    ]


def test_a_previous_claim_by_a_body_is_what_the_next_pronoun_stands_for() -> None:
    facts = read(
        "⟦Juda Agung|PERSON⟧ mengatakan harga pangan naik bulan lalu. "
        "Menurut ⟦Bank Indonesia|ORG⟧, inflasi tahun ini akan cenderung turun. "
        '"Inflasi beras di Batam sudah tinggi," katanya.'
    )
    assert said(facts) == [("Juda Agung", "mengatakan"), ("Bank Indonesia", "menurut"), ("Bank Indonesia", "kata")]


def test_an_office_then_a_name_between_commas_and_a_name_selaku_an_office() -> None:
    facts = read(
        "⟦Polres Ogan Komering Ulu|ORG⟧ menangkap dua tersangka pencurian sapi. "
        "Kapolres, AKBP ⟦Leo Andi Gunawan|PERSON⟧, mengatakan bahwa kedua tersangka tak berkutik. "
        "Ketua DPP ⟦Partai Maju|ORG⟧, ⟦Rahmat Hidayat|PERSON⟧, mengatakan bahwa partainya siap berkoalisi. "
        "⟦Dewi Sartika|PERSON⟧ selaku Ketua Panitia mengatakan acara akan digelar pekan depan."
    )
    assert said(facts) == [
        ("Leo Andi Gunawan", "mengatakan"),
        ("Rahmat Hidayat", "mengatakan"),
        ("Dewi Sartika", "mengatakan"),
    ]


# -- item 13: aliases are one entity ------------------------------------------------------------


def entity_of(facts: Facts, name: str) -> tuple[str, tuple[str, ...]]:
    found = [e for e in facts.entities if e.text == name or name in e.aliases]
    assert len(found) == 1, [(e.text, e.aliases) for e in facts.entities]
    return found[0].text, found[0].aliases


def test_a_name_written_as_an_alias_is_the_same_person() -> None:
    facts = read(
        "Polisi menangkap ⟦Robson David Ferrao|PERSON⟧ alias ⟦Donald|PERSON⟧ di sebuah hotel. "
        "Pelaku lain, ⟦Muhammad Aljahra|PERSON⟧ yang akrab disapa ⟦Ucok|PERSON⟧, masih buron. "
        "⟦Donald|PERSON⟧ mengaku baru tiba dari luar negeri."
    )
    assert entity_of(facts, "Donald") == ("Robson David Ferrao", ("Donald",))
    assert entity_of(facts, "Ucok") == ("Muhammad Aljahra", ("Ucok",))
    assert claim_with(facts, "baru tiba").speaker == "Robson David Ferrao"


def test_a_national_body_with_and_without_its_country_is_one_entity() -> None:
    facts = read(
        "⟦DPR RI|ORG⟧ akan mengakhiri masa kerja pansus. Pimpinan ⟦DPR|ORG⟧ menggelar rapat konsultasi. "
        "⟦Mabes Polri|ORG⟧ menurunkan tim. ⟦Polri|ORG⟧ menyebut tim sudah tiba. ⟦Komisi III DPR|ORG⟧ ikut hadir."
    )
    assert entity_of(facts, "DPR") == ("DPR RI", ("DPR",))
    assert entity_of(facts, "Polri") == ("Mabes Polri", ("Polri",))
    assert entity_of(facts, "Komisi III DPR") == ("Komisi III DPR", ())


def test_a_middle_name_left_out_is_the_same_person() -> None:
    facts = read(
        "Wakil Gubernur ⟦Sandiaga Salahuddin Uno|PERSON⟧ meninjau lokasi kebakaran. "
        '"Kami akan menambah armada pemadam kebakaran," kata ⟦Sandiaga Uno|PERSON⟧.'
    )
    assert claim_with(facts, "menambah armada").speaker == "Sandiaga Salahuddin Uno"


# -- a person the NER labelled a body or a place, or fused with one -----------------------------


def test_a_full_name_labelled_a_body_joins_its_short_form_labelled_a_person() -> None:
    facts = read(
        "Kepala Pusat Data dan Humas Badan Nasional Penanggulangan Bencana (⟦BNPB|ORG⟧) "
        "⟦Raditya Jati Santoso|ORG⟧ mengatakan, pendataan korban banjir masih berlangsung. "
        '"Sebanyak 120 keluarga sudah mengungsi ke balai desa," kata ⟦Raditya|PERSON⟧.'
    )
    assert claim_with(facts, "pendataan korban").speaker == "Raditya Jati Santoso"
    assert claim_with(facts, "120 keluarga").speaker == "Raditya Jati Santoso"
    person = next(e for e in facts.entities if e.text == "Raditya Jati Santoso")
    assert person.label == "PERSON"


def test_a_place_fused_before_a_name_is_cut_off() -> None:
    facts = read(
        "⟦Lumajang|LOC⟧ (⟦ANTARA|ORG⟧) - Hujan deras merobohkan dua rumah warga. "
        '"Kami sudah mengirim tim reaksi cepat ke lokasi," kata Kepala Bidang ⟦Kedaruratan|PERSON⟧ dan '
        "Logistik BPBD ⟦Lumajang Wawan Hadi Siswoyo|LOC⟧ di ⟦Lumajang|LOC⟧. "
        "⟦Wawan|PERSON⟧ mengimbau warga untuk mewaspadai pohon tumbang di musim hujan."
    )
    assert claim_with(facts, "tim reaksi cepat").speaker == "Wawan Hadi Siswoyo"
    assert claim_with(facts, "mewaspadai pohon").speaker == "Wawan Hadi Siswoyo"


def test_a_body_or_a_title_fused_into_a_person_s_name_is_cut_off() -> None:
    facts = read(
        "Analis ⟦Mandiri Sekuritas Rendra Wibowo|PERSON⟧ mengatakan bahwa investor asing kembali melepas saham. "
        "⟦Prancis|LOC⟧ menolak rencana itu. Presiden ⟦Prancis Emmanuel Macron|LOC⟧ menegaskan bahwa "
        "negaranya tidak akan mundur dari kesepakatan iklim."
    )
    assert claim_with(facts, "melepas saham").speaker == "Rendra Wibowo"
    assert claim_with(facts, "kesepakatan iklim").speaker == "Emmanuel Macron"
    assert any(e.text == "Prancis" and e.label == "LOC" for e in facts.entities)


def test_a_place_named_after_a_title_or_a_head_stays_a_place() -> None:
    facts = read(
        "Bupati ⟦Sigi|PERSON⟧ menetapkan masa tanggap darurat di ⟦Kabupaten Sigi|LOC⟧. "
        "Kerusakan terparah terjadi di ⟦Sigi Biromaru|LOC⟧ dan ⟦Jakarta Pusat|LOC⟧, bukan di ⟦Jakarta|LOC⟧."
    )
    labels = {e.text: e.label for e in facts.entities}
    assert labels["Sigi Biromaru"] == "LOC"
    assert labels["Jakarta"] == "LOC" and labels["Jakarta Pusat"] == "LOC"


def test_a_balinese_name_keeps_its_i_or_ni() -> None:
    facts = read(
        "Peneliti Formappi, I ⟦Made Sukarsa Wijaya|PERSON⟧, mengatakan kinerja legislasi DPR masih rendah. "
        '"Target prolegnas tidak pernah tercapai," kata ⟦Made|PERSON⟧.'
    )
    assert claim_with(facts, "kinerja legislasi").speaker == "I Made Sukarsa Wijaya"
    assert claim_with(facts, "Target prolegnas").speaker == "I Made Sukarsa Wijaya"


# -- short names and pronouns ---------------------------------------------------------------------


def test_a_nickname_that_starts_one_person_s_first_name_is_that_person() -> None:
    facts = read(
        "Wakil Gubernur ⟦Hendrawan Saputra Wibisono|PERSON⟧ meninjau pos pemadam kebakaran. "
        '"Armada roda tiga bisa menembus gang sempit," kata ⟦Hendra|PERSON⟧. '
        '"Kami juga menambah hidran di permukiman padat," kata ⟦Santi|PERSON⟧.'
    )
    assert claim_with(facts, "gang sempit").speaker == "Hendrawan Saputra Wibisono"
    assert claim_with(facts, "hidran").speaker == "Santi"


def test_a_subject_with_no_mention_ending_in_a_known_surname_is_that_person() -> None:
    facts = read(
        "Sekretaris Jenderal ⟦Amina Hassan Mohammed|PERSON⟧ tiba di Jenewa. "
        "Sementara itu Mohammed mengatakan bahwa semua pihak harus menahan diri. "
        "Ia juga mengatakan bahwa dia siap menengahi perundingan."
    )
    assert claim_with(facts, "menahan diri").speaker == "Amina Hassan Mohammed"
    assert claim_with(facts, "menengahi").speaker == "Amina Hassan Mohammed"


def test_a_name_in_a_list_is_no_subject_for_a_pronoun() -> None:
    facts = read(
        "⟦Bambang Setiadi|PERSON⟧ mengatakan, pendataan rumah rusak masih berjalan. "
        "Dia menyebutkan, kerusakan terparah ada di Kecamatan Tawaeli. "
        "Desa yang rusak meliputi ⟦Panau|LOC⟧, ⟦Lambara|PERSON⟧, dan ⟦Baiya|PERSON⟧. "
        '"Sebanyak 90 keluarga mengungsi ke tenda darurat," ujarnya.'
    )
    assert claim_with(facts, "90 keluarga").speaker == "Bambang Setiadi"


# -- clause openers and the side of an attribution that was said --------------------------------


def test_a_subject_after_an_opening_connective_or_adverbial() -> None:
    facts = read(
        "Namun media ⟦Jepang|LOC⟧ melaporkan bahwa kabinet akan dirombak pekan depan. "
        "Di sisi lain mantan Ketua ⟦DPRD|ORG⟧ ⟦Rudi Hartono|PERSON⟧ meminta rapat paripurna ditunda pekan depan. "
        "Lebih lanjut ia mengatakan, anggaran perjalanan dinas akan dipangkas."
    )
    assert claim_with(facts, "kabinet akan dirombak").speaker == "media Jepang"
    assert claim_with(facts, "paripurna ditunda").speaker == "Rudi Hartono"
    assert claim_with(facts, "perjalanan dinas").speaker == "Rudi Hartono"


def test_an_attribution_inside_a_sentence_with_no_comma_after_or_a_verbless_side_before() -> None:
    facts = read(
        "Terkait jadwal rapat, kata ⟦Agus|PERSON⟧ pihaknya masih akan berkonsultasi dengan pimpinan fraksi. "
        "Sementara itu di ⟦Bukittinggi|LOC⟧, kata ⟦Agus|PERSON⟧, guncangan dirasakan cukup kuat. "
        "Harga cabai naik lima persen pekan ini, kata ⟦Agus|PERSON⟧ di ⟦Bukittinggi|LOC⟧, Senin."
    )
    assert [c.content for c in facts.claims] == [
        "pihaknya masih akan berkonsultasi dengan pimpinan fraksi",
        "guncangan dirasakan cukup kuat",
        "Harga cabai naik lima persen pekan ini",
    ]


def test_an_office_then_its_body_between_commas_then_the_holder() -> None:
    facts = read(
        '"Guncangan terasa cukup kuat di pesisir," ujar Kepala Bidang Mitigasi Gempa Bumi, ⟦BMKG|ORG⟧, '
        "⟦Rahmat Triyono|PERSON⟧, dalam keterangan tertulis."
    )
    assert claim_with(facts, "Guncangan terasa").speaker == "Rahmat Triyono"


def test_a_described_speaker_is_not_the_name_its_description_ends_with() -> None:
    facts = read(
        "Harian ⟦Kompas Raya|PERSON⟧ memuat wawancara itu. Kasus itu ramai dibicarakan, dan seorang kolumnis "
        "di harian ⟦Kompas Raya|PERSON⟧ mengatakan bahwa pemerintah terlambat bertindak."
    )
    assert claim_with(facts, "terlambat bertindak").speaker == "seorang kolumnis di harian Kompas Raya"


def test_a_name_with_a_comma_before_its_verb_and_a_body_in_a_relative_clause() -> None:
    facts = read(
        "Ketua Umum Asosiasi Pengusaha Ritel (⟦Aprindo|ORG⟧) ⟦Roy Mandey|PERSON⟧, mengatakan penjualan ritel naik "
        "tipis pada kuartal ketiga. Dewan menanggapi aspirasi ⟦Forum Guru Honorer|ORG⟧ yang meminta status mereka "
        "segera diangkat menjadi pegawai tetap."
    )
    assert claim_with(facts, "penjualan ritel").speaker == "Roy Mandey"
    assert claim_with(facts, "pegawai tetap").speaker == "Forum Guru Honorer"


def test_menurut_a_source_of_a_body_and_menurut_after_a_connective() -> None:
    facts = read(
        "Menurut rilis laporan ⟦BPS|ORG⟧ hari ini, terdapat 40 kota yang mengalami deflasi. "
        "Menurut indeks yang disusun oleh ⟦The Lancet|ORG⟧, layanan kesehatan Indonesia berada di peringkat ke-90. "
        "Sementara itu, menurut pengamat pertanian, ⟦Dwi Andreas|PERSON⟧, musim hujan belum tentu merugikan petani. "
        "Dilihat dari jenis sesarnya, menurut ⟦Dwi Andreas|PERSON⟧, tampak bahwa gempa itu tergolong dangkal."
    )
    assert claim_with(facts, "40 kota").speaker == "BPS"
    assert claim_with(facts, "peringkat ke-90").speaker == "The Lancet"
    assert claim_with(facts, "musim hujan").speaker == "Dwi Andreas"
    assert claim_with(facts, "tergolong dangkal").speaker == "Dwi Andreas"


def test_recognising_something_as_something_is_no_claim() -> None:
    facts = read("Presiden ⟦Donald Trump|PERSON⟧ secara resmi mengakui Yerusalem sebagai ibu kota Israel.")
    assert facts.claims == ()


def test_a_description_pointing_back_at_a_person_is_that_person() -> None:
    facts = read(
        "Ketua Umum ⟦Gaikindo|ORG⟧ ⟦Yohanes Santosa|PERSON⟧ mengatakan ekspor mobil naik 30 persen. "
        "Menurutnya, pasar Asia Tenggara masih terbuka lebar. "
        "Soal pajak, pria yang akrab disapa Pak Yos itu berdalih bahwa tarif PPnBM sedan masih terlalu tinggi."
    )
    assert claim_with(facts, "tarif PPnBM").speaker == "Yohanes Santosa"


def test_threats_sources_at_the_end_and_a_second_verb_after_an_attribution() -> None:
    facts = read(
        "Menteri Luar Negeri ⟦Inggris|LOC⟧ ⟦James Cleverly|PERSON⟧ secara terbuka mengancam akan "
        "menarik duta besarnya. "
        "Banjir itu juga mengancam keselamatan ratusan warga di bantaran sungai. "
        "Pasukan perdamaian sudah ditarik dari perbatasan sejak dua pekan lalu, demikian ⟦Reuters|ORG⟧ melaporkan. "
        '"Harga beras di Ambon sudah naik 20 persen," katanya, menambahkan selain Ambon, '
        "Ternate juga mencatat kenaikan."
    )
    assert claim_with(facts, "menarik duta besarnya").speaker == "James Cleverly"
    assert not [c for c in facts.claims if "keselamatan" in c.content]
    assert claim_with(facts, "Pasukan perdamaian").speaker == "Reuters"
    follow_on = claim_with(facts, "Ternate juga")
    assert (follow_on.verb, follow_on.speaker) == ("menambahkan", claim_with(facts, "Harga beras").speaker)


def test_a_name_written_out_before_its_acronym_and_a_source_of_a_body_as_subject() -> None:
    facts = read(
        "Jakarta - Lembaga Kajian Anggaran Publik (⟦LKAP|ORG⟧) menilai, penyerapan anggaran daerah "
        "tahun ini sangat lambat. "
        "Data dari ⟦Transfermarkt|ORG⟧ mengungkapkan, klub-klub Liga Inggris menghabiskan 1,2 miliar pound musim ini."
    )
    assert claim_with(facts, "penyerapan anggaran").speaker == "Lembaga Kajian Anggaran Publik"
    assert claim_with(facts, "1,2 miliar pound").speaker == "Transfermarkt"


def test_a_one_verb_claim_and_a_dot_against_the_next_sentence() -> None:
    facts = read(
        "Dalam rapat itu, Wakil Ketua DPR ⟦Agus Hermanto|PERSON⟧ menyatakan mendukung. "
        "Harga cabai naik karena pasokan seret dan harga .Inflasi pangan sepanjang tahun ini, menurut "
        "⟦Agus Hermanto|PERSON⟧, telah mencapai tujuh persen."
    )
    assert claim_with(facts, "mendukung").content == "mendukung"
    assert claim_with(facts, "Inflasi pangan").speaker == "Agus Hermanto"


def test_a_name_before_an_acronym_opens_with_a_capital() -> None:
    facts = read(
        "Peta guncangan Badan Meteorologi, Klimatologi, dan Geofisika (⟦BMKG|ORG⟧) menggambarkan, "
        "guncangan terasa sampai ke pesisir."
    )
    assert [c.speaker for c in facts.claims if "pesisir" in c.content] in ([], ["BMKG"])


def test_ia_or_dia_is_a_person_never_a_body_that_spoke_last() -> None:
    facts = read(
        "Ketua panitia ⟦Irwan Saleh|PERSON⟧ mengatakan acara dimulai pukul delapan pagi. "
        "Hasil audit ⟦BPK|ORG⟧ yang menyebutkan kerugian negara mencapai Rp 2 miliar menjadi dasarnya. "
        "Dia meminta semua pihak menunggu hasil pemeriksaan lanjutan."
    )
    assert claim_with(facts, "kerugian negara").speaker == "BPK"
    assert claim_with(facts, "hasil pemeriksaan").speaker == "Irwan Saleh"


def test_what_follows_an_attribution_is_no_content_when_it_describes_the_speaker_or_the_moment() -> None:
    facts = read(
        "Tidak ada korban jiwa dalam kejadian ini, kata ⟦Suhardi|PERSON⟧ jelang rapat dengan Komisi VII di gedung DPR. "
        "Kami belum bisa memastikan jumlahnya, kata ⟦Meles|PERSON⟧ seperti dikutip harian setempat. "
        "Alasan kedua, kata ⟦Basarah|PERSON⟧, calon presiden dan wakil presiden dari partai diserahkan sepenuhnya "
        "kepada ketua umum partai dalam rapat kerja nasional."
    )
    assert [c.content for c in facts.claims] == [
        "Tidak ada korban jiwa dalam kejadian ini",
        "Kami belum bisa memastikan jumlahnya",
        "calon presiden dan wakil presiden dari partai diserahkan sepenuhnya kepada ketua umum partai dalam rapat "
        "kerja nasional",
    ]


def test_a_name_particle_is_no_cut_and_a_name_one_letter_longer_is_no_nickname() -> None:
    facts = read(
        "Sejarawan membahas ⟦Minamoto no Yoritomo|PERSON⟧ dan ⟦Ludwig van Beethoven|PERSON⟧. "
        "Penyanyi ⟦Mariah Carey|PERSON⟧ tampil bersama ⟦Maria|PERSON⟧ di panggung yang sama."
    )
    names = {e.text for e in facts.entities}
    assert {"Minamoto no Yoritomo", "Ludwig van Beethoven", "Mariah Carey", "Maria"} <= names


def test_a_title_word_inside_a_name_and_a_company_after_a_known_body_stay_as_they_are() -> None:
    facts = read(
        "Menteri Agama ⟦Lukman Hakim Saefuddin|PERSON⟧ dan Menpora ⟦Imam Nahrawi|PERSON⟧ hadir. "
        "⟦Toyota|ORG⟧ melaporkan kenaikan penjualan. Presiden Direktur ⟦Toyota Astra Motor|ORG⟧ hadir pula. "
        "Wisatawan ⟦Korea|PERSON⟧ datang atas undangan ⟦Korea Tourism Organization|ORG⟧."
    )
    labels = {e.text: e.label for e in facts.entities}
    assert labels["Lukman Hakim Saefuddin"] == "PERSON" and labels["Imam Nahrawi"] == "PERSON"
    assert labels["Toyota Astra Motor"] == "ORG" and labels["Korea Tourism Organization"] == "ORG"


def test_the_subject_accompanied_by_someone_is_the_speaker() -> None:
    facts = read(
        '"Pelaku kami tangkap di rumahnya," kata Kapolres Kampar AKBP ⟦Ronald Sumaja|PERSON⟧. '
        "Kapolres didampingi Kasat Reskrim AKP ⟦Bima Hutapea|PERSON⟧ menjelaskan, pelaku sudah lama diintai petugas."
    )
    assert claim_with(facts, "lama diintai").speaker == "Ronald Sumaja"


def test_nya_after_a_quotation_is_the_person_quoted_not_a_suspect_named_between() -> None:
    facts = read(
        "⟦Kapolres Metro Depok|ORG⟧ Kombes ⟦Arya Wibisana|PERSON⟧ mengungkapkan ketiga tersangka itu adalah"
        " ⟦RN|PERSON⟧, ⟦BK|PERSON⟧ dan ⟦TS|PERSON⟧.\n"
        '"Ketiganya sudah kami tahan," kata ⟦Arya|PERSON⟧ di Depok.\n'
        "Saat penangkapan polisi terpaksa menembak kaki seorang pelaku berinisial ⟦TS|PERSON⟧."
        " Hal itu dilakukan karena ⟦TS|PERSON⟧ berusaha kabur.\n"
        '"Untuk saudara TS, perannya menyiram bensin," ujarnya.'
    )
    assert claim_with(facts, "perannya menyiram").speaker == "Arya Wibisana"


def test_a_body_named_by_its_first_word_is_the_body_named_in_full() -> None:
    facts = read(
        "⟦Amnesty International|ORG⟧ yang berbasis di ⟦London|LOC⟧ mengecam penahanan itu.\n"
        "⟦Amnesty|ORG⟧ mengatakan pada Senin bahwa penahanan seorang gadis tidak dapat dibenarkan."
    )
    assert claim_with(facts, "penahanan seorang gadis").speaker == "Amnesty International"
