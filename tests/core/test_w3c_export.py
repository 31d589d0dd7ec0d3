"""The ``w3c`` export checked by the W3C's own tools: the Web Annotation test suite's JSON schemas
(every MUST of the model, run with ``jsonschema``, no schema fetched) and JSON-LD processing with
pyld (expansion and URDNA2015 canonicalisation against the vendored W3C context, nothing fetched).

The story: a reader annotates articles saved with LF, CRLF and a byte order mark, and one kept
only in the database, with every kind of annotation and notes meant to break things; the export
meets every MUST, says each kind in W3C terms alone, names its collection and page by what they
hold, and its positions are read back right, also when another tool counted the file's own
characters.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from pyld import jsonld
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

import tui.core.formats
from tui.core.annotations import Annotation, DocumentRef, Kind, make_annotation
from tui.core.document import load_article
from tui.core.exchange import run_export, run_import
from tui.core.formats import import_annotations
from tui.core.formats.w3c import COUNTS, NORMALISED_TEXT, W3C_CONTEXT, w3c_collection
from tui.core.store import Store

SUITE = Path(__file__).parents[1] / "data" / "w3c-schemas"
ANNO_CONTEXT = Path(tui.core.formats.__file__).parent / "contexts" / "anno.jsonld"

FLOOD = (
    "Banjir rob di pesisir utara\n\n"
    "Warga Kampung Tambak Wedi di Surabaya mengungsi ke balai RW.\n"
    "Momentum ini dimanfaatkan Wali Kota Eri Cahyadi untuk meninjau tanggul di Surabaya.\n"
)
MARKET = "Harga cabai melonjak\n\nPedagang di Pasar Keputran mengeluh; Dinas Perdagangan menggelar operasi pasar.\n"
KEPT = "Jalan tol Trans Jawa\n\nLalu lintas di gerbang tol Kalikangkung padat merayap menjelang Lebaran.\n"
HOSTILE_NOTES = [
    'kutip "ganda", koma, dan\nbaris kedua',
    "CR sendiri\rJudul palsu\r===",
    "<script>alert(1)</script> [bold]x[/] **tebal** [@click=app.quit]y[/]",
    '=HYPERLINK("http://x.invalid","klik")',
    "non-BMP 😀 𝔸 𠀋",
    "escape \x1b[31mmerah\x1b[0m \x9b2J \u202etxet\x07",
    "CRLF\r\ndi tengah",
]


# -- the runner of the W3C test suite's assertions --------------------------------------------------


def _refuse(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # every schema is vendored: nothing is fetched


def _registry() -> Registry[Any]:
    """The suite's shared definitions (``annotations.json``, ``id.json``...), by the ids they refer
    to each other by; anything else is refused."""
    resources = []
    for path in sorted((SUITE / "definitions").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry(retrieve=_refuse).with_resources(resources)  # type: ignore[call-arg]


REGISTRY = _registry()


def assertions(test_file: str) -> list[dict[str, Any]]:
    """The assertion schemas a ``.test`` file of the suite lists."""
    listed = json.loads((SUITE / test_file).read_text(encoding="utf-8"))["assertions"]
    return [json.loads((SUITE / name).read_text(encoding="utf-8")) for name in listed]


MUSTS = {name: assertions(name) for name in ("annotations/annotationMusts.test", "collections/collectionMusts.test")}
PAGE_MUSTS = assertions("collections/pages/pageMusts.test")
OPTIONALS = {
    name: assertions(name)
    for name in (
        "annotations/annotationOptionals.test",
        "annotations/annotationsAgentOptionals.test",
        "collections/collectionOptionals.test",
        "collections/pages/pageOptionals.test",
    )
}


def failures(document: Any, schemas: list[dict[str, Any]]) -> list[str]:
    """The ids of the assertions ``document`` does not meet (format ``uri`` and ``date-time`` checked)."""
    failed = []
    for schema in schemas:
        validator = Draft4Validator(schema, registry=REGISTRY, format_checker=FormatChecker())
        if not validator.is_valid(document):
            failed.append(schema["id"])
    return failed


def check_musts(collection: dict[str, Any]) -> Counter[str]:
    """Every MUST on the collection, its page and each annotation (given the collection's
    ``@context``, as a consumer reading one of them alone would): how many checks passed, by file.
    Fails the test on the first document that misses one."""
    context = collection["@context"]
    checked: Counter[str] = Counter()
    for name, document, schemas in documents_to_check(collection, context):
        failed = failures(document, schemas)
        assert not failed, f"{name} fails {failed}"
        checked[name.split(" ")[0]] += len(schemas)
    return checked


def documents_to_check(collection: dict[str, Any], context: Any) -> Iterator[tuple[str, Any, list[dict[str, Any]]]]:
    yield "collection", collection, MUSTS["collections/collectionMusts.test"]
    page = collection.get("first")
    if page is None:
        return  # the page MUSTs apply to a page, and a collection with no annotation has none
    yield "page (embedded)", collection, PAGE_MUSTS
    yield "page", {"@context": context, **page}, PAGE_MUSTS
    for n, item in enumerate(page["items"], 1):
        yield f"annotation {n}", {"@context": context, **item}, MUSTS["annotations/annotationMusts.test"]


def test_the_runner_passes_the_suites_correct_samples_and_fails_its_incorrect_ones() -> None:
    """The runner is the suite's: its own correct annotations meet every MUST, and each of its
    incorrect ones misses at least one (so a pass below means something)."""
    musts = MUSTS["annotations/annotationMusts.test"]
    assert len(musts) == 54
    assert {"uri", "date-time"} <= set(FormatChecker().checkers)  # the test extra's validators are there
    good = json.loads((SUITE / "tools" / "samples" / "correct" / "anno1.json").read_text(encoding="utf-8"))
    assert failures({**good, "id": "bukan IRI"}, musts) == ["3.1-annotationIdValidated.json"]
    assert failures({**good, "created": "kemarin"}, musts) == ["3.3.1-annotationCreatedValidated.json"]
    samples = SUITE / "tools" / "samples"
    # anno11-13 target a Composite, a List and Independents, which the model had in its drafts but
    # not in the Recommendation; the schemas follow the Recommendation (Choice only) and refuse them.
    dropped = {"anno11.json", "anno12.json", "anno13.json"}
    correct = sorted(p for p in (samples / "correct").glob("anno*.json") if p.name not in dropped)
    incorrect = sorted((samples / "incorrect").glob("anno*.json"))
    assert (len(correct), len(incorrect)) == (38, 39)
    for path in correct:
        assert failures(json.loads(path.read_text(encoding="utf-8")), musts) == [], path.name
    refused = 0
    for path in incorrect:
        try:
            sample = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue  # 17 of them are not JSON (a trailing comma, or "this is not json"): wrong already
        assert failures(sample, musts), path.name
        refused += 1
    assert refused == 22


# -- a library annotated with every kind, hostile notes and awkward files ---------------------------


def annotate(text: str, doc: DocumentRef, passage: str, kind: str = "highlight", nth: int = 0, **kw: Any) -> Annotation:
    start = -1
    for _ in range(nth + 1):
        start = text.index(passage, start + 1)
    return make_annotation(text, start, start + len(passage), kind, document=doc, **kw)


@pytest.fixture
def library(tmp_path: Path) -> dict[str, Any]:
    """Articles saved with LF (in a folder with a space and an accent), CRLF, and a BOM with CRLF;
    one more known only from the database; every kind, hostile notes and tags."""
    folder = tmp_path / "berita é"
    folder.mkdir()
    files = {
        "lf": (folder / "pasar cabai.txt", MARKET.encode("utf-8")),
        "crlf": (folder / "banjir-crlf.txt", FLOOD.replace("\n", "\r\n").encode("utf-8")),
        "bom": (folder / "banjir-bom.txt", b"\xef\xbb\xbf" + FLOOD.replace("\n", "\r\n").encode("utf-8")),
    }
    refs: dict[str, DocumentRef] = {}
    texts: dict[str, str] = {}
    for key, (path, data) in files.items():
        path.write_bytes(data)
        article = load_article(path)
        texts[key] = article.text
        refs[key] = DocumentRef(article.sha256, str(path.resolve()), article.title)
    texts["kept"], refs["kept"] = KEPT, DocumentRef.for_text(KEPT, title="Jalan tol Trans Jawa")
    notes = iter(HOSTILE_NOTES * 2)
    anns = []
    for key in ("crlf", "bom"):
        text, ref = texts[key], refs[key]
        anns += [
            annotate(text, ref, "Surabaya", "note", note=next(notes), tags=["Trump, Donald", "=cmd", "😀"]),
            annotate(text, ref, "Tambak Wedi", colour="kuning", tags=["banjir"]),
            annotate(text, ref, "Surabaya", "entity-add", nth=1, label="LOC", note=next(notes)),
            annotate(text, ref, "Eri Cahyadi", "entity-relabel", label="PER"),
            annotate(text, ref, "Momentum", "entity-reject", label="PERSON", note=next(notes)),
            annotate(text, ref, "balai RW", "entity-reject"),
            annotate(text, ref, "RW.\nMomentum", "note", note=next(notes)),  # across a line break
        ]
    anns += [
        annotate(texts["lf"], refs["lf"], "Pasar Keputran", "entity-add", label="FAC", note=next(notes)),
        annotate(texts["lf"], refs["lf"], "Dinas Perdagangan", "entity-reject", label="ORG"),
        annotate(KEPT, refs["kept"], "Kalikangkung", "note", note=next(notes), tags=["mudik"]),
        annotate(KEPT, refs["kept"], "Lebaran", "entity-relabel", label="EVENT"),
    ]
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        for key in ("lf", "crlf", "bom"):
            store.document_opened(refs[key])
        store.save_many(anns)
    return {"db": db, "files": {k: p for k, (p, _) in files.items()}, "refs": refs, "texts": texts, "anns": anns}


def exported(db: Path, **kwargs: Any) -> str:
    out = io.BytesIO()
    with Store.open(db, read_only=True) as store:
        run_export(store, "w3c", stdout=out, **kwargs)
    return out.getvalue().decode("utf-8")


# -- the MUSTs and SHOULDs of the model --------------------------------------------------------------


def test_an_export_meets_every_must_of_the_w3c_test_suite(library: dict[str, Any]) -> None:
    data = json.loads(exported(library["db"]))
    items = data["first"]["items"]
    assert len(items) == len(library["anns"]) == 18
    assert {i["sorot:kind"] for i in items} == set(Kind)
    assert len({i["target"]["source"] for i in items}) == 4  # three files and one urn:sha256:

    checked = check_musts(data)

    # 10 collection MUSTs, 15 page MUSTs on the embedded page and on the page alone, 54 on each annotation
    assert checked == {"collection": 10, "page": 30, "annotation": 54 * 18}


def test_an_empty_export_is_a_collection_without_pages(tmp_path: Path) -> None:
    db = tmp_path / "kosong.json"
    Store.open(db).close()
    data = json.loads(exported(db))
    assert data["total"] == 0 and "first" not in data and "last" not in data
    assert data["id"].startswith("urn:uuid:")
    assert check_musts(data) == {"collection": 10}
    assert import_annotations(json.dumps(data)) == []


def test_the_export_has_the_shoulds_creator_generator_language_format_last_and_part_of(
    library: dict[str, Any],
) -> None:
    data = json.loads(exported(library["db"]))
    page = data["first"]
    context = data["@context"]
    wanted = {
        "collections/collectionOptionals.test": (data, {"5.1-collectionLastImplemented.json"}),
        "collections/pages/pageOptionals.test": (data, {"5.2-pagePartOfImplemented.json"}),
    }
    for name, (document, expected) in wanted.items():
        implemented = {s["id"] for s in OPTIONALS[name]} - set(failures(document, OPTIONALS[name]))
        assert expected <= implemented, name
    shoulds = {
        "3.3.1-annotationCreatorImplemented.json",
        "3.3.1-annotationGeneratorImplemented.json",
        "3.2.1-bodyFormat.json",
        "3.2.1-bodyLanguage.json",
        "3.2.1-targFormat.json",
        "3.2.1-targLanguage.json",
        "3.3.2-annotationCreatorAgentIdImplemented.json",
        "3.3.2-annotationCreatorAgentTypeImplemented.json",
        "3.3.2-annotationGeneratorAgentIdImplemented.json",
        "3.3.2-annotationGeneratorAgentNameImplemented.json",
        "3.3.2-annotationGeneratorAgentTypeImplemented.json",
    }
    optionals = OPTIONALS["annotations/annotationOptionals.test"]
    optionals = optionals + OPTIONALS["annotations/annotationsAgentOptionals.test"]
    for item in page["items"]:
        implemented = {s["id"] for s in optionals} - set(failures({"@context": context, **item}, optionals))
        assert shoulds <= implemented, shoulds - implemented
        assert item["generator"]["type"] == "Software" and item["generator"]["name"] == "Sorot"
        assert item["creator"]["type"] == "Person" and set(item["creator"]) == {"id", "type"}  # no name
        assert (item["target"]["format"], item["target"]["language"]) == ("text/plain", "id")
    assert page["partOf"] == {"id": data["id"], "label": data["label"], "total": 18}
    assert data["last"] == page["id"] != data["id"]


def test_collection_and_page_ids_follow_the_content_and_survive_a_round_trip(
    library: dict[str, Any], tmp_path: Path
) -> None:
    first = exported(library["db"])
    dump = tmp_path / "dump.jsonld"
    dump.write_text(first, encoding="utf-8")
    fresh = tmp_path / "fresh.json"
    run_import(dump, fresh)
    assert exported(fresh) == first  # byte for byte, ids included
    data = json.loads(first)
    fewer = w3c_collection([library["anns"][0]])
    assert fewer["id"] != data["id"] and fewer["first"]["id"] != data["first"]["id"]
    assert w3c_collection([library["anns"][0]]) == fewer


# -- the kinds in W3C terms alone ---------------------------------------------------------------------


def without_sorot_terms(value: Any) -> Any:
    """What a tool that knows only the W3C vocabulary keeps of an export."""
    if isinstance(value, dict):
        return {k: without_sorot_terms(v) for k, v in value.items() if not k.startswith("sorot:")}
    if isinstance(value, list):
        return [without_sorot_terms(v) for v in value]
    return value


def test_every_kind_reads_back_from_the_w3c_terms_alone(tmp_path: Path) -> None:
    kept, ref = KEPT, DocumentRef.for_text(KEPT)  # a urn:sha256: source names the document without sorot terms
    anns = [
        annotate(kept, ref, "Jalan tol", tags=["jalan"]),
        annotate(kept, ref, "Trans Jawa", "note", note="cek"),
        annotate(kept, ref, "Kalikangkung", "entity-add", label="LOC"),
        annotate(kept, ref, "Lebaran", "entity-relabel", label="EVENT"),
        annotate(kept, ref, "Lalu lintas", "entity-reject", label="PERSON", note="bukan orang"),
        annotate(kept, ref, "gerbang tol", "entity-reject"),
    ]
    data = w3c_collection(anns)
    rejection = data["first"]["items"][4]
    assert rejection["motivation"] == "assessing"
    assert rejection["body"][-1]["purpose"] == "assessing" and rejection["body"][-1]["value"] == "not PERSON"
    assert not [b for b in rejection["body"] if b["purpose"] == "classifying"]  # not read as a PERSON
    stripped = without_sorot_terms(data)
    stripped["@context"] = W3C_CONTEXT
    assert "sorot:" not in json.dumps(stripped)

    back = {a.id: a for a in import_annotations(json.dumps(stripped))}

    for ann in anns:
        got = back[ann.id]
        assert (got.kind, got.label, got.note, got.tags) == (ann.kind, ann.label, ann.note, ann.tags)
        assert (got.start, got.end, got.quote) == (ann.start, ann.end, ann.quote)


def test_a_rejection_from_an_older_export_still_reads_as_one() -> None:
    """Sorot's exports before this one wrote a rejection as editing + classifying + sorot:kind."""
    ref = DocumentRef.for_text(KEPT)
    item = w3c_collection([annotate(KEPT, ref, "Lalu lintas", "entity-reject", label="PERSON")])["first"]["items"][0]
    item["motivation"] = "editing"
    item["body"] = [{"type": "TextualBody", "value": "PERSON", "purpose": "classifying"}]
    (ann,) = import_annotations(json.dumps(item))
    assert (ann.kind, ann.label, ann.note) == ("entity-reject", "PERSON", "")


