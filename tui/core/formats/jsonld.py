"""JSON-LD written by other tools, brought to the compact form the W3C reader reads (with pyld).

A W3C annotation is JSON-LD: the same graph can be written with another prefix for Sorot's
namespace (``s:kind``), expanded (every key a full IRI), flattened (an ``@graph`` of nodes that
name each other by id), or under a context of its own. :func:`own_form` tells whether a decoded
object is already in Sorot's compact form, which is read as it is, fast; anything else goes
through :func:`compacted_annotations`: expanded by pyld once; each annotation node taken with
the nodes it links (its body, target and selectors) embedded, as the expanded tree holds them or,
when nodes name each other by id, after pyld flattens it; then all compacted against
:data:`CONTEXT`, the W3C context plus Sorot's, in one call (the context processed once).
Expansion is the JSON-LD processing; the rest only rearranges what it gave.

No context is ever fetched: the document loader serves the W3C context from the copy vendored in
``contexts/anno.jsonld`` and refuses every other URL (a remote ``@context``, an ``@import``)
with a one-line reason. Processing is bounded before it starts: how many JSON values the
document holds, how big its own contexts are, and how many annotation nodes it has (the import's
limit), so a hostile file costs time and memory in proportion to what the limits let through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]  # pyld ships no type information

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SOROT_NS = "https://sorot.invalid/ns#"
"""The namespace of Sorot's own JSON-LD terms (``.invalid``: a name that never resolves)."""
CONTEXT: list[Any] = [W3C_CONTEXT, {"sorot": SOROT_NS, "assessing": "oa:assessing"}]
"""What Sorot's W3C export is compacted against, and what any other JSON-LD is compacted to: the
W3C context, then Sorot's prefix and ``assessing``, the model's motivation for a rejection, which
W3C's published ``anno.jsonld`` left out when its vocabulary renamed ``reviewing`` to
``assessing`` (without the term, JSON-LD reads the motivation as a relative IRI, not ``oa:assessing``)."""
_OLD_CONTEXT: list[Any] = [W3C_CONTEXT, {"sorot": SOROT_NS}]
"""The context of Sorot's exports before rejections were ``assessing``."""
_VENDORED = {W3C_CONTEXT, "https://www.w3.org/ns/anno.jsonld"}
"""The context URLs served from the vendored copy (the W3C publishes it at both)."""
# The contexts that mean what Sorot's own reader assumes: the W3C terms, ``sorot:`` Sorot's.
_OWN_CONTEXTS: tuple[Any, ...] = (
    W3C_CONTEXT,
    [W3C_CONTEXT],
    CONTEXT,
    _OLD_CONTEXT,
    "https://www.w3.org/ns/anno.jsonld",
)
_ANNOTATION = "http://www.w3.org/ns/oa#Annotation"
VALUES_PER_ANNOTATION = 200
"""How many JSON values (objects, lists, strings, numbers) a document may hold per annotation
the import allows before JSON-LD processing starts (Sorot's own, expanded, holds about 60)."""
MAX_VALUES = 2_000_000
"""The most JSON values any document is processed with (about 30,000 annotations' worth:
processing takes 1 to 2 ms an annotation; Sorot's own compact exports are never processed)."""
MAX_CHARS = 64 * 1024 * 1024
"""The longest document processed as JSON-LD (it is decoded whole, unlike Sorot's own)."""
MAX_CONTEXT_TERMS = 2_000
"""How many terms the contexts a document writes itself may define together (the W3C context
has 120): a context is applied again at every node it is scoped to."""
_MAX_EMBEDDED = 1_000  # nodes one annotation may pull in (body, target, selectors, their parts)
_MAX_EMBED_DEPTH = 16


class LinkedDataError(ValueError):
    """The document cannot be processed as JSON-LD; the message is one line."""


@cache
def _w3c_context() -> Any:
    return json.loads(resources.files("tui.core.formats").joinpath("contexts/anno.jsonld").read_text("utf-8"))


