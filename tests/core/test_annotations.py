"""The annotation model and re-anchoring: a reader's marks follow the passage when the text changes."""

from __future__ import annotations

import random
import re

import pytest

from tui.core.annotations import (
    CONTEXT_CHARS,
    Annotation,
    DocumentRef,
    TextPosition,
    TextQuote,
    locate,
    make_annotation,
    normalise_tags,
    reanchor,
    text_sha256,
)

ARTICLE = (
    "Jakarta - Presiden Joko Widodo meresmikan bendungan baru di Jawa Tengah pada Senin pagi. "
    "Bendungan itu menelan biaya Rp 2,1 triliun dan akan mengairi 12.000 hektare sawah.\n\n"
    "Menteri Pekerjaan Umum Basuki Hadimuljono mengatakan proyek ini selesai tepat waktu. "
    "Ia menambahkan bahwa dua bendungan lain sedang dibangun di Nusa Tenggara Timur.\n\n"
    "Warga setempat menyambut baik peresmian tersebut karena musim kemarau tahun lalu "
    "membuat banyak petani gagal panen."
)


def annotate(text: str, passage: str, occurrence: int = 0, **kwargs) -> Annotation:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(passage, start + 1)
    return make_annotation(text, start, start + len(passage), **kwargs)


def anchored_text(text: str, anchored) -> str | None:
    return None if anchored.start is None else text[anchored.start : anchored.end]


# --- the model ---------------------------------------------------------------------------------


def test_make_annotation_takes_the_quote_and_its_context_from_the_text() -> None:
    ann = annotate(ARTICLE, "Basuki Hadimuljono", note="menteri PUPR", tags=["politik", " infrastruktur ", "Politik"])
    start = ARTICLE.index("Basuki Hadimuljono")
    assert (ann.start, ann.end) == (start, start + len("Basuki Hadimuljono"))
    assert ann.quote.exact == "Basuki Hadimuljono"
    assert ann.quote.prefix == ARTICLE[start - CONTEXT_CHARS : start]
    assert ann.quote.suffix == ARTICLE[ann.end : ann.end + CONTEXT_CHARS]
    assert ann.document.sha256 == text_sha256(ARTICLE)
    assert ann.tags == ("politik", "infrastruktur")  # trimmed, repeats (any case) dropped
    assert ann.kind == "highlight" and ann.status == "ok"
    assert ann.created == ann.updated and ann.created.endswith("Z")
    assert len(ann.id) == 32 and ann.id != annotate(ARTICLE, "Basuki Hadimuljono").id


def test_context_is_cut_at_the_ends_of_the_text() -> None:
    ann = make_annotation(ARTICLE, 0, 7)
    assert ann.quote == TextQuote("Jakarta", "", ARTICLE[7 : 7 + CONTEXT_CHARS])
    end = make_annotation(ARTICLE, len(ARTICLE) - 6, len(ARTICLE))
    assert end.quote.suffix == "" and end.quote.exact == "panen."


@pytest.mark.parametrize(("start", "end"), [(5, 5), (-1, 3), (10, 5), (0, 10**6)])
def test_make_annotation_refuses_empty_or_outside_spans(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        make_annotation(ARTICLE, start, end)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown annotation kind"):
        make_annotation(ARTICLE, 0, 7, "scribble")


def test_json_round_trip_keeps_every_field_and_untrusted_text_as_is() -> None:
    hostile = "[@click=app.quit]x[/] [bold]tebal[/bold] \\n \u2028 \ud800 <script>"
    ann = annotate(
        ARTICLE,
        "Rp 2,1 triliun",
        kind="entity-relabel",
        note=hostile,
        tags=["[red]tag[/red]", "uang"],
        label="MONEY",
        colour="kuning",
        document=DocumentRef(text_sha256(ARTICLE), "/berita/[x].txt", "Judul [b]"),
    )
    data = ann.to_dict()
    assert data["position"] == {"start": ann.start, "end": ann.end}
    assert data["quote"]["exact"] == "Rp 2,1 triliun"
    back = Annotation.from_dict(data)
    assert back == ann
    assert back.note == hostile and back.tags == ("[red]tag[/red]", "uang")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": ""}, "no id"),
        ({"kind": "doodle"}, "unknown annotation kind"),
        ({"position": {"start": 9, "end": 3}}, "bad position"),
        ({"position": {"start": True, "end": 3}}, "bad position"),
        ({"quote": {"exact": ""}}, "empty quote"),
        ({"quote": None}, "needs a position and a quote"),
        ({"tags": "a,b"}, "tags must be a list"),
        ({"status": "lost"}, "unknown status"),
        ({"document": {"path": "x"}}, "sha256"),
        ({"note": 5}, "note must be a string"),
    ],
)
def test_from_dict_names_what_is_wrong(change: dict, message: str) -> None:
    data = annotate(ARTICLE, "Jawa Tengah").to_dict() | change
    with pytest.raises(ValueError, match=message):
        Annotation.from_dict(data)


