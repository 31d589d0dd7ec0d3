"""The brat export read by brat itself: its ``verify_annotations.py`` and its ``annotation.py`` reader.

The story: a reader annotates three articles (the sample news story, a flood report with an emoji
and odd line ends, a file saved with CRLF and a byte order mark), highlighting and noting passages
the model also found as entities, across paragraphs, with notes full of quotes, commas, line
breaks, markup, formulas and escape codes. ``sorot export -f brat`` writes the directory, and
brat's own tools (vendored under ``tests/vendor/brat``, run in a child process as brat runs them)
must find nothing wrong with it and read back every span and note.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_export import annotate
from tui.core.annotations import DocumentRef, Kind, make_annotation
from tui.core.document import load_article, sample_article_path
from tui.core.entities import LABELS, Entity
from tui.core.formats import document_item, export
from tui.core.formats.brat import BRAT_VISUAL, ENTITY_COLOURS, HIGHLIGHT_COLOURS, one_line
from tui.core.store import Store

BRAT_SRC = Path(__file__).resolve().parents[1] / "vendor" / "brat" / "server" / "src"

# brat's reader, run as its own tools run it: the .txt as it reads it, every span's text and
# every note as it parses them, the lines it could not parse and every message it raised.
READ_BACK = r"""
import json, sys
import annotation, realmessage
from projectconfig import ProjectConfiguration

out = {}
for ann in sys.argv[1:]:
    doc = ann[: -len(".ann")]
    conf = ProjectConfiguration(doc.rsplit("/", 1)[0])
    with annotation.TextAnnotations(doc, read_only=True) as parsed:
        messages = parsed.get_messages()
        out[ann] = {
            "text": parsed.get_document_text(),
            "failed_lines": parsed.failed_lines,
            "errors": messages.errors,
            "warnings": messages.warnings,
            "textbounds": [[t.id, t.type, t.spans, t.text] for t in parsed.get_textbounds()],
            "notes": [[c.id, c.type, c.target, c.get_text()] for c in parsed.get_oneline_comments()],
            "entity_types": conf.get_entity_types(),
            "drawing": {t: conf.get_drawing_config_by_type(t) for t in conf.get_drawing_types()},
            "labels": conf.get_labels(),
        }
pending = []
realmessage.Messager.output(type("Sink", (), {"write": lambda self, s: pending.append(s)})())
out["messager"] = "".join(pending).strip()
print(json.dumps(out))
"""


def run_brat(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with brat's server sources on the path, run in an installation of brat at
    ``tmp_path``: the ``config.py`` its install script writes (brat looks for a project's
    configuration from the document's directory up to ``BASE_DIR``; the exports are inside it)."""
    install = tmp_path / "brat-install"
    install.mkdir(exist_ok=True)
    (install / "config.py").write_text(f"BASE_DIR = {str(tmp_path)!r}\n", encoding="utf-8")
    env = {"PYTHONPATH": f"{BRAT_SRC}:{install}", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, encoding="utf-8", env=env, cwd=install, timeout=120
    )


