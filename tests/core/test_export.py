"""Export and import: each format read back by the tools of its own ecosystem, and the round trips.

The story: a reader annotates two articles (notes with commas, quotes and newlines, tags in
Indonesian with accents, markup-looking text), corrects the model's entities, then exports every
format, edits a file and exports it again, and imports the JSON-LD into a fresh database.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import spacy
from markdown_it import MarkdownIt
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from tests.core.test_training import write_corpora
from tui.core.annotations import Anchored, Annotation, DocumentRef, make_annotation
from tui.core.corrections import corrected_entities
from tui.core.entities import Entity, in_order
from tui.core.exchange import ExchangeError, ExportReport, run_export, run_import
from tui.core.formats import (
    FORMATS,
    AnnotationImportError,
    document_item,
    export,
    import_annotations,
    render,
)
from tui.core.formats.w3c import W3C_CONTEXT
from tui.core.store import Store

DAM = (
    "Bendungan baru diresmikan\n\n"
    "Presiden Joko Widodo meresmikan bendungan di Jawa Tengah pada Senin pagi. Bendungan itu menelan "
    "biaya Rp 2,1 triliun.\n"
    "Menteri Basuki Hadimuljono mengatakan PT Waskita Karya menyelesaikan proyek Jakarta-Semarang "
    "tepat waktu.\n"
)
RICE = (
    "Harga beras naik lagi\n\n"
    "Harga beras naik lagi minggu ini menurut pedagang di pasar induk Cipinang, Jakarta Timur.\n"
    "Kementerian Perdagangan berjanji menambah pasokan [bold]x[/] dari Bulog.\n"
)
# What the "model" finds: one entity wrong in label, one that is no entity, one place missed.
MODEL = {
    "Joko Widodo": "PERSON",
    "Jawa Tengah": "LOC",
    "Basuki Hadimuljono": "ORG",
    "Waskita Karya": "LOC",
    "Cipinang": "LOC",
    "Kementerian Perdagangan": "ORG",
}
NOTE = 'Cek lagi: "biaya", angka, dan\nbaris kedua; koma, "kutip"'


def find(text: str) -> list[Entity]:
    """A stand-in for the pipeline: the entities of MODEL wherever they occur."""
    found = []
    for phrase, label in MODEL.items():
        for match in re.finditer(re.escape(phrase), text):
            found.append(Entity(match.start(), match.end(), label, phrase))
    return sorted(found)


def annotate(text: str, doc: DocumentRef, passage: str, kind: str = "highlight", **kwargs) -> Annotation:
    start = text.index(passage)
    return make_annotation(text, start, start + len(passage), kind, document=doc, **kwargs)


@pytest.fixture
def library(tmp_path: Path) -> dict:
    """Two annotated articles on disk and a database holding their annotations."""
    articles = tmp_path / "berita"
    articles.mkdir()
    dam, rice = articles / "bendungan.txt", articles / "beras.txt"
    dam.write_text(DAM, encoding="utf-8")
    rice.write_text(RICE, encoding="utf-8")
    dam_ref = DocumentRef.for_text(DAM, str(dam.resolve()), "Bendungan baru diresmikan")
    rice_ref = DocumentRef.for_text(RICE, str(rice.resolve()), "Harga beras naik lagi")
    annotations = [
        annotate(DAM, dam_ref, "Rp 2,1 triliun", "note", note=NOTE, tags=["anggaran", "pembangunan", "café"]),
        annotate(DAM, dam_ref, "Presiden Joko Widodo", colour="kuning", tags=["tokoh"]),
        annotate(DAM, dam_ref, "Senin pagi", "entity-add", label="DATE"),
        annotate(DAM, dam_ref, "Basuki Hadimuljono", "entity-relabel", label="PER"),
        annotate(DAM, dam_ref, "Waskita Karya", "entity-reject", note="bukan tempat"),
        annotate(DAM, dam_ref, "Jakarta", "entity-add", label="LOC"),
        annotate(RICE, rice_ref, "[bold]x[/]", "note", note="[@click=app.quit]x[/] **tebal** <script>"),
        annotate(RICE, rice_ref, "pasar induk Cipinang", tags=["pangan"], note="=1+1"),
    ]
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        for ref in (dam_ref, rice_ref):
            store.document_opened(ref)  # the reader opened both files with this database
        store.save_many(annotations)
    return {"db": db, "dam": dam, "rice": rice, "annotations": annotations, "tmp": tmp_path}


def export_db(fmt: str, db: Path, *args, **kwargs) -> ExportReport:
    """An export of the database at ``db``, opened read-only (as ``sorot export`` opens it)."""
    with Store.open(db, read_only=True) as store:
        return run_export(store, fmt, *args, **kwargs)


def exported(fmt: str, db: Path, **kwargs) -> tuple[str, ExportReport]:
    out = io.BytesIO()
    report = export_db(fmt, db, stdout=out, find=find, **kwargs)
    return out.getvalue().decode("utf-8"), report


# -- entity corrections -----------------------------------------------------------------------------


def test_corrections_add_relabel_and_reject_the_models_entities() -> None:
    doc = DocumentRef.for_text(DAM)
    fixes = [
        annotate(DAM, doc, "Senin pagi", "entity-add", label="DATE"),
        annotate(DAM, doc, "Basuki Hadimuljono", "entity-relabel", label="PER"),  # spaCy's name: PERSON
        annotate(DAM, doc, "Waskita Karya", "entity-reject"),
        annotate(DAM, doc, "Jawa Tengah", "entity-reject", label="ORG"),  # rejects only an ORG there
        annotate(DAM, doc, "Presiden Joko Widodo", "entity-add", label="PERSON"),  # swallows "Joko Widodo"
        annotate(DAM, doc, "Semarang", "entity-relabel", label="LOC"),  # nothing there: added
        annotate(DAM, doc, "Bendungan itu", "highlight"),
    ]
    got = corrected_entities(find(DAM), fixes, DAM)
    assert [(e.text, e.label) for e in got] == [
        ("Presiden Joko Widodo", "PERSON"),
        ("Jawa Tengah", "LOC"),
        ("Senin pagi", "DATE"),
        ("Basuki Hadimuljono", "PERSON"),
        ("Semarang", "LOC"),
    ]
    assert all(DAM[e.start : e.end] == e.text for e in got)


def test_without_corrections_the_models_entities_come_back_in_document_order() -> None:
    """No correction in force (a highlight, an orphan): the model's list, sorted only if it is not."""
    first, second, third = Entity(0, 3, "PERSON", "Ada"), Entity(3, 5, "ORG", "XY"), Entity(9, 12, "LOC", "Abc")
    doc = DocumentRef.for_text(DAM)
    others = [annotate(DAM, doc, "Bendungan itu", "highlight")]
    others.append(Anchored(annotate(DAM, doc, "Jakarta", "entity-add", label="LOC"), "orphaned"))
    assert corrected_entities([third, first, second], others) == [first, second, third]
    assert corrected_entities([first, second, third], others) == [first, second, third]
    assert in_order([first, second, third]) and in_order([]) and in_order([first])
    assert not in_order([second, first]) and not in_order([first, first])