def test_edited_stamps_the_update_time_and_normalises_tags() -> None:
    ann = make_annotation(ARTICLE, 0, 7, now="2020-01-01T00:00:00.000Z")
    changed = ann.edited(note="ibu kota", tags="a, b ,a")
    assert changed.note == "ibu kota" and changed.tags == ("a", "b")
    assert changed.created == ann.created and changed.updated > ann.updated
    assert changed.id == ann.id


def test_normalise_tags_accepts_a_comma_separated_string() -> None:
    assert normalise_tags(" politik, ,Ekonomi,politik ") == ("politik", "Ekonomi")


# --- re-anchoring --------------------------------------------------------------------------------


def test_unchanged_text_anchors_everything_ok_in_place() -> None:
    anns = [annotate(ARTICLE, p) for p in ("Joko Widodo", "Basuki", "gagal panen")]
    result = reanchor(anns, ARTICLE)
    assert [(a.status, a.start, a.end) for a in result] == [("ok", a.start, a.end) for a in anns]


def test_an_edit_above_the_passage_moves_it_by_the_inserted_length() -> None:
    anns = [annotate(ARTICLE, p) for p in ("Basuki Hadimuljono", "Nusa Tenggara Timur", "gagal panen")]
    inserted = "Pembaruan: berita ini telah diperbarui pada pukul 10.00 WIB.\n\n"
    edited = inserted + ARTICLE
    for a, ann in zip(reanchor(anns, edited), anns):
        assert a.status == "moved"
        assert (a.start, a.end) == (ann.start + len(inserted), ann.end + len(inserted))
        assert anchored_text(edited, a) == ann.quote.exact


def test_an_edit_below_the_passage_leaves_it_ok() -> None:
    ann = annotate(ARTICLE, "Joko Widodo")
    edited = ARTICLE.replace("membuat banyak petani gagal panen", "membuat panen turun")
    (a,) = reanchor([ann], edited)
    assert (a.status, a.start, a.end) == ("ok", ann.start, ann.end)


def test_a_deleted_passage_is_orphaned_not_dropped() -> None:
    ann = annotate(ARTICLE, "dua bendungan lain sedang dibangun")
    sentence = "Ia menambahkan bahwa dua bendungan lain sedang dibangun di Nusa Tenggara Timur."
    edited = ARTICLE.replace(sentence, "")
    (a,) = reanchor([ann], edited)
    assert a.status == "orphaned" and a.orphaned
    assert a.start is None and a.end is None
    assert a.annotation is ann  # the annotation itself is kept whole, to re-attach or delete


def test_a_duplicated_passage_is_found_by_its_context() -> None:
    ann = annotate(ARTICLE, "Bendungan itu menelan biaya")
    # The same words now also appear earlier, in a new paragraph with other surroundings.
    extra = "Kilas balik: Bendungan itu menelan biaya lebih kecil dari rencana awal, kata pejabat daerah.\n\n"
    edited = extra + ARTICLE
    (a,) = reanchor([ann], edited)
    assert a.status == "moved"
    assert a.start == ann.start + len(extra)
    assert edited.count("Bendungan itu menelan biaya") == 2


def test_a_look_alike_with_other_context_is_not_attached() -> None:
    ann = annotate(ARTICLE, "Jawa Tengah")
    # The original sentence is gone; the words survive only in an unrelated sentence.
    edited = ARTICLE.replace("meresmikan bendungan baru di Jawa Tengah pada Senin pagi", "meresmikan bendungan baru")
    edited += "\n\nSementara itu, hujan deras turun di Jawa Tengah sejak kemarin sore."
    assert edited.count("Jawa Tengah") == 1
    (a,) = reanchor([ann], edited)
    assert a.status == "orphaned"