def test_another_tools_assessment_stays_a_note() -> None:
    ref = DocumentRef.for_text(KEPT)
    item = w3c_collection([annotate(KEPT, ref, "Lalu lintas", "note")])["first"]["items"][0]
    item = without_sorot_terms(item)
    item["motivation"] = "assessing"
    item["body"] = [{"type": "TextualBody", "value": "Sumbernya kurang jelas", "purpose": "assessing"}]
    (ann,) = import_annotations(json.dumps(item))
    assert (ann.kind, ann.label, ann.note) == ("note", "", "Sumbernya kurang jelas")


# -- JSON-LD: expansion and canonicalisation with pyld -----------------------------------------------


def vendored_only(url: str, options: Any = None) -> dict[str, Any]:
    """A pyld document loader that serves the vendored W3C context and refuses everything else."""
    if url in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
        document = json.loads(ANNO_CONTEXT.read_text(encoding="utf-8"))
        return {"contextUrl": None, "documentUrl": url, "document": document}
    raise jsonld.JsonLdError(f"not vendored: {url}", "jsonld.LoadDocumentError", code="loading document failed")


OPTIONS = {"documentLoader": vendored_only}


def canonical(data: Any) -> str:
    nquads = jsonld.normalize(data, {**OPTIONS, "algorithm": "URDNA2015", "format": "application/n-quads"})
    assert isinstance(nquads, str)
    return nquads