def test_later_corrections_win_and_orphans_are_ignored() -> None:
    doc = DocumentRef.for_text(DAM)
    add = annotate(DAM, doc, "Senin", "entity-add", label="DATE", now="2025-01-01T00:00:00.000Z")
    reject = annotate(DAM, doc, "Senin", "entity-reject", now="2025-01-02T00:00:00.000Z")
    assert corrected_entities([], [reject, add], DAM) == []
    assert [e.label for e in corrected_entities([], [add.edited(updated="2025-01-03T00:00:00.000Z"), reject])] == [
        "DATE"
    ]
    lost = Anchored(annotate(DAM, doc, "Jakarta", "entity-add", label="LOC"), "orphaned")
    assert corrected_entities([], [lost], DAM) == []


# -- spaCy, and closing the training loop -------------------------------------------------------------


def test_spacy_docbin_loads_with_spacy_and_holds_the_corrected_entities(library: dict) -> None:
    out = library["tmp"] / "koreksi.spacy"
    report = export_db("spacy", library["db"], out=out, find=find)
    docs = list(DocBin().from_disk(out).get_docs(Vocab()))
    assert len(docs) == 1 and report.documents == 1  # the rice article has no entity corrections
    assert any("beras.txt: skipped, it has no entity corrections" in w for w in report.warnings)
    doc = docs[0]
    assert doc.text == DAM
    assert [(e.text, e.label_) for e in doc.ents] == [  # the reader's own: the model's alone are unreviewed
        ("Senin pagi", "DATE"),
        ("Basuki Hadimuljono", "PERSON"),
        ("Jakarta", "LOC"),  # its own token, although the text has "Jakarta-Semarang"
    ]
    assert {t.text: t.ent_iob_ for t in doc if t.text in ("Waskita", "Karya", "Joko")} == {
        "Waskita": "O",  # rejected: known to be no entity
        "Karya": "O",
        "Joko": "",  # missing: nobody said what it is
    }
    assert doc.user_data["sorot"]["source"] == "bendungan.txt"  # the file's name, not where it lives

    report = export_db("spacy", library["db"], out=out, find=find, options={"reviewed": True})
    (doc,) = DocBin().from_disk(out).get_docs(Vocab())
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Joko Widodo", "PERSON"),
        ("Jawa Tengah", "LOC"),
        ("Senin pagi", "DATE"),
        ("Basuki Hadimuljono", "PERSON"),
        ("Jakarta", "LOC"),
    ]
    outside = [t for t in doc if not t.ent_type_]
    assert outside and all(t.ent_iob_ == "O" for t in outside)  # reviewed: not-an-entity, not unknown