def test_identical_copies_without_distinguishing_context_orphan_the_annotation() -> None:
    lead = "Berikut laporan dari koresponden kami di lapangan: "
    report = "harga beras naik lagi minggu ini."
    tail = " Laporan selengkapnya menyusul dalam edisi berikutnya."
    text = f"Edisi pagi.\n\n{lead}{report}{tail}"
    ann = annotate(text, "harga beras naik lagi")
    # The report now appears twice with the same 32 characters around it, away from its old place.
    edited = f"Edisi siang yang diperbarui.\n\n{lead}{report}{tail}\n\n{lead}{report}{tail}"
    (a,) = reanchor([ann], edited)
    assert a.status == "orphaned"


def test_a_small_edit_inside_the_passage_is_followed_with_new_boundaries() -> None:
    ann = annotate(ARTICLE, "Menteri Pekerjaan Umum Basuki Hadimuljono mengatakan")
    edited = "Baru: " + ARTICLE.replace("Basuki Hadimuljono mengatakan", "Basuki Hadimoeljono mengatakan")
    (a,) = reanchor([ann], edited)
    assert a.status == "moved"
    assert anchored_text(edited, a) == "Menteri Pekerjaan Umum Basuki Hadimoeljono mengatakan"


def test_a_long_highlighted_passage_with_an_insertion_inside_keeps_its_ends() -> None:
    words = re.findall(r"\w+", ARTICLE)
    rng = random.Random(11)
    text = " ".join(rng.choice(words) for _ in range(8000))
    start = 20_000
    ann = make_annotation(text, start, start + 3000)
    middle = start + 1500
    edited = "Ralat.\n" + text[:middle] + " (kalimat sisipan redaksi)" + text[middle:]
    (a,) = reanchor([ann], edited)
    assert a.status == "moved"
    assert (a.start, a.end) == (start + 7, start + 3000 + 7 + len(" (kalimat sisipan redaksi)"))


def test_a_rewritten_passage_is_orphaned_even_in_the_same_place() -> None:
    ann = annotate(ARTICLE, "proyek ini selesai tepat waktu")
    edited = ARTICLE.replace("proyek ini selesai tepat waktu", "pembangunan molor dua tahun")
    (a,) = reanchor([ann], edited)
    assert a.status == "orphaned"


def test_a_short_passage_replaced_in_unchanged_context_is_orphaned() -> None:
    """The context matches perfectly, but the day itself changed: attaching would misattribute."""
    ann = annotate(ARTICLE, "Senin", kind="entity-add", label="DATE")
    (a,) = reanchor([ann], ARTICLE.replace("Senin pagi", "Selasa pagi"))
    assert a.status == "orphaned"


def test_quote_still_at_its_position_stays_ok_when_the_context_changed() -> None:
    ann = annotate(ARTICLE, "Basuki Hadimuljono")
    # Same length before the passage, different words: the position still holds the quote.
    edited = ARTICLE.replace("Menteri Pekerjaan Umum", "Pejabat Kementerian PU")
    assert len(edited) == len(ARTICLE)
    found = locate(edited, ann.position, ann.quote)
    assert (found.status, found.start, found.end) == ("ok", ann.start, ann.end)


def test_a_stale_position_outside_the_text_is_handled() -> None:
    quote = TextQuote("Basuki", "Menteri Pekerjaan Umum ", " Hadimuljono")
    found = locate(ARTICLE, TextPosition(10**6, 10**6 + 6), quote)
    assert found.status == "moved" and ARTICLE[found.start : found.end] == "Basuki"


def test_rebased_points_the_annotation_at_the_new_text() -> None:
    ann = annotate(ARTICLE, "Basuki Hadimuljono", note="catatan")
    edited = "Judul baru\n\n" + ARTICLE
    ref = DocumentRef.for_text(edited, "/berita/a.txt", "A")
    (a,) = reanchor([ann], edited)
    moved = a.rebased(edited, ref)
    assert moved.id == ann.id and moved.note == "catatan" and moved.status == "moved"
    assert moved.document == ref
    assert edited[moved.start : moved.end] == ann.quote.exact
    assert moved.quote == TextQuote.at(edited, moved.start, moved.end)
    orphan = reanchor([ann], "teks lain sama sekali")[0].rebased("teks lain sama sekali", ref)
    assert orphan.status == "orphaned" and orphan.position == ann.position and orphan.document == ann.document


