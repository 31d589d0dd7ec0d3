"""W3C Web Annotation JSON-LD (``w3c``, also called ``jsonld``): the model Hypothesis uses.

An export is one ``AnnotationCollection`` whose one embedded page holds every annotation
(:func:`w3c_collection`): a ``TextQuoteSelector`` and a ``TextPositionSelector`` on the document
(a web article's URL, a ``file:`` IRI for an absolute path, else ``urn:sha256:``), the note, tags and label as
``TextualBody`` bodies with their purposes, the kind as a W3C motivation. Sorot's own fields ride
along under the ``sorot:`` prefix (:data:`SOROT_NS`), so nothing is lost on re-import. The reader
takes these back, and annotations made by other W3C tools that point at a Sorot document by
``sorot:sha256`` or a ``urn:sha256:`` source (their kind read from their motivation).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.parse
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from tui.core.annotations import Annotation, DocumentRef, Kind
from tui.core.formats import jsonld
from tui.core.formats.base import ExportItem, Labels, TextFormat, json_text
from tui.core.formats.jsonld import CONTEXT, SOROT_NS
from tui.core.formats.jsonld import W3C_CONTEXT as W3C_CONTEXT
from tui.core.formats.reading import LinkedData, Reader, json_types
from tui.core.web.urls import is_web_address

# For annotations made by other W3C tools, which carry no ``sorot:kind``.
_KIND_OF_MOTIVATION: dict[str, str] = {
    "highlighting": Kind.HIGHLIGHT.value,
    "commenting": Kind.NOTE.value,
    "tagging": Kind.HIGHLIGHT.value,
    "classifying": Kind.ENTITY_ADD.value,
    "editing": Kind.NOTE.value,
    "describing": Kind.NOTE.value,
    "replying": Kind.NOTE.value,
    "questioning": Kind.NOTE.value,
    "assessing": Kind.NOTE.value,
}
_RELABEL: str = Kind.ENTITY_RELABEL.value
_NOTE: str = Kind.NOTE.value


def annotation_iri(ident: str) -> str:
    """``urn:uuid:`` for Sorot's ids (UUID hex); other ids are kept whole in a ``urn:sorot:`` IRI."""
    try:
        parsed = uuid.UUID(ident)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.hex == ident:
        return f"urn:uuid:{parsed}"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", ident):
        return ident  # already an IRI (an annotation made by another tool)
    return "urn:sorot:annotation:" + urllib.parse.quote(ident, safe="")


def _id_from_iri(iri: str) -> str:
    if iri.startswith("urn:uuid:"):
        try:
            return uuid.UUID(iri[9:]).hex
        except ValueError:
            return iri
    if iri.startswith("urn:sorot:annotation:"):
        return urllib.parse.unquote(iri[21:])
    return iri


def source_iri(document: DocumentRef) -> str:
    """The target's ``source``: the URL of a web article, a ``file:`` IRI for an absolute path,
    else ``urn:sha256:``."""
    if is_web_address(document.path):
        return document.path
    if document.path and os.path.isabs(document.path):
        try:
            return Path(document.path).as_uri()
        except ValueError:
            pass
    return f"urn:sha256:{document.sha256}"


def to_w3c(ann: Annotation) -> dict[str, Any]:
    """One annotation as a W3C Web Annotation (without ``@context``: the collection carries it)."""
    body: list[dict[str, str]] = []
    if ann.note:
        body.append({"type": "TextualBody", "value": ann.note, "format": "text/plain", "purpose": "commenting"})
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in ann.tags]
    if ann.label:
        body.append({"type": "TextualBody", "value": ann.label, "purpose": "classifying"})
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": ann.quote.exact}
    if ann.quote.prefix:
        quote["prefix"] = ann.quote.prefix
    if ann.quote.suffix:
        quote["suffix"] = ann.quote.suffix
    target: dict[str, Any] = {
        "source": source_iri(ann.document),
        "selector": [quote, {"type": "TextPositionSelector", "start": ann.start, "end": ann.end}],
        "sorot:sha256": ann.document.sha256,
    }
    if ann.document.path:
        target["sorot:path"] = ann.document.path
    if ann.document.title:
        target["sorot:title"] = ann.document.title
    motivation = Kind.of(ann.kind).motivation
    out: dict[str, Any] = {"id": annotation_iri(ann.id), "type": "Annotation", "motivation": motivation}
    if ann.created:
        out["created"] = ann.created
    if ann.updated:
        out["modified"] = ann.updated
    if body:
        out["body"] = body
    out["target"] = target
    out["sorot:kind"] = ann.kind
    if ann.colour:
        out["sorot:colour"] = ann.colour
    out["sorot:status"] = ann.status
    return out