def test_spacy_export_limited_to_the_ner_labels(library: dict) -> None:
    out = library["tmp"] / "ner.spacy"
    export_db("spacy", library["db"], out=out, find=find, labels={"PERSON", "ORG", "LOC"})
    (doc,) = DocBin().from_disk(out).get_docs(Vocab())
    assert {e.label_ for e in doc.ents} == {"PERSON", "LOC"}
    assert "Senin" not in [t.text for t in doc if t.ent_type_]


def test_exported_corrections_train_the_pipeline_as_extra_data(library: dict, tmp_path: Path) -> None:
    from tui.core.nlp.training.train import train

    extra = tmp_path / "koreksi.spacy"
    export_db("spacy", library["db"], out=extra, find=find, labels={"PERSON", "ORG", "LOC"})
    data = write_corpora(tmp_path / "data", copies=3)

    best = train(data, tmp_path / "out", corpus="all", extra=[extra], smoke=True)

    merged = list(DocBin().from_disk(tmp_path / "out" / "corpus" / "all+extra" / "train.spacy").get_docs(Vocab()))
    ours = [d for d in merged if d.text == DAM]
    assert len(ours) == 1 and ("Basuki Hadimuljono", "PERSON") in [(e.text, e.label_) for e in ours[0].ents]
    assert spacy.load(best)("Menteri Basuki Hadimuljono ke Jakarta.").text  # the retrained pipeline runs


def test_spacy_and_brat_need_an_output_path(library: dict) -> None:
    with pytest.raises(ExchangeError, match="binary file: give -o FILE.spacy"):
        export_db("spacy", library["db"], find=find)
    with pytest.raises(ExchangeError, match="directory"):
        export_db("brat", library["db"], find=find)
    with pytest.raises(ExchangeError, match="unknown format 'xml'"):
        export_db("xml", library["db"])