def _load_document(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: the vendored W3C context, and nothing from the network, ever."""
    if url in _VENDORED:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": _w3c_context(),
        }
    raise LinkedDataError(f"names the remote context {_shown(url)}: only the W3C annotation context is read (vendored)")


_OPTIONS: dict[str, Any] = {"documentLoader": _load_document, "base": ""}


def own_form(value: Mapping[str, Any], deep: bool = True) -> bool:
    """Whether a decoded object (an annotation, a collection or page without its items) is in the
    compact form Sorot writes: no context but Sorot's, no ``@graph``, no key an expanded IRI.
    ``deep``: its nested objects are looked at too, for a context of their own (the reader skips
    that when no ``"@context"`` is in the object's text at all: most of an import's time)."""
    if "@graph" in value or any(":" in key and not key.startswith("sorot:") for key in value):
        return False
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "@context" in item and item["@context"] not in _OWN_CONTEXTS:
                return False
            if deep:
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return True


MARKER = '"@context"'
"""Text that a JSON object holding a context of its own has (spelt as JSON writes it)."""


def compacted_annotations(document: Any, most: int | None) -> Iterator[dict[str, Any]]:
    """Each annotation of a JSON-LD ``document`` (any form), compacted against :data:`CONTEXT`.

    ``most`` is the import's annotation limit: the document is refused before processing if it
    holds more JSON values than that many annotations would, or after expansion if it holds more
    annotation nodes. Raises :class:`LinkedDataError` with a one-line reason.

    The document is expanded once; each annotation node is then given with the nodes it links
    embedded (:func:`_tree_annotations`, or flattened by pyld when nodes name each other by id),
    and all of them are compacted in one call, against a context processed once: a compaction
    per annotation processed the context and expanded its input again each time (7 ms an
    annotation, where this takes about 1).
    """
    _check_size(document, most)
    try:
        expanded = jsonld.expand(document, _OPTIONS)
        embedded = _tree_annotations(expanded, most)
        if embedded is None:
            embedded = _flattened_annotations(expanded, most)
        if not embedded:
            return
        # skipExpansion: the nodes are expanded already; graph: a list back even for one node.
        compacted = jsonld.compact(embedded, CONTEXT, {**_OPTIONS, "skipExpansion": True, "graph": True})
    except jsonld.JsonLdError as exc:
        raise LinkedDataError(_reason(exc)) from None
    except RecursionError:
        raise LinkedDataError("JSON-LD nested too deeply to process") from None
    (graph,) = (value for key, value in compacted.items() if key != "@context")  # the @graph
    del compacted, embedded
    graph.reverse()
    while graph:
        yield graph.pop()  # handed on one at a time: the caller keeps only what it has read


def _tree_annotations(expanded: Any, most: int | None) -> list[dict[str, Any]] | None:
    """The annotation nodes of an expanded document, in document order, each with its nodes
    embedded, when the annotations are trees: no node in one named by id and described elsewhere,
    none described twice unless each description is the same (a generator on every annotation),
    no named graph, reverse property or blank-node label that flattening would renumber. Outside
    the annotations (a collection, its page) a node may be described and named freely: nothing of
    it is embedded in an annotation. That is how every form of a Sorot export and most annotation
    files are written, and reading it as it is gives just what flattening and embedding again give
    (values a property repeats merged as flattening merges them, blank-node labels dropped).
    None: not so, flatten it."""
    descriptions: dict[str, list[tuple[dict[str, Any], bool]]] = {}
    named_inside: set[str] = set()
    annotations: list[dict[str, Any]] = []
    stack: list[tuple[Any, bool]] = [(expanded, False)]
    while stack:
        item, inside = stack.pop()
        if isinstance(item, list):
            stack.extend((value, inside) for value in reversed(item))
            continue
        if not isinstance(item, dict) or "@value" in item:
            if isinstance(item, dict) and str(item.get("@type", "")).startswith("_:"):
                return None
            continue
        if "@list" in item:
            stack.append((item["@list"], inside))
            continue
        ident = item.get("@id")
        if len(item) == 1 and isinstance(ident, str):
            if ident.startswith("_:"):
                return None
            if inside:
                named_inside.add(ident)  # a reference: fine unless the node it names is described
            continue
        types = item.get("@type", ())
        if (
            not item
            or any(key in item for key in _NOT_IN_A_TREE)
            or any(key.startswith("_:") for key in item)
            or any(t.startswith("_:") for t in types)
        ):
            return None
        if _ANNOTATION in types and ident in descriptions:
            return None  # one annotation described twice: flattening makes it one
        inside = inside or _ANNOTATION in types
        if isinstance(ident, str):
            descriptions.setdefault(ident, []).append((item, inside))
        if _ANNOTATION in types:
            annotations.append(item)
        stack.extend((v, inside) for k, v in reversed(item.items()) if not k.startswith("@"))
    if named_inside & descriptions.keys():
        return None
    for described in descriptions.values():
        first = described[0][0]
        if len(described) > 1 and any(i for _, i in described) and any(d != first for d, _ in described[1:]):
            return None  # described differently, and in an annotation: flattening merges them
    _check_count(len(annotations), most)
    return [_copied(node, [_MAX_EMBEDDED], 0) for node in annotations]


_NOT_IN_A_TREE = ("@graph", "@reverse", "@included")


def _copied(node: Mapping[str, Any], budget: list[int], depth: int) -> dict[str, Any]:
    """A node of a tree as flattening and :func:`_embed` give it: blank-node labels dropped,
    repeated types and values merged, within the same limits on linked nodes and nesting."""
    if depth > _MAX_EMBED_DEPTH:
        raise LinkedDataError("an annotation's nodes nest too deeply")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@id":
            if not value.startswith("_:"):
                out[key] = value
        elif key == "@type":
            out[key] = list(dict.fromkeys(value))
        elif key.startswith("@"):
            out[key] = value
        else:
            out[key] = _merged([_copied_value(v, budget, depth) for v in value])
    return out


def _copied_value(value: Any, budget: list[int], depth: int) -> Any:
    if not isinstance(value, dict) or "@value" in value or ("@id" in value and len(value) == 1):
        return value
    if "@list" in value:
        return {**value, "@list": [_copied_value(v, budget, depth) for v in value["@list"]]}
    budget[0] -= 1
    if budget[0] < 0:
        raise LinkedDataError(f"an annotation links more than {_MAX_EMBEDDED:,} nodes")
    return _copied(value, budget, depth + 1)


def _merged(values: list[Any]) -> list[Any]:
    """``values`` without the repeats a graph cannot hold (as pyld's flattening merges them: the
    same literal, or the same node named by id, once; lists and blank nodes are never repeats)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for value in values:
        if "@value" in value:
            literal = value["@value"]
            key: tuple[Any, ...] | None = (
                "value",
                _equality(literal),
                type(literal) is bool,  # pyld holds True and 1 apart (not inside a JSON literal)
                value.get("@type"),
                value.get("@language"),
                value.get("@index"),
            )
        elif "@id" in value and "@list" not in value:
            key = ("id", value["@id"])
        else:
            key = None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        out.append(value)
    return out


def _equality(literal: Any) -> Any:
    """A hashable stand-in for a JSON value, equal for values Python finds equal (as pyld compares
    them: 1 and 1.0, and inside an ``@json`` literal also true and 1)."""
    if isinstance(literal, dict):
        return ("{", frozenset((k, _equality(v)) for k, v in literal.items()))
    if isinstance(literal, list):
        return ("[", tuple(_equality(v) for v in literal))
    return literal


def _flattened_annotations(expanded: Any, most: int | None) -> list[dict[str, Any]]:
    """The annotation nodes of any expanded document, flattened by pyld and each re-embedded
    (its body, target and selectors), in the order the document first names them."""
    _check_property_sizes(expanded)
    flat = jsonld.flatten(expanded, None, _OPTIONS)
    nodes = {node["@id"]: node for node in flat if isinstance(node, dict) and "@id" in node}
    annotations = [node for node in flat if _ANNOTATION in node.get("@type", ())]
    # Flattening sorts the nodes by id: give them back in the order of the page's items (an
    # ordered list: it survives flattening), else in the order the document wrote them (those it
    # did not name, by the number flattening gave them as it met them: b2 before b10).
    order: dict[str, int] = {}
    for ident in (*_listed_ids(flat), *_ids_in_order(expanded)):
        order.setdefault(ident, len(order))
    annotations.sort(key=lambda node: (order.get(node["@id"], len(order)), _label_number(node["@id"])))
    _check_count(len(annotations), most)
    return [_embed(node, nodes, (node["@id"],), [_MAX_EMBEDDED], 0) for node in annotations]


MAX_PROPERTY_VALUES = 1_000
"""How many values one property of one node may hold (its descriptions together) in a document
that is flattened: pyld's flattening compares each value it adds with every one already there,
so time grows with the square of this (16,000 values took 71 s). An annotation's bodies (its
tags) are the most a property holds in practice; an ordered list (``@list``) counts as one."""


def _check_property_sizes(expanded: Any) -> None:
    """Refuse, before pyld flattens it, a document in which one property of one node (the same
    node described several times counts once) holds more than :data:`MAX_PROPERTY_VALUES` values."""
    counts: dict[tuple[object, str], int] = {}
    stack: list[Any] = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict) or "@value" in item:
            continue
        if "@list" in item:
            stack.append(item["@list"])
            continue
        ident = item.get("@id")
        node: object = ident if isinstance(ident, str) else id(item)
        for key, values in item.items():
            if not isinstance(values, (list, dict)):
                continue
            if isinstance(values, list) and (key == "@type" or not key.startswith("@")):
                total = counts[node, key] = counts.get((node, key), 0) + len(values)
                if total > MAX_PROPERTY_VALUES:
                    shown = key if len(key) <= 80 else key[:79] + "…"
                    raise LinkedDataError(f"a node's property holds more than {MAX_PROPERTY_VALUES:,} values ({shown})")
            stack.append(values)  # @graph, @included, @reverse too: the nodes in them are nodes


