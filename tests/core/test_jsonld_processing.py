"""How the W3C import processes JSON-LD in another form than Sorot's: expanded once, compacted
once, each annotation node read with its linked nodes embedded (issue 16, item 3: speed).

A document that is a tree (every form of a Sorot export, most annotation files) is read as it
is after expansion; one whose nodes name each other by id is flattened by pyld first. Both ways
must give the very same annotations, in the document's order, within the same limits.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pyld import jsonld

from tests.core.test_w3c_import import OPTIONS, S_CONTEXT, annotations, hypothesis
from tui.core.formats import AnnotationImportError, parse_annotations
from tui.core.formats import jsonld as sorot_jsonld
from tui.core.formats.w3c import w3c_collection


def documents() -> dict[str, Any]:
    """The same annotations, and annotations of other tools, in forms that are trees and not."""
    collection = w3c_collection(annotations())
    page = hypothesis("https://berita.example/banjir", "Genuk", "di Kecamatan ", " pada Senin")
    repeats = copy.deepcopy(page)
    repeats["type"] = ["Annotation", "Annotation"]
    repeats["motivation"] = ["tagging", "tagging", "commenting"]
    tag = "https://tag.example/banjir"
    repeats["body"] = [tag, tag, {"type": "TextualBody", "value": "t"}]
    literals = copy.deepcopy(page)
    literals["@context"] = [
        "http://www.w3.org/ns/anno.jsonld",
        {
            "s": "https://sorot.invalid/ns#",
            "j": {"@id": "https://sorot.invalid/ns#j", "@type": "@json"},
            "l": {"@id": "https://sorot.invalid/ns#l", "@container": "@list"},
            "lang": {"@id": "https://sorot.invalid/ns#lang", "@language": "id"},
        },
    ]
    literals |= {"j": [{"a": 1}, 1], "l": [1, 1, {"s:x": "y"}], "lang": ["a", "a", "b"]}
    json_literals = [{"a": 1}, {"a": 1}, {"a": 1.0, "b": [True]}, {"b": [1], "a": 1}, 1, True, 1.0, [1, {}], [1, {}]]
    literals["https://sorot.invalid/ns#k"] = [{"@value": v, "@type": "@json"} for v in json_literals]
    literals["s:n"] = [1, True, 1, "1", 1.5, 1.5]
    nested = copy.deepcopy(page)
    nested["body"] = [hypothesis("https://berita.example/lain", "Senin", "", "") | {"id": "urn:x:inner"}]
    linked = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "@graph": [
            {"id": "urn:x:a", "type": "Annotation", "target": {"id": "urn:x:t"}, "bodyValue": "pertama"},
            {"id": "urn:x:t", "source": "https://b.example/1", "selector": {"type": "TextQuoteSelector", "exact": "e"}},
            page,
        ],
    }  # fmt: skip
    # The same creator described differently in two annotations: flattening merges the two.
    first, second = copy.deepcopy(page) | {"id": "urn:x:1"}, copy.deepcopy(page) | {"id": "urn:x:2"}
    first["creator"] = {"id": "urn:x:budi", "type": "Person", "name": "Budi"}
    second["creator"] = {"id": "urn:x:budi", "type": "Person", "nickname": "bd"}
    return {
        "re-compacted": jsonld.compact(collection, S_CONTEXT, OPTIONS),
        "expanded": jsonld.expand(collection, OPTIONS),
        "flattened": jsonld.flatten(collection, S_CONTEXT, OPTIONS),
        "repeated values": repeats,
        "literals and lists": literals,
        "an annotation in an annotation": nested,
        "nodes named by id": linked,
        "blank-node labels": jsonld.flatten(repeats, S_CONTEXT, OPTIONS),
        "a node described differently in two annotations": [first, second],
        "one annotation described twice": [page, copy.deepcopy(page)],
    }


def processed(document: Any) -> list[dict[str, Any]]:
    return list(sorot_jsonld.compacted_annotations(copy.deepcopy(document), None))


@pytest.mark.parametrize("form", list(documents()))
def test_a_tree_read_as_it_is_gives_what_flattening_gives(form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    document = documents()[form]
    fast = processed(document)
    monkeypatch.setattr(sorot_jsonld, "_tree_annotations", lambda expanded, most: None)
    assert fast == processed(document)
    assert fast and all("@context" not in item for item in fast)


def test_which_documents_are_read_as_trees() -> None:
    def tree(form: str) -> bool:
        expanded = jsonld.expand(documents()[form], sorot_jsonld._OPTIONS)
        return sorot_jsonld._tree_annotations(expanded, None) is not None

    assert tree("re-compacted") and tree("expanded") and tree("repeated values") and tree("literals and lists")
    assert not tree("flattened") and not tree("nodes named by id") and not tree("blank-node labels")
    assert not tree("a node described differently in two annotations") and not tree("one annotation described twice")
    # Sorot's own export describes its generator on every annotation, the same each time, and its
    # page is named by the collection's "last": outside the annotations, so still read as it is.
    export = documents()["expanded"]
    assert json.dumps(export).count("https://sorot.invalid/software") > 2


def test_repeated_values_are_merged_as_the_graph_holds_them_once() -> None:
    (item,) = processed(documents()["repeated values"])
    assert item["type"] == "Annotation" and item["motivation"] == ["tagging", "commenting"]
    assert item["body"][:1] == ["https://tag.example/banjir"] and len(item["body"]) == 2


@pytest.mark.parametrize("flatten", [False, True], ids=["tree", "flattened"])
def test_annotations_without_an_id_keep_the_document_s_order(flatten: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    items = [hypothesis("https://berita.example/banjir", f"kutipan {n}", "", "") for n in range(12)]
    for item in items:
        del item["id"]
    if flatten:
        monkeypatch.setattr(sorot_jsonld, "_tree_annotations", lambda expanded, most: None)
    quotes = [a.quote.exact for a in parse_annotations(json.dumps(jsonld.expand(items, OPTIONS)))]
    assert quotes == [f"kutipan {n}" for n in range(12)]  # b10 and b11 after b9, not after b1


def test_the_context_is_processed_and_the_document_expanded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"expand": 0, "compact": 0, "flatten": 0}
    for name in calls:
        original = getattr(jsonld, name)

        def counted(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(jsonld, name, counted)
    anns = [ann for _ in range(8) for ann in annotations()]  # 40 annotations, each its own id
    document = jsonld.compact(w3c_collection(anns), S_CONTEXT, OPTIONS)
    calls.update(expand=0, compact=0)
    assert parse_annotations(json.dumps(document)) == anns
    assert calls == {"expand": 1, "compact": 1, "flatten": 0}


def chain(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"type": "TextualBody", "value": "dasar"}
    for _ in range(depth):
        value = {"type": "TextualBody", "s:next": value}
    return value


@pytest.mark.parametrize("flatten", [False, True], ids=["tree", "flattened"])
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (chain(20), "an annotation's nodes nest too deeply"),
        (  # 1,002 nodes, no property holding more than 501 (MAX_PROPERTY_VALUES is another bound)
            [{"type": "TextualBody", "value": str(n), "s:part": {"type": "TextualBody"}} for n in range(501)],
            "an annotation links more than 1,000 nodes",
        ),
    ],
    ids=["deep", "wide"],
)
def test_an_annotation_s_linked_nodes_stay_within_the_limits(
    body: Any, expected: str, flatten: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = hypothesis("https://berita.example/banjir", "Genuk", "", "")
    item["@context"] = S_CONTEXT
    item["body"] = body
    if flatten:
        monkeypatch.setattr(sorot_jsonld, "_tree_annotations", lambda expanded, most: None)
    with pytest.raises(AnnotationImportError, match=expected) as error:
        parse_annotations(json.dumps(item))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("spread", ["one description", "described many times"])
def test_a_property_too_full_to_flatten_is_refused_before_pyld_flattens(
    spread: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyld's flattening compares each value it adds with all the others (16,000 values took 71 s):
    a document that must be flattened is refused first when one node's property holds too many."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pyld flattened a document that should have been refused")

    monkeypatch.setattr(jsonld, "flatten", refuse)
    many = sorot_jsonld.MAX_PROPERTY_VALUES + 1
    page = hypothesis("https://berita.example/banjir", "Genuk", "", "") | {"http://x/ref": {"@id": "_:n"}}
    if spread == "one description":
        document: Any = page | {"http://x/s": [str(n) for n in range(many)]}
    else:
        node = [{"@id": "urn:x:n", "http://x/p": str(n)} for n in range(many)]
        document = {"@context": "http://www.w3.org/ns/anno.jsonld", "@graph": [*node, page]}
    with pytest.raises(AnnotationImportError, match=f"a node's property holds more than {many - 1:,} values"):
        parse_annotations(json.dumps(document))


def test_a_property_within_the_bound_is_flattened() -> None:
    page = hypothesis("https://berita.example/banjir", "Genuk", "", "") | {"http://x/ref": {"@id": "_:n"}}
    page["http://x/s"] = [str(n) for n in range(sorot_jsonld.MAX_PROPERTY_VALUES)]
    (annotation,) = parse_annotations(json.dumps(page))
    assert annotation.quote.exact == "Genuk"