def w3c_collection(annotations: Sequence[Annotation]) -> dict[str, Any]:
    """An ``AnnotationCollection`` with every annotation on its one embedded page."""
    return {
        "@context": CONTEXT,
        "type": "AnnotationCollection",
        "label": "Sorot annotations",
        "total": len(annotations),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": [to_w3c(a) for a in annotations]},
    }


def write_w3c(items: Sequence[ExportItem], out: IO[str], labels: Labels = None) -> None:
    """The collection of every item's annotations, indented (``labels``: no entities here)."""
    out.write(json_text(w3c_collection([a for item in items for a in item.annotations]), indent=2) + "\n")


def from_w3c(item: Mapping[str, Any]) -> Annotation:
    """Parse a W3C Web Annotation (as :func:`to_w3c` writes, or from another tool that points at
    a Sorot document by ``sorot:sha256`` or a ``urn:sha256:`` source)."""
    types = json_types(item)
    if types and "Annotation" not in types:
        raise ValueError(f"type is {', '.join(types)}, not Annotation")
    ident = item.get("id", item.get("@id"))
    if ident is None:
        # No id: derive one from the content, so that importing the file again adds nothing.
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=True)
        ident = uuid.uuid5(uuid.NAMESPACE_URL, "sorot:" + hashlib.sha256(canonical.encode()).hexdigest()).hex
    elif not isinstance(ident, str) or not ident:
        raise ValueError("id must be a non-empty string")
    else:
        ident = _id_from_iri(ident)
    target = item.get("target")
    if isinstance(target, list):
        if len(target) != 1:
            raise ValueError(f"has {len(target)} targets; Sorot annotations have one")
        target = target[0]
    if not isinstance(target, dict):
        raise ValueError("target must be an object with a source and selectors")
    source = target.get("source", "")
    if isinstance(source, dict):
        source = source.get("id", "")
    if not isinstance(source, str):
        raise ValueError("target source must be an IRI")
    sha = _sorot(target, "sha256")
    if not sha and source.startswith("urn:sha256:"):
        sha = source[len("urn:sha256:") :]
    path = _sorot(target, "path")
    if path is None and source.startswith("file:"):
        path = urllib.parse.unquote(urllib.parse.urlparse(source).path)
    elif path is None and is_web_address(source):
        path = source  # a web article: its URL is where a file's path stands
    if not sha and path:
        sha = unplaced_sha256(path)  # found by its path when that document is opened
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise ValueError(
            f"target {source or '(no source)'} names no document "
            "(sorot:sha256, urn:sha256:, a file: IRI or a web address)"
        )
    quote, position = _selectors(target.get("selector"))
    status = _sorot(item, "status") or "ok"
    if position is None:
        # Only a quote (Hypothesis writes these): no place until the quote is found in the text.
        position, status = {"start": 0, "end": 0}, "orphaned"
    note, tags, label = _bodies(item)
    kind = _sorot(item, "kind") or _kind_from(item.get("motivation"), label)
    record = {
        "id": ident,
        "document": {"sha256": sha, "path": path or "", "title": _sorot(target, "title") or ""},
        "kind": kind,
        "position": position,
        "quote": quote,
        "note": note,
        "tags": tags,
        "label": label,
        "colour": _sorot(item, "colour") or "",
        "created": item.get("created") or "",
        "updated": item.get("modified") or "",
        "status": status,
    }
    return Annotation.from_dict(record)