def verify(directory: Path, tmp_path: Path) -> list[str]:
    """What brat's ``verify_annotations.py`` says of every ``.ann`` in ``directory``: one line per
    issue (stdout) or per file it could not check (stderr)."""
    anns = sorted(str(p) for p in directory.glob("*.ann"))
    done = run_brat([str(BRAT_SRC / "verify_annotations.py"), *anns], tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines() + done.stderr.splitlines()


def read_back(directory: Path, tmp_path: Path) -> dict:
    anns = sorted(str(p) for p in directory.glob("*.ann"))
    done = run_brat(["-c", READ_BACK, *anns], tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# -- the library ----------------------------------------------------------------------------------

FLOOD = (
    "🌧️ Banjir melanda Semarang\n\n"
    "Hujan deras sejak Minggu malam membuat Kali Garang meluap.\u2028Wali Kota Hevearita Gunaryanti Rahayu "
    "meminta warga mengungsi ke balai kelurahan.\x0c\n\n"
    "Badan Penanggulangan Bencana Daerah mencatat 1.200 rumah terendam\tdi empat kecamatan 😢.\n"
)
CRLF = "Harga beras naik\r\n\r\nPedagang di pasar induk Cipinang, Jakarta Timur, mengeluh.\r\nBulog diam.\r\n"
HOSTILE = (
    'Kutip "ganda", koma, dan\nbaris baru\r\nCRLF\rCR saja\u2028LS\x85NEL\x0bVT\x0cFF\x1cFS '
    "[bold]tebal[/] <b>x</b> **md** =1+1 @SUM(A1) 𝕏 emoji 🇮🇩 \x1b]0;judul\x07 \x1b[31mmerah\x9b1m \x00 \u202eabc\tend"
)


@pytest.fixture
def library(tmp_path: Path) -> dict:
    """Three articles on disk and a database of the reader's annotations of them."""
    articles = tmp_path / "berita"
    articles.mkdir()
    sample = articles / "putin-kim.txt"
    sample.write_bytes(sample_article_path().read_bytes())
    (articles / "banjir.txt").write_text(FLOOD, encoding="utf-8")
    (articles / "beras.txt").write_bytes(b"\xef\xbb\xbf" + CRLF.encode("utf-8"))
    annotations, refs = [], []
    for path in sorted(articles.iterdir()):
        text = load_article(path).text  # as the reader opens it
        ref = DocumentRef.for_text(text, str(path.resolve()), path.stem)
        refs.append(ref)
        annotations += passages(text, ref)
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        for ref in refs:
            store.document_opened(ref)
        store.save_many(annotations)
    return {"db": db, "tmp": tmp_path, "annotations": annotations, "articles": articles}


def passages(text: str, ref: DocumentRef) -> list:
    """What a reader marks: names the model also finds, highlighted and noted (same span, inside,
    across), passages over paragraph breaks, and corrections of the model."""
    if "Putin" in text:
        first_para_end = text.index("\n")
        return [
            annotate(text, ref, "Vladimir Putin", "note", note=HOSTILE, tags=["Trump, Donald", 'kutip "x"', "tokoh"]),
            annotate(text, ref, "Vladimir Putin", colour="yellow"),
            annotate(text, ref, "Rusia, Vladimir", colour="green", note="melintasi batas entitas"),
            annotate(text, ref, "Kim Jong Un", colour="pink"),
            annotate(text, ref, "Pemimpin Tertinggi Korea Utara, Kim Jong Un", "note", note="jabatan\nlengkap"),
            annotate(text, ref, "Donald Trump", colour="merah"),  # another tool's colour
            annotate(text, ref, "Donald Trump", colour="blue"),
            make_annotation(text, first_para_end - 20, first_para_end + 30, document=ref, colour="orange"),
            make_annotation(text, first_para_end - 10, first_para_end + 12, "note", document=ref, note="dua paragraf"),
            annotate(text, ref, "Kursk", "entity-add", label="LOC", note="kota di Rusia"),
            annotate(text, ref, "Kim Jong Un", "entity-relabel", label="PERSON", note='=HYPERLINK("x")'),
        ]
    if "Banjir" in text:
        return [
            annotate(text, ref, "Kali Garang meluap.\u2028Wali Kota", note="lintas LS"),
            annotate(text, ref, "kelurahan.\x0c\n\nBadan", "note", note="form feed"),
            annotate(text, ref, "1.200 rumah terendam\tdi empat", colour="yellow", tags=["angka"]),
            annotate(text, ref, "kecamatan 😢", "note", note="emoji 😢 di akhir"),
            annotate(text, ref, "Hevearita Gunaryanti Rahayu", "entity-add", label="PERSON"),
            annotate(text, ref, "Semarang", "entity-add", label="LOC\x1b]0;x\x07"),  # a hostile label
        ]
    return [
        annotate(text, ref, "pasar induk Cipinang, Jakarta Timur", tags=["pangan"], note="@cmd|' /C calc'!A0"),
        annotate(text, ref, "Cipinang", "entity-add", label="FAC"),
        annotate(text, ref, "mengeluh.\nBulog", "note", note="baris\r\nkedua"),
    ]


def find(text: str) -> list[Entity]:
    """The model: people, places and bodies wherever their names occur (the same spans the
    reader highlights and notes)."""
    names = {
        "Vladimir Putin": "PERSON", "Kim Jong Un": "ORG", "Donald Trump": "PERSON", "Rusia": "GPE",
        "Korea Utara": "GPE", "Kali Garang": "LOC", "Badan Penanggulangan Bencana Daerah": "ORG",
        "Jakarta Timur": "GPE", "Bulog": "ORG", "Minggu malam": "DATE", "1.200": "CARDINAL",
    }  # fmt: skip
    found = [
        Entity(m.start(), m.end(), label, phrase) for phrase, label in names.items() for m in re.finditer(phrase, text)
    ]
    return sorted(found)


def export_library(library: dict) -> Path:
    from tui.core.exchange import run_export

    out = library["tmp"] / "brat"
    with Store.open(library["db"], read_only=True) as store:
        report = run_export(store, "brat", out=out, find=find)
    assert report.documents == 3 and not report.orphans
    return out


# -- brat's verdict -------------------------------------------------------------------------------


def test_brats_verifier_finds_nothing_wrong_and_its_reader_reads_every_span_and_note(library: dict) -> None:
    out = export_library(library)
    assert sorted(p.name for p in out.iterdir()) == [
        "annotation.conf", "banjir.ann", "banjir.txt", "beras.ann", "beras.txt",
        "putin-kim.ann", "putin-kim.txt", "visual.conf",
    ]  # fmt: skip

    assert verify(out, library["tmp"]) == []
    for ann in out.glob("*.ann"):  # a .ann read in a terminal acts on nothing: no raw control character
        assert not re.findall(
            "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", ann.read_text("utf-8")
        )

    read = read_back(out, library["tmp"])
    assert read.pop("messager") == ""  # no configuration warning either
    for ann, parsed in read.items():
        assert (parsed["failed_lines"], parsed["errors"], parsed["warnings"]) == ([], [], [])
        text = Path(ann).with_suffix(".txt").read_bytes().decode("utf-8")
        # brat reads the .txt as the reader shows it: the same code points, nothing translated.
        assert parsed["text"] == text and "\r" not in text and not text.startswith("\ufeff")
        for _, kind, spans, covered in parsed["textbounds"]:
            assert covered == " ".join(text[s:e] for s, e in spans)
            assert kind in parsed["entity_types"] and kind in parsed["drawing"] and kind in parsed["labels"]
        ids = {tid for tid, *_ in parsed["textbounds"]}
        assert all(kind == "AnnotatorNotes" and target in ids for _, kind, target, _ in parsed["notes"])

    putin = read[str(out / "putin-kim.ann")]
    text = putin["text"]
    notes = {target: note for _, _, target, note in putin["notes"]}
    spans = {(kind, tuple(map(tuple, spans))): tid for tid, kind, spans, _ in putin["textbounds"]}
    start = text.index("Vladimir Putin")
    where = ((start, start + len("Vladimir Putin")),)
    # An entity, a note and a highlight on the same span, each its own textbound.
    assert {("PERSON", where), ("Note", where), ("Highlight_yellow", where)} <= set(spans)
    assert notes[spans[("Note", where)]] == one_line(HOSTILE) + ' [tags: "Trump, Donald", "kutip \\"x\\"", "tokoh"]'
    # The relabel's note is on the entity it corrected.
    kim = text.index("Kim Jong Un")
    assert notes[spans[("PERSON", ((kim, kim + 11),))]] == '=HYPERLINK("x")'
    trump = text.index("Donald Trump")
    assert notes[spans[("Highlight", ((trump, trump + 12),))]] == '[colour: "merah"]'
    # A passage over a paragraph break is one discontinuous textbound, a fragment per line.
    (two,) = [s for (kind, s) in spans if kind == "Highlight_orange"]
    assert len(two) == 2 and "\n" in text[two[0][1] : two[1][0]]

    flood = read[str(out / "banjir.ann")]
    emoji = flood["text"].index("kecamatan 😢")
    # brat counts code points: the emoji before it is one character, as in Python.
    assert [s for _, kind, s, _ in flood["textbounds"] if kind == "Note"][-1] == [[emoji, emoji + 11]]
    # A passage over a line separator (U+2028) or a tab is cut there too: no .ann line holds one.
    covered = {c for _, _, _, c in flood["textbounds"]}
    assert {"Kali Garang meluap. Wali Kota", "1.200 rumah terendam di empat"} <= covered


def test_before_the_overlap_rule_brat_objected_to_every_shared_span(library: dict) -> None:
    """The same export with the ``[relations]`` of an ``annotation.conf`` without ``<OVERLAP>``:
    brat reports an error for each entity sharing a span with a note or highlight (what issue 16
    found), so the rule is what makes the difference."""
    out = export_library(library)
    conf = out / "annotation.conf"
    conf.write_text(re.sub(r"(?m)^<OVERLAP>.*\n", "", conf.read_text(encoding="utf-8")), encoding="utf-8")
    issues = verify(out, library["tmp"])
    assert issues and all("cannot" in issue or "crossing span" in issue for issue in issues)


# -- what the files say ---------------------------------------------------------------------------


def test_visual_conf_colours_are_the_readers(tmp_path: Path) -> None:
    """visual.conf draws entities in the reader's label colours (its truecolor palette) and
    highlights in the reader's highlight colours."""
    from tui.ui.palette import label_colours

    tcss = (Path(__file__).resolve().parents[2] / "tui" / "ui" / "app.tcss").read_text(encoding="utf-8")
    palette = {label: background.split()[0] for label, (background, _) in label_colours("truecolor").items()}
    assert ENTITY_COLOURS == {label: palette[label] for label in (*LABELS, "OTHER")}
    from tui.ui.overlays import HIGHLIGHT_COLOURS as READER_COLOURS

    assert tuple(HIGHLIGHT_COLOURS) == READER_COLOURS
    for colour in ("pink", "orange"):  # the two the stylesheet gives as hex
        assert re.search(rf"highlight--{colour} {{[^}}]*color: {HIGHLIGHT_COLOURS[colour]};", tcss)

    text = "Ada Lovelace menulis.\n"
    doc = DocumentRef.for_text(text)
    item = document_item(
        text, doc, [make_annotation(text, 0, 3, Kind.HIGHLIGHT, document=doc, colour="green")],
        entities=[Entity(0, 12, "PERSON", "Ada Lovelace"), Entity(13, 20, "Spesial!", "menulis")],
    )  # fmt: skip
    export("brat", [item], tmp_path / "b")
    visual = (tmp_path / "b" / BRAT_VISUAL).read_text(encoding="utf-8")
    assert f"\nPERSON\tbgColor:{ENTITY_COLOURS['PERSON']}\n" in visual
    assert f"\nSpesial_\tbgColor:{ENTITY_COLOURS['OTHER']}\n" in visual
    assert f"\nHighlight_green\tbgColor:{HIGHLIGHT_COLOURS['green']}\n" in visual
    assert "\nHighlight_green | Highlight (green)\n" in visual


def test_brat_counts_the_txt_as_written_crlf_bom_and_astral_characters_included(tmp_path: Path) -> None:
    """Whatever text a document has, the .txt is it byte for byte and brat reads the same code
    points: no newline translation (CRLF is two characters, a lone CR one), a leading U+FEFF is a
    character, an emoji or flag is one per code point, as Python counts."""
    text = "\ufeffJudul 🇮🇩\r\n\r\nPresiden 𝕏 Joko Widodo\rtiba di Jakarta.\r\nSelesai.\n"
    doc = DocumentRef.for_text(text, "/x/crlf.txt")
    start, jakarta = text.index("Joko"), text.index("Jakarta")
    item = document_item(
        text, doc,
        [make_annotation(text, start, text.index("Selesai"), Kind.NOTE, document=doc, note="a\r\nb")],
        entities=[Entity(start, start + 11, "PERSON", "Joko Widodo"), Entity(jakarta, jakarta + 7, "GPE", "Jakarta")],
    )  # fmt: skip
    export("brat", [item], tmp_path / "b")
    assert (tmp_path / "b" / "crlf.txt").read_bytes() == text.encode("utf-8")
    assert verify(tmp_path / "b", tmp_path) == []
    (parsed,) = [v for k, v in read_back(tmp_path / "b", tmp_path).items() if k != "messager"]
    assert parsed["text"] == text and (parsed["failed_lines"], parsed["errors"]) == ([], [])
    assert [t[1:] for t in parsed["textbounds"]] == [
        ["PERSON", [[start, start + 11]], "Joko Widodo"],
        ["GPE", [[jakarta, jakarta + 7]], "Jakarta"],
        ["Note", [[start, text.index("\r", start)], [text.index("tiba"), text.index(".\r\n") + 1]],
         "Joko Widodo tiba di Jakarta."],
    ]  # fmt: skip
    assert [n[3] for n in parsed["notes"]] == ["a⏎b"]