def test_the_default_pipeline_supplies_the_models_entities(library: dict, monkeypatch) -> None:
    monkeypatch.setenv("SOROT_CACHE_DIR", "off")
    out = io.BytesIO()
    report = export_db("prodigy", library["db"], doc_path=library["dam"], stdout=out, options={"reviewed": True})
    task, *_ = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    spans = {(s["text"], s["label"]) for s in task["spans"]}
    assert {("Senin pagi", "DATE"), ("Basuki Hadimuljono", "PERSON")} <= spans
    assert ("Joko Widodo", "PERSON") in spans  # found by the bundled pipeline, not by a correction
    assert ("Waskita Karya", "LOC") not in spans and report.documents == 1


# -- Prodigy ----------------------------------------------------------------------------------------


def test_prodigy_tasks_have_text_token_aligned_spans_and_answer(library: dict) -> None:
    binary = [json.loads(line) for line in exported("prodigy", library["db"])[0].splitlines()]
    assert [(t["answer"], [s["text"] for s in t["spans"]]) for t in binary] == [
        ("accept", ["Senin pagi"]),
        ("accept", ["Basuki Hadimuljono"]),
        ("accept", ["Jakarta"]),
        ("reject", ["Waskita Karya"]),
    ]
    text, report = exported("prodigy", library["db"], options={"reviewed": True})
    task, rejected = [json.loads(line) for line in text.splitlines()]
    assert task["text"] == DAM and task["answer"] == "accept"
    assert rejected["answer"] == "reject" and rejected["_input_hash"] == task["_input_hash"]
    assert [(s["text"], s["label"]) for s in rejected["spans"]] == [("Waskita Karya", "LOC")]
    tokens = task["tokens"]
    assert all(DAM[t["start"] : t["end"]] == t["text"] for t in tokens)
    for span in task["spans"]:
        assert DAM[span["start"] : span["end"]] == span["text"]
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    assert [(s["text"], s["label"]) for s in task["spans"]][-2:] == [
        ("Basuki Hadimuljono", "PERSON"),
        ("Jakarta", "LOC"),
    ]
    assert task["meta"]["source"].endswith("bendungan.txt")


# -- W3C Web Annotation --------------------------------------------------------------------------------