def singles(value: Any) -> Any:
    """``value`` with one-element lists as their element (compaction writes a lone value so)."""
    if isinstance(value, dict):
        return {k: singles(v) for k, v in value.items()}
    if isinstance(value, list):
        return singles(value[0]) if len(value) == 1 else [singles(v) for v in value]
    return value


def test_the_loader_fetches_nothing() -> None:
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "https://example.org/other.jsonld", "name": "x"}, OPTIONS)


def test_the_export_expands_with_every_term_kept_and_canonicalises_stably(
    library: dict[str, Any], tmp_path: Path
) -> None:
    text = exported(library["db"])
    data = json.loads(text)

    expanded = jsonld.expand(data, OPTIONS)
    again = jsonld.compact(expanded, data["@context"], OPTIONS)

    # No term was dropped (an unknown key expands to nothing): compacting what pyld expanded gives
    # the export back, every key and value.
    again.pop("@context")
    assert singles(again) == singles({k: v for k, v in data.items() if k != "@context"})
    nquads = canonical(data)
    assert "<http://www.w3.org/ns/oa#motivatedBy> <http://www.w3.org/ns/oa#assessing>" in nquads
    assert f'<https://sorot.invalid/ns#counts> "{NORMALISED_TEXT}"' in nquads
    assert canonical(json.loads(text)) == nquads  # stable
    dump = tmp_path / "dump.jsonld"
    dump.write_text(text, encoding="utf-8")
    fresh = tmp_path / "fresh.json"
    run_import(dump, fresh)
    assert canonical(json.loads(exported(fresh))) == nquads  # the same graph after a round trip