def unplaced_sha256(where: str) -> str:
    """What stands for the text of an imported annotation that names its document only by a path
    or URL (no ``sorot:sha256``): a hash of that name, which no text has. The store finds the
    annotation by its path when the document there is opened (or named by ``--doc``), and it is
    anchored in that text by its quote and re-pointed at it."""
    return hashlib.sha256(f"sorot:unplaced:{where}".encode()).hexdigest()


def _sorot(data: Mapping[str, Any], term: str) -> Any:
    """A Sorot term, compact (``sorot:kind``) or expanded (the full IRI)."""
    value = data.get(f"sorot:{term}", data.get(SOROT_NS + term))
    if value is not None and not isinstance(value, str):
        raise ValueError(f"sorot:{term} must be a string")
    return value


def _selectors(value: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The quote and, when the target has one, the position (a quote alone is anchored later)."""
    selectors = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    quote = next((s for s in selectors if isinstance(s, dict) and "TextQuoteSelector" in json_types(s)), None)
    position = next((s for s in selectors if isinstance(s, dict) and "TextPositionSelector" in json_types(s)), None)
    if quote is None:
        raise ValueError("target needs a TextQuoteSelector")
    for key in ("exact", "prefix", "suffix"):
        if not isinstance(quote.get(key, ""), str):
            raise ValueError(f"TextQuoteSelector {key} must be a string")
    return (
        {"exact": quote.get("exact", ""), "prefix": quote.get("prefix", ""), "suffix": quote.get("suffix", "")},
        None if position is None else {"start": position.get("start"), "end": position.get("end")},
    )


def _bodies(item: Mapping[str, Any]) -> tuple[str, list[str], str]:
    """Note (commenting), tags (tagging) and label (classifying) from the bodies."""
    raw = item.get("body", [])
    bodies = raw if isinstance(raw, list) else [raw]
    if isinstance(item.get("bodyValue"), str):
        bodies.append({"value": item["bodyValue"], "purpose": "commenting"})
    notes, tags, labels = [], [], []
    for n, body in enumerate(bodies, 1):
        if isinstance(body, str):
            continue  # a linked resource (a tag IRI, a web page): nothing Sorot can keep
        if not isinstance(body, dict):
            raise ValueError(f"body {n} must be an object")
        value = body.get("value")
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"body {n}: value must be a string")
        purpose = body.get("purpose", "commenting")
        if purpose == "tagging":
            tags.append(value)
        elif purpose == "classifying":
            labels.append(value)
        else:
            notes.append(value)
    if len(labels) > 1:
        raise ValueError("more than one classifying body")
    return "\n\n".join(notes), tags, labels[0] if labels else ""


def _kind_from(motivation: Any, label: str) -> str:
    """The kind of an annotation from another tool, by its (first known) motivation."""
    motivations = motivation if isinstance(motivation, list) else [motivation]
    for m in motivations:
        m = m.removeprefix("oa:") if isinstance(m, str) else ""
        if m == "editing" and label:
            return _RELABEL
        if m in _KIND_OF_MOTIVATION:
            return _KIND_OF_MOTIVATION[m]
    return _NOTE


def _is_w3c(item: Mapping[str, Any]) -> bool:
    return "target" in item or "Annotation" in json_types(item)


W3C = TextFormat(
    "w3c",
    "W3C Web Annotation JSON-LD (Hypothesis' model); re-importable",
    ".jsonld",
    write_w3c,
    reader=Reader(
        _is_w3c,
        from_w3c,
        "a W3C annotation (no target)",
        LinkedData(jsonld.own_form, jsonld.compacted_annotations, jsonld.MAX_CHARS, jsonld.MARKER),
    ),
    aliases=("jsonld", "json-ld"),
)