def test_w3c_json_ld_has_the_context_and_selectors_that_select_the_quote(library: dict) -> None:
    text, report = exported("w3c", library["db"])
    data = json.loads(text)
    assert data["@context"][0] == W3C_CONTEXT and data["@context"][1]["sorot"] == "https://sorot.invalid/ns#"
    assert data["type"] == "AnnotationCollection" and data["total"] == 8 == report.annotations
    items = data["first"]["items"]
    texts = {str(library["dam"].resolve()): DAM, str(library["rice"].resolve()): RICE}
    for item in items:
        assert item["type"] == "Annotation" and re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", item["id"])
        target = item["target"]
        assert target["source"].startswith("file:///") and target["source"].endswith(".txt")
        quote, position = target["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        text_of_doc = texts[target["sorot:path"]]
        start, end = position["start"], position["end"]
        assert text_of_doc[start:end] == quote["exact"]
        assert text_of_doc[start - len(quote.get("prefix", "")) : start] == quote.get("prefix", "")
        assert text_of_doc[end : end + len(quote.get("suffix", ""))] == quote.get("suffix", "")
    by_kind = {item["sorot:kind"]: item for item in items}
    assert {i["motivation"] for i in items} == {"highlighting", "commenting", "classifying", "editing", "assessing"}
    note = next(i for i in items if i["target"]["selector"][0]["exact"] == "Rp 2,1 triliun")
    assert note["body"][0] == {
        "type": "TextualBody",
        "format": "text/plain",
        "value": NOTE,
        "language": "id",
        "purpose": "commenting",
    }
    assert [b["value"] for b in note["body"] if b["purpose"] == "tagging"] == ["anggaran", "pembangunan", "café"]
    relabel = {"type": "TextualBody", "format": "text/plain", "value": "PER", "language": "zxx"}
    relabel["purpose"] = "classifying"
    assert relabel in by_kind["entity-relabel"]["body"]
    assert "café" in text  # readable UTF-8, not \\u escapes


@pytest.mark.parametrize("fmt", ["w3c", "jsonl"])
def test_export_import_into_an_empty_db_and_export_again_is_identical(library: dict, tmp_path: Path, fmt) -> None:
    first, _ = exported(fmt, library["db"])
    dump = tmp_path / f"dump.{fmt}"
    dump.write_text(first, encoding="utf-8")
    fresh = tmp_path / "fresh" / "sorot.json"

    report = run_import(dump, fresh)

    assert (report.added, report.updated, report.unchanged, report.documents) == (8, 0, 0, 2)
    with Store.open(fresh) as store:
        assert sorted(store.all_annotations(), key=lambda a: a.id) == sorted(library["annotations"], key=lambda a: a.id)
    again, _ = exported(fmt, fresh)
    assert again == first


def test_importing_twice_adds_nothing(library: dict, tmp_path: Path) -> None:
    text, _ = exported("w3c", library["db"])
    dump = tmp_path / "dump.jsonld"
    dump.write_text(text, encoding="utf-8")
    fresh = tmp_path / "fresh.json"
    run_import(dump, fresh)
    second = run_import(dump, fresh)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 8)
    with Store.open(fresh) as store:
        assert len(store) == 8
    assert "8 annotations on 2 documents" in second.summary() and "0 new" in second.summary()


def test_an_imported_newer_version_replaces_the_stored_one(library: dict, tmp_path: Path) -> None:
    ann = library["annotations"][0]
    newer = ann.edited(note="diperbarui", updated="2999-01-01T00:00:00.000Z")
    dump = tmp_path / "one.jsonl"
    dump.write_text(json.dumps(newer.to_dict()) + "\n", encoding="utf-8")
    report = run_import(dump, library["db"])
    assert (report.added, report.updated) == (0, 1)
    with Store.open(library["db"]) as store:
        assert store.get(ann.id).note == "diperbarui"


@pytest.mark.parametrize(
    ("content", "names"),
    [
        ('{good}\n{good}\n{"id": "x", "kind": "note"}\nnot json\n', ["line 3: annotation x: no document", "line 4"]),
        ('{good}\n\n{"id": "y", "kind": "doodle", "document": {"sha256": "a"}}\n', ["line 3: "]),
        ('[{w3c}, {"type": "Annotation", "target": {"source": "https://x"}}]', ["item 2: target"]),
        ("[{w3c}, {w3c-no-selector}]", ["item 2: target needs a TextQuoteSelector"]),
        ("[{w3c}, 42]", ["item 2: expected an annotation object"]),
        ('{\n  "type": "AnnotationCollection",\n  "first": {"items": [}\n}', ["line 3, column"]),
        ("", ["empty"]),
    ],
)
def test_invalid_input_names_the_line_or_item_and_imports_nothing(
    library: dict, tmp_path: Path, content: str, names: list[str]
) -> None:
    good = json.dumps(library["annotations"][0].to_dict())
    w3c = json.dumps(json.loads(exported("w3c", library["db"])[0])["first"]["items"][0])
    no_selector = json.loads(w3c)
    del no_selector["target"]["selector"]
    content = (
        content.replace("{good}", good).replace("{w3c-no-selector}", json.dumps(no_selector)).replace("{w3c}", w3c)
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    fresh = tmp_path / "fresh.json"
    with pytest.raises(ExchangeError) as caught:
        run_import(bad, fresh)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(bad))
    for name in names:
        assert name in message
    with Store.open(fresh) as store:
        assert len(store) == 0