def _label_number(ident: str) -> int:
    return int(ident[3:]) if ident.startswith("_:b") and ident[3:].isdigit() else 0


def _check_count(count: int, most: int | None) -> None:
    if most is not None and count > most:
        raise LinkedDataError(f"more than {most:,} annotations (the limit of one import)")


def _listed_ids(flat: Any) -> Iterator[str]:
    """The ids named in the ordered lists (``@list``: a page's ``items``) of a flattened document."""
    for node in flat if isinstance(flat, list) else ():
        for values in node.values() if isinstance(node, dict) else ():
            for value in values if isinstance(values, list) else ():
                if isinstance(value, dict) and isinstance(value.get("@list"), list):
                    yield from (
                        v["@id"] for v in value["@list"] if isinstance(v, dict) and isinstance(v.get("@id"), str)
                    )


def _ids_in_order(expanded: Any) -> Iterator[str]:
    """The ids of the nodes of an expanded document, in document order (the first time each is named)."""
    stack: list[Any] = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("@id"), str):
                yield item["@id"]
            stack.extend(reversed([v for v in item.values() if isinstance(v, (dict, list))]))
        elif isinstance(item, list):
            stack.extend(reversed([v for v in item if isinstance(v, (dict, list))]))


def _embed(
    node: Mapping[str, Any], nodes: Mapping[str, Any], path: tuple[str, ...], budget: list[int], depth: int
) -> Any:
    """``node`` with each node it names by id put in its place (not one on its own ``path``:
    no cycle), and blank-node labels dropped: they are pyld's numbering, not the annotation's."""
    if depth > _MAX_EMBED_DEPTH:
        raise LinkedDataError("an annotation's nodes nest too deeply")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@id":
            if not value.startswith("_:"):
                out[key] = value
            continue
        if key.startswith("@"):
            out[key] = value
            continue
        out[key] = [_embedded_value(v, nodes, path, budget, depth) for v in value]
    return out