# -- positions: which text they count -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["crlf", "bom"])
def test_positions_count_the_text_sorot_reads_and_say_so(library: dict[str, Any], key: str) -> None:
    data = json.loads(exported(library["db"]))
    path = library["files"][key]
    own = path.read_bytes().decode("utf-8")  # the file's own characters (CRLF, and the BOM as U+FEFF)
    text = library["texts"][key]
    source = path.resolve().as_uri()
    items = [i for i in data["first"]["items"] if i["target"]["source"] == source]
    assert len(items) == 7
    for item in items:
        quote, position = item["target"]["selector"]
        assert position[COUNTS] == NORMALISED_TEXT
        assert text[position["start"] : position["end"]] == quote["exact"]
    surabaya = next(i for i in items if i["target"]["selector"][0]["exact"] == "Surabaya")["target"]["selector"][1]
    assert own.index("Surabaya") == surabaya["start"] + (3 if key == "bom" else 2)  # the file counts more


@pytest.mark.parametrize("key", ["crlf", "bom"])
def test_positions_another_tool_counted_in_the_files_characters_anchor_right(
    library: dict[str, Any], key: str, tmp_path: Path
) -> None:
    """A tool that counts the file's own characters (CRLF as two, the BOM as one) and quotes them:
    the quote is read with LF line ends, and the passage found by it where the position is off."""
    path, ref, text = library["files"][key], library["refs"][key], library["texts"][key]
    own = path.read_bytes().decode("utf-8")
    items = []
    for n, passage in enumerate(["Surabaya", "RW.\r\nMomentum", "tanggul"]):
        start = own.index(passage)
        end = start + len(passage)
        items.append(
            {
                "@context": W3C_CONTEXT,
                "id": f"https://example.org/anno/{key}/{n}",
                "type": "Annotation",
                "motivation": "commenting",
                "bodyValue": "dari alat lain",
                "target": {
                    "source": f"urn:sha256:{ref.sha256}",
                    "selector": [
                        {"type": "TextPositionSelector", "start": start, "end": end},
                        {"type": "TextQuoteSelector", "exact": passage, "prefix": own[max(0, start - 12) : start]},
                    ],
                },
            }
        )
    dump = tmp_path / "lain.jsonld"
    dump.write_text(json.dumps(items), encoding="utf-8")
    db = tmp_path / "lain.json"
    run_import(dump, db)
    with Store.open(db) as store:
        stored = store.all_annotations()
    assert all("\r" not in a.quote.exact + a.quote.prefix and "\ufeff" not in a.quote.prefix for a in stored)

    data = json.loads(exported(db, doc_path=path))

    found = {i["id"]: i["target"]["selector"] for i in data["first"]["items"]}
    for n, passage in enumerate(["Surabaya", "RW.\nMomentum", "tanggul"]):
        quote, position = found[f"https://example.org/anno/{key}/{n}"]
        assert quote["exact"] == passage and text[position["start"] : position["end"]] == passage
        assert position["start"] == text.index(passage)