def test_import_errors_list_every_bad_line() -> None:
    with pytest.raises(AnnotationImportError) as caught:
        import_annotations("\n".join(["{}", "[]", '{"document": 1}', "{"]))
    assert [e.split(":")[0] for e in caught.value.errors] == ["line 1", "line 2", "line 3", "line 4"]


def test_a_w3c_annotation_from_another_tool_imports_with_its_motivation() -> None:
    sha = "a" * 64
    foreign = {
        "@context": W3C_CONTEXT,
        "id": "https://example.org/anno/7",
        "type": "Annotation",
        "motivation": "commenting",
        "bodyValue": "Menarik",
        "body": {"type": "TextualBody", "value": "ekonomi", "purpose": "tagging"},
        "target": {
            "source": f"urn:sha256:{sha}",
            "selector": [
                {"type": "TextPositionSelector", "start": 3, "end": 9},
                {"type": "TextQuoteSelector", "exact": "Jokowi"},
            ],
        },
    }
    (ann,) = import_annotations(json.dumps(foreign))
    assert (ann.id, ann.kind, ann.note, ann.tags, ann.document.sha256) == (
        "https://example.org/anno/7",
        "note",
        "Menarik",
        ("ekonomi",),
        sha,
    )
    anonymous = json.dumps({k: v for k, v in foreign.items() if k != "id"})
    (first,), (second,) = import_annotations(anonymous), import_annotations(anonymous)
    assert re.fullmatch(r"[0-9a-f]{32}", first.id) and first.id == second.id  # importing it again adds nothing


def test_notes_that_utf8_cannot_carry_still_export_and_round_trip(tmp_path: Path) -> None:
    doc = DocumentRef.for_text(RICE)
    ann = annotate(RICE, doc, "Bulog", "note", note="pecah \ud800 surrogate")
    text, _ = render("jsonl", [document_item(RICE, doc, [ann])])
    assert text.isascii() and "\\ud800" in text
    assert import_annotations(text) == [ann]


# -- CSV, Markdown, brat --------------------------------------------------------------------------------


def test_csv_parses_with_the_csv_module_notes_and_all(library: dict) -> None:
    out = library["tmp"] / "anotasi.csv"
    export_db("csv", library["db"], out=out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets read the file as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:8] == ["document", "title", "quote", "note", "tags", "label", "kind", "start"]
    assert {"end", "created", "status", "colour", "prefix", "suffix", "sha256"} <= set(rows[0])
    note = next(r for r in rows if r["quote"] == "Rp 2,1 triliun")
    assert note["note"] == NOTE and json.loads(note["tags"]) == ["anggaran", "pembangunan", "café"]
    assert DAM[int(note["start"]) : int(note["end"])] == "Rp 2,1 triliun" and note["status"] == "ok"
    markup = next(r for r in rows if r["quote"] == "[bold]x[/]")
    assert markup["note"] == "[@click=app.quit]x[/] **tebal** <script>"
    formula = next(r for r in rows if r["quote"] == "pasar induk Cipinang")
    assert formula["note"] == "'=1+1"  # shown as text by a spreadsheet, never computed
    assert len(rows) == 8
    piped, _ = exported("csv", library["db"])
    assert not piped.startswith("\ufeff") and list(csv.reader(io.StringIO(piped, newline="")))[1:] == [
        list(r.values()) for r in rows
    ]