def _embedded_value(value: Any, nodes: Mapping[str, Any], path: tuple[str, ...], budget: list[int], depth: int) -> Any:
    if isinstance(value, dict) and "@list" in value:
        return {"@list": [_embedded_value(v, nodes, path, budget, depth) for v in value["@list"]]}
    ident = value.get("@id") if isinstance(value, dict) and len(value) == 1 else None
    if ident is None or ident not in nodes or ident in path:
        return value
    budget[0] -= 1
    if budget[0] < 0:
        raise LinkedDataError(f"an annotation links more than {_MAX_EMBEDDED:,} nodes")
    return _embed(nodes[ident], nodes, (*path, ident), budget, depth + 1)


def _check_size(document: Any, most: int | None) -> None:
    """Refuse, before pyld sees it, a document too big to process within the limits."""
    budget = MAX_VALUES if most is None else min(MAX_VALUES, max(most, 1) * VALUES_PER_ANNOTATION)
    values, terms = 0, 0
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        item, in_context = stack.pop()
        values += 1
        if values > budget:
            raise LinkedDataError(
                f"more than {budget:,} JSON values to process as JSON-LD (the annotation limit allows no more)"
            )
        if isinstance(item, dict):
            if in_context:
                terms += len(item)
                if terms > MAX_CONTEXT_TERMS:
                    raise LinkedDataError(f"its contexts define more than {MAX_CONTEXT_TERMS:,} terms")
            stack.extend((v, in_context or k == "@context") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, in_context) for v in item)


def _reason(exc: BaseException) -> str:
    """One line for a pyld error: the loader's own refusal when that is what it was."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            break
        if isinstance(seen, LinkedDataError):
            return str(seen)
        details = getattr(seen, "details", None)
        cause = details.get("cause") if isinstance(details, dict) else None
        seen = cause if isinstance(cause, BaseException) else seen.__cause__ or seen.__context__
    message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else type(exc).__name__
    first = message.split(". ")[0].rstrip(".")
    code = getattr(exc, "code", None)
    return f"not valid JSON-LD ({first}{f': {code}' if code else ''})"


def _shown(url: str) -> str:
    return json.dumps(url if len(url) <= 80 else url[:80] + "…", ensure_ascii=True)
