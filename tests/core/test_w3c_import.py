"""Importing W3C annotations that other tools wrote: the same graph in another JSON-LD form, and
Hypothesis-style targets with a quote and a URL only (issue 16, item 3).

The variants are made by pyld itself from Sorot's own export, and URDNA2015 canonicalisation shows
they are the same graph; each must import as the very annotations Sorot exported. No context is
ever fetched: a remote one is refused in one line with no socket opened.
"""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path

import pytest
from pyld import jsonld

from tui.core.annotations import DocumentRef, make_annotation
from tui.core.exchange import ExchangeError, run_export, run_import
from tui.core.formats import AnnotationImportError, ImportLimits, parse_annotations
from tui.core.formats import jsonld as sorot_jsonld
from tui.core.formats.w3c import CONTEXT, w3c_collection
from tui.core.session import DocumentSession
from tui.core.store import Store

TEXT = (
    "Banjir melanda Semarang\n\n"
    "Wali Kota Semarang Hevearita Gunaryanti Rahayu meninjau lokasi banjir di Kecamatan Genuk pada Senin. "
    "Badan Penanggulangan Bencana Daerah mencatat 1.200 rumah terendam.\n"
)
OPTIONS = {"documentLoader": sorot_jsonld._load_document}
S_CONTEXT = ["http://www.w3.org/ns/anno.jsonld", {"s": "https://sorot.invalid/ns#"}]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every test here fails if anything tries to open a connection."""
    tried: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        tried.append(address)
        raise AssertionError(f"a connection was attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return tried


def annotations(path: str = "/tmp/banjir.txt") -> list:
    doc = DocumentRef.for_text(TEXT, path, "Banjir")

    def at(passage: str, kind: str, **fields: object):
        start = TEXT.index(passage)
        return make_annotation(TEXT, start, start + len(passage), kind, document=doc, **fields)

    return [
        at("Hevearita Gunaryanti Rahayu", "note", note='Cek: "wali kota",\nbaris dua', tags=["banjir", "Jawa, Tengah"]),
        at("Genuk", "entity-add", label="LOC"),
        at("Badan Penanggulangan Bencana Daerah", "entity-relabel", label="ORG", colour="yellow"),
        at("Semarang", "entity-reject", label="PERSON"),
        at("1.200 rumah", "highlight"),
    ]


def canonical(document: object) -> str:
    return jsonld.normalize(document, {**OPTIONS, "algorithm": "URDNA2015", "format": "application/n-quads"})


def variants(collection: dict) -> dict[str, object]:
    return {
        "another prefix": jsonld.compact(collection, S_CONTEXT, OPTIONS),
        "expanded": jsonld.expand(collection, OPTIONS),
        "flattened": jsonld.flatten(collection, CONTEXT, OPTIONS),
        "flattened, another prefix": jsonld.flatten(collection, S_CONTEXT, OPTIONS),
    }


@pytest.mark.parametrize("form", ["another prefix", "expanded", "flattened", "flattened, another prefix"])
def test_the_same_graph_in_another_json_ld_form_imports_as_the_same_annotations(form: str) -> None:
    anns = annotations()
    collection = w3c_collection(anns)
    variant = variants(collection)[form]
    assert canonical(variant) == canonical(collection)  # URDNA2015: the very same graph
    if form == "another prefix":
        assert "s:kind" in json.dumps(variant) and "sorot:kind" not in json.dumps(variant)
    assert parse_annotations(json.dumps(variant)) == anns


def test_sorot_s_own_export_is_read_without_json_ld_processing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pyld ran on Sorot's own export")

    monkeypatch.setattr(jsonld, "expand", refuse)
    anns = annotations()
    assert parse_annotations(json.dumps(w3c_collection(anns), indent=2)) == anns


def test_a_single_re_compacted_annotation_and_a_json_lines_one_import_too() -> None:
    ann = annotations()[0]
    one = jsonld.compact(w3c_collection([ann])["first"]["items"][0] | {"@context": CONTEXT}, S_CONTEXT, OPTIONS)
    assert parse_annotations(json.dumps(one)) == [ann]
    lines = json.dumps(one) + "\n" + json.dumps(jsonld.expand(one, OPTIONS)) + "\n"
    assert parse_annotations(lines) == [ann, ann]


@pytest.mark.parametrize(
    "context",
    [
        "https://example.org/annotation-context.jsonld",
        ["http://www.w3.org/ns/anno.jsonld", "http://127.0.0.1:9/evil.jsonld"],
        {"@import": "https://example.org/base.jsonld", "s": "https://sorot.invalid/ns#"},
    ],
)
def test_a_remote_context_is_refused_in_one_line_and_never_fetched(context: object, no_network: list) -> None:
    collection = w3c_collection(annotations())
    collection["@context"] = context
    with pytest.raises(AnnotationImportError) as error:
        parse_annotations(json.dumps(collection))
    message = str(error.value)
    assert "\n" not in message and len(message) < 200
    assert "names the remote context" in message and "vendored" in message
    assert no_network == []


def test_the_vendored_w3c_context_is_the_one_the_w3c_publishes() -> None:
    context = sorot_jsonld._w3c_context()["@context"]
    assert context["Annotation"] == "oa:Annotation" and context["oa"] == "http://www.w3.org/ns/oa#"
    assert (Path(sorot_jsonld.__file__).parent / "contexts" / "README.md").is_file()


def hypothesis(url: str, exact: str, prefix: str, suffix: str) -> dict:
    """An annotation as Hypothesis exports it: a URL source, a quote, no position, no sha256."""
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://hypothes.is/a/8fQZxL3mEe6x",
        "type": "Annotation",
        "created": "2025-03-01T10:00:00.000000+00:00",
        "modified": "2025-03-01T10:05:00.000000+00:00",
        "creator": "acct:pembaca@hypothes.is",
        "body": [{"type": "TextualBody", "value": "Siapa yang mendata?", "format": "text/markdown"}],
        "target": [
            {
                "source": url,
                "selector": [{"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}],
            }
        ],
    }


def test_a_quote_only_annotation_imports_unplaced_and_the_reader_anchors_it(tmp_path: Path) -> None:
    article = tmp_path / "banjir.txt"
    article.write_text(TEXT, encoding="utf-8")
    source = tmp_path / "hypothesis.jsonld"
    source.write_text(json.dumps(hypothesis(article.as_uri(), "1.200 rumah", "Daerah mencatat ", " terendam")))
    db = tmp_path / "db.json"
    report = run_import(source, db)
    assert report.added == 1
    with Store.open(db) as store:
        (stored,) = store.all_annotations()
        assert stored.status == "orphaned" and stored.document.path == str(article)
        session = DocumentSession.open(store, TEXT, DocumentRef.for_text(TEXT, str(article), "Banjir"))
        (shown,) = session.annotations
        assert TEXT[shown.start : shown.end] == "1.200 rumah" and shown.status != "orphaned"
        assert shown.note == "Siapa yang mendata?"
        (saved,) = store.all_annotations()
        assert saved.document.sha256 == DocumentRef.for_text(TEXT).sha256 and saved.status != "orphaned"


def test_import_with_doc_anchors_a_web_page_s_annotation_in_the_file_named(tmp_path: Path) -> None:
    article = tmp_path / "banjir.txt"
    article.write_text(TEXT, encoding="utf-8")
    source = tmp_path / "hypothesis.jsonld"
    page = hypothesis("https://berita.example/banjir-semarang", "Genuk", "di Kecamatan ", " pada Senin")
    missing = hypothesis("https://berita.example/banjir-semarang", "Demak", "", "") | {"id": "urn:x:2"}
    source.write_text(json.dumps([page, missing]))
    db = tmp_path / "db.json"
    report = run_import(source, db, doc_path=article)
    assert any("1 annotation not found in its text by its quote, kept on it as orphaned" in w for w in report.warnings)
    with Store.open(db) as store:
        by_quote = {a.quote.exact: a for a in store.all_annotations()}
    found = by_quote["Genuk"]
    assert TEXT[found.start : found.end] == "Genuk" and found.status in ("ok", "moved")
    assert found.document == DocumentRef(
        DocumentRef.for_text(TEXT).sha256, str(article.resolve()), "Banjir melanda Semarang"
    )
    # Not found: orphaned on the article it was said to be on, where the reader lists it to re-attach.
    assert by_quote["Demak"].status == "orphaned" and by_quote["Demak"].document == found.document
    out = tmp_path / "out.jsonld"
    run_export(Store.open(db, read_only=True), "w3c", article, out)
    item, orphan = json.loads(out.read_text())["first"]["items"]
    assert orphan["target"]["selector"][0]["exact"] == "Demak" and orphan["sorot:status"] == "orphaned"
    positions = [s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector"]
    start = TEXT.index("Genuk")
    assert positions == [
        {"type": "TextPositionSelector", "start": start, "end": start + 5, "sorot:counts": "normalised-text"}
    ]


def test_doc_is_refused_when_the_unplaced_annotations_are_on_several_documents(tmp_path: Path) -> None:
    article = tmp_path / "banjir.txt"
    article.write_text(TEXT, encoding="utf-8")
    source = tmp_path / "two.jsonld"
    one = hypothesis("https://a.example/1", "Genuk", "", "")
    two = hypothesis("https://b.example/2", "Genuk", "", "") | {"id": "urn:x:2"}
    source.write_text(json.dumps([one, two]))
    with pytest.raises(ExchangeError, match="on 2 documents, not one"):
        run_import(source, tmp_path / "db.json", doc_path=article)


def nested(depth: int) -> dict:
    value: dict = {"http://example.org/leaf": "x"}
    for _ in range(depth):
        value = {"http://example.org/next": value}
    return value


@pytest.mark.parametrize(
    ("document", "limits", "expected"),
    [
        (nested(80), ImportLimits(), "nested more than 64 levels deep"),
        (
            {"@context": S_CONTEXT, "@graph": [{"s:n": i} for i in range(3_000)]},
            ImportLimits(annotations=10),
            "more than 2,000 JSON values",
        ),
        (
            {"@context": {f"t{i}": f"http://example.org/{i}" for i in range(3_000)}, "t1": "x"},
            ImportLimits(),
            "define more than 2,000 terms",
        ),
    ],
    ids=["deep nesting", "huge graph", "context bomb"],
)
def test_hostile_json_ld_is_refused_within_the_limits(document: dict, limits: ImportLimits, expected: str) -> None:
    with pytest.raises(AnnotationImportError, match=expected) as error:
        parse_annotations(json.dumps(document), limits)
    assert "\n" not in str(error.value)


def test_more_annotation_nodes_than_the_limit_are_refused() -> None:
    expanded = jsonld.expand(w3c_collection(annotations()), OPTIONS)
    with pytest.raises(AnnotationImportError, match="more than 3 annotations"):
        parse_annotations(json.dumps(expanded), ImportLimits(annotations=3))


def test_an_import_without_doc_says_how_the_placeless_annotations_will_be_anchored(tmp_path: Path) -> None:
    source = tmp_path / "hypothesis.jsonld"
    source.write_text(json.dumps(hypothesis("https://berita.example/banjir-semarang", "Genuk", "", "")))
    report = run_import(source, tmp_path / "db.json")
    assert report.added == 1
    assert any("1 annotation without a place in a known text" in w and "--doc ARTICLE" in w for w in report.warnings)
    # Sorot's own export of an orphan keeps its place: no such hint.
    anns = annotations()
    own = tmp_path / "own.jsonld"
    own.write_text(json.dumps(w3c_collection([dataclasses.replace(anns[0], status="orphaned")])))
    assert not any("without a place" in w for w in run_import(own, tmp_path / "db2.json").warnings)


def test_a_quote_anchored_where_the_text_differs_a_little_is_said(tmp_path: Path) -> None:
    article = tmp_path / "banjir.txt"
    article.write_text(TEXT, encoding="utf-8")
    source = tmp_path / "hypothesis.jsonld"
    near = hypothesis("https://berita.example/banjir-semarang", "mencatat 1.300 rumah terendam", "Daerah ", ".")
    source.write_text(json.dumps(near))
    report = run_import(source, tmp_path / "db.json", doc_path=article)
    assert any("1 annotation anchored where the text differs a little from its quote" in w for w in report.warnings)
    with Store.open(tmp_path / "db.json") as store:
        (stored,) = store.all_annotations()
    assert stored.quote.exact == "mencatat 1.200 rumah terendam" and stored.status == "moved"