def test_markdown_report_per_document_in_reading_order(library: dict) -> None:
    text, _ = exported("md", library["db"])
    assert text.index("# Bendungan baru diresmikan") < text.index("# Harga beras naik lagi")
    dam = text[: text.index("# Harga beras")]
    order = [
        "> Presiden Joko Widodo",
        "> Senin pagi",
        "> Rp 2,1 triliun",
        "> Basuki Hadimuljono",
        "> Waskita",
        "> Jakarta",
    ]
    assert [dam.index(q) for q in order] == sorted(dam.index(q) for q in order)
    assert "Tags: *anggaran*, *pembangunan*, *café*" in dam
    html = MarkdownIt().render(text)
    assert "<h1>Bendungan baru diresmikan</h1>" in html and "<blockquote>" in html
    assert "Cek lagi: &quot;biaya&quot;, angka, dan<br />\nbaris kedua; koma, &quot;kutip&quot;" in html
    # Untrusted text renders as the characters it is: no bold, no link, no tag.
    assert "[@click=app.quit]x[/] **tebal** &lt;script&gt;" in html
    assert "<strong>" not in html and "<script>" not in html and "<a " not in html


def test_brat_ann_offsets_match_the_txt(library: dict) -> None:
    out = library["tmp"] / "brat"
    report = export_db("brat", library["db"], out=out, find=find)
    assert report.documents == 2
    names = {"annotation.conf", "visual.conf", "beras.ann", "beras.txt", "bendungan.ann", "bendungan.txt"}
    assert {p.name for p in out.iterdir()} == names
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    for name, source in (("bendungan", DAM), ("beras", RICE)):
        txt = (out / f"{name}.txt").read_bytes().decode("utf-8")
        assert txt == source
        ids, notes = set(), {}
        for line in (out / f"{name}.ann").read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                tid, middle, covered = line.split("\t")
                kind, offsets = middle.split(" ", 1)
                pieces = [tuple(map(int, part.split())) for part in offsets.split(";")]
                assert " ".join(txt[s:e] for s, e in pieces) == covered
                assert f"\n{kind}\n" in conf
                ids.add(tid)
            else:
                nid, middle, remark = line.split("\t")
                assert re.fullmatch(r"#\d+", nid) and middle.split()[0] == "AnnotatorNotes"
                notes[middle.split()[1]] = remark
        assert set(notes) <= ids
    dam_ann = (out / "bendungan.ann").read_text(encoding="utf-8")
    basuki = DAM.index("Basuki Hadimuljono")
    assert f"\tPERSON {basuki} {basuki + 18}\tBasuki Hadimuljono\n" in dam_ann  # relabelled from ORG
    assert "Waskita" not in dam_ann  # rejected
    note = 'Cek lagi: "biaya", angka, dan⏎baris kedua; koma, "kutip" [tags: "anggaran", "pembangunan", "café"]'
    assert f"\t{note}\n" in dam_ann


def test_brat_splits_a_passage_across_lines_and_keeps_file_names_inside(tmp_path: Path) -> None:
    text = "Satu baris\ndan baris dua\n"
    doc = DocumentRef(DocumentRef.for_text(text).sha256, "../../../etc/jahat nama.txt", "Judul")
    item = document_item(text, doc, [make_annotation(text, 5, 18, document=doc)], entities=[])
    export("brat", [item], tmp_path / "brat")
    assert sorted(p.name for p in (tmp_path / "brat").iterdir()) == [
        "annotation.conf",
        "jahat_nama.ann",
        "jahat_nama.txt",
        "visual.conf",
    ]
    (line,) = (tmp_path / "brat" / "jahat_nama.ann").read_text(encoding="utf-8").splitlines()
    assert line == "T1\tHighlight 5 10;11 18\tbaris dan bar"


# -- one document, re-anchored in its changed text -----------------------------------------------------