def test_many_annotations_on_a_long_article_all_follow_an_edit() -> None:
    """1000 annotations on a 100,000-character article, after a paragraph is inserted at the top
    and one in the middle is deleted: everything outside the deleted paragraph is found exactly."""
    words = re.findall(r"\w+", ARTICLE)
    rng = random.Random(3)
    text = " ".join(f"{rng.choice(words)}{rng.randrange(100)}" for _ in range(30_000))[:100_000]
    anns = []
    for _ in range(1000):
        start = rng.randrange(0, len(text) - 60)
        anns.append(make_annotation(text, start, start + rng.randrange(4, 60)))
    cut = (50_000, 51_000)
    edited = "Pembaruan redaksi.\n\n" + text[: cut[0]] + text[cut[1] :]
    result = reanchor(anns, edited)
    for a in result:
        inside_cut = a.annotation.end > cut[0] and a.annotation.start < cut[1]
        if inside_cut:
            assert a.status in ("orphaned", "moved")
            if a.status == "moved":  # only a passage that survived, with its context, is kept
                assert anchored_text(edited, a) == a.annotation.quote.exact
        else:
            assert a.status == "moved", a
            assert anchored_text(edited, a) == a.annotation.quote.exact


def test_a_passage_found_once_with_one_side_of_its_context_intact_moves_with_a_new_dateline() -> None:
    from tui.core.annotations import make_annotation, reanchor

    text = "Presiden Joko Widodo meresmikan bendungan di Jawa Tengah pada Senin pagi bersama menteri."
    ann = make_annotation(text, 9, 20, "note")  # "Joko Widodo"
    edited = "SEMARANG, KOMPAS - " + text.replace("Presiden ", "Kepala negara, ")
    (anchored,) = reanchor([ann], edited)
    assert anchored.status == "moved" and edited[anchored.start : anchored.end] == "Joko Widodo"
    # Both sides rewritten: the same words elsewhere are a look-alike, not the passage.
    other = "Kemarin di kota Solo, Joko Widodo tidak hadir karena hujan turun sejak pagi hari."
    assert reanchor([ann], other)[0].status == "orphaned"


def test_every_kind_says_what_it_is_in_each_place_that_shows_it() -> None:
    """One registry of kinds: a kind added without its W3C motivation, name or list mark, or two
    kinds sharing a name or a mark, fails here rather than in an export or the Notes list."""
    from tui.core.annotations import ENTITY_KINDS, KINDS, Kind

    assert KINDS == tuple(kind.value for kind in Kind) and set(ENTITY_KINDS) <= set(KINDS)
    w3c_motivations = {
        "assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
        "identifying", "linking", "moderating", "questioning", "replying", "tagging",
    }  # fmt: skip
    for kind in Kind:
        assert kind.motivation in w3c_motivations, kind
        assert kind.display_name and kind.mark, kind
        assert kind.corrects_entities == kind.value.startswith("entity-"), kind
    assert len({kind.display_name for kind in Kind}) == len({kind.mark for kind in Kind}) == len(Kind)


def test_a_stored_kind_reads_back_as_its_member_as_the_enum_call_does() -> None:
    from tui.core.annotations import Kind

    for kind in Kind:
        assert Kind.of(kind.value) is Kind(kind.value) is kind
        assert Kind.of(kind) is kind
    for bad in ("scribble", "NOTE", "", "Note"):
        with pytest.raises(ValueError) as enum_says:
            Kind(bad)
        with pytest.raises(ValueError) as of_says:
            Kind.of(bad)
        assert str(of_says.value) == str(enum_says.value), bad


def test_a_common_word_without_context_is_orphaned_not_scanned_everywhere(monkeypatch) -> None:
    """A quote-only annotation (as Hypothesis writes them, imported with --doc) of a word found
    100,000 times: ambiguous, found out from the first few occurrences."""
    text = "Judul\n\n" + "Warga Jakarta datang. " * 100_000
    seen = []
    real = str.find

    class Counting(str):
        def find(self, *args):  # type: ignore[override]
            seen.append(args[0])
            return real(self, *args)

    anchor = locate(Counting(text), TextPosition(0, 0), TextQuote("a"))
    assert anchor.status == "orphaned"
    assert len(seen) < 100  # not one find per occurrence
    # With its whole context, the passage twice over is as ambiguous: orphaned, never a guess.
    twice = locate(text, TextPosition(0, 0), TextQuote("Jakarta", "Warga ", " datang"))
    assert twice.status == "orphaned"
    # Once in the text, it is found however common its word.
    once = text + "Warga Jakarta Utara pulang."
    found = locate(once, TextPosition(0, 0), TextQuote("Jakarta", "Warga ", " Utara pulang"))
    assert found.status == "moved" and once[found.start : found.end] == "Jakarta" and found.start > len(text)