def test_doc_export_reanchors_in_the_current_text_and_marks_orphans(library: dict) -> None:
    edited = "BARU: " + DAM  # every passage moves
    edited = edited.replace("Rp 2,1 triliun", "dana besar")  # that passage is gone
    library["dam"].write_text(edited, encoding="utf-8")

    text, report = exported("w3c", library["db"], doc_path=library["dam"])

    items = json.loads(text)["first"]["items"]
    assert report.documents == 1 and report.annotations == 6 and report.orphans == 1 and report.moved == 5
    (orphan_warning,) = [w for w in report.warnings if "orphaned" in w]
    assert "“Rp 2,1 triliun”" in orphan_warning and "bendungan.txt" in orphan_warning
    for item in items:
        quote, position = item["target"]["selector"]
        if item["sorot:status"] == "orphaned":
            assert quote["exact"] == "Rp 2,1 triliun" and item is items[-1]  # orphans last, as they were
        else:
            assert edited[position["start"] : position["end"]] == quote["exact"]
            assert item["sorot:status"] == "moved"
    csv_text, _ = exported("csv", library["db"], doc_path=library["dam"])
    rows = list(csv.DictReader(io.StringIO(csv_text, newline="")))
    assert [r["status"] for r in rows].count("orphaned") == 1
    md, _ = exported("md", library["db"], doc_path=library["dam"])
    assert "(orphaned)" in md and "1 orphaned" in md
    assert "Harga beras" not in md  # only the document asked for


def test_a_document_that_moved_exports_from_stored_quotes_but_not_as_training_data(library: dict) -> None:
    library["rice"].rename(library["tmp"] / "pindah.txt")
    text, report = exported("jsonl", library["db"])
    assert len(text.splitlines()) == 8 and report.documents == 2
    report = export_db("brat", library["db"], out=library["tmp"] / "b", find=find)
    assert report.documents == 1 and any(
        "beras.txt: skipped, its text is not at hand" in w and "--doc FILE" in w for w in report.warnings
    )


def test_doc_export_of_a_missing_file_is_a_one_line_error(library: dict) -> None:
    with pytest.raises(ExchangeError, match="no such file"):
        export_db("w3c", library["db"], doc_path=library["tmp"] / "hilang.txt")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_writes_the_library_and_is_in_the_readme(fmt: str, library: dict) -> None:
    """Each registered format writes the library (a writer that writes nothing fails here), and
    README lists it."""
    spec = FORMATS[fmt]
    out = library["tmp"] / f"out{spec.suffix}" if spec.output != "text" else None
    if out is None:
        text, report = exported(fmt, library["db"])
        assert text.strip()
    else:
        report = export_db(fmt, library["db"], out=out, find=find)
        assert out.is_dir() and any(out.iterdir()) if spec.output == "directory" else out.stat().st_size > 0
    assert report.annotations > 0
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"sorot export -f {fmt} " in readme


@pytest.mark.parametrize(
    "note",
    [
        "Judul palsu\r===",  # a bare CR is a line end to CommonMark: no heading may come of it
        "satu\r- dua\r\n1. tiga",
        "satu\u2028# dua\u2029> tiga\x85* empat\x0b## lima\x0c+ enam",
        "lihat https://contoh.example/jahat dan www.contoh.example, juga ftp://contoh.example/x",
    ],
)
def test_markdown_notes_forge_no_block_and_no_link(note: str) -> None:
    from tui.core.formats.tabular import write_markdown

    text = "Presiden Joko Widodo meresmikan bendungan."
    doc = DocumentRef(DocumentRef.for_text(text).sha256, "berita.txt", "Judul")
    item = document_item(text, doc, [make_annotation(text, 9, 20, document=doc, note=note)], entities=[])
    out = io.StringIO()
    write_markdown([item], out)
    # A renderer with GitHub's extensions and link detection: the note stays one paragraph of text.
    report = out.getvalue()
    tokens = MarkdownIt("gfm-like").parse(report[report.index("> Joko Widodo") :])  # the quote, then the note
    assert [t.type for t in tokens if t.block and t.nesting == 1] == [
        "blockquote_open",
        "paragraph_open",
        "paragraph_open",
    ]
    html = MarkdownIt("gfm-like").render(report)
    assert "<a " not in html
    for piece in ("Judul palsu", "contoh.example/jahat", "www.contoh.example", "tiga"):
        if piece in note:
            assert piece in html
