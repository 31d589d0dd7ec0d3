"""The format registry: every format is one object that writes, and each one with a reader reads
back what it wrote; the formats that need no model never load spaCy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.annotations import DocumentRef, make_annotation
from tui.core.formats import (
    FORMATS,
    AnnotationImportError,
    ExportError,
    ExportItem,
    document_item,
    format_named,
    parse_annotations,
    render,
)

TEXT = (
    "Gempa mengguncang Cianjur\n\n"
    "Gempa bermagnitudo 5,6 mengguncang Cianjur, Jawa Barat, pada Senin siang. Badan Nasional "
    "Penanggulangan Bencana mencatat 162 orang meninggal.\n"
)
READABLE = [name for name, spec in FORMATS.items() if spec.reader is not None]


def items() -> list[ExportItem]:
    doc = DocumentRef.for_text(TEXT, "/berita/gempa.txt", "Gempa mengguncang Cianjur")

    def at(passage: str, kind: str = "highlight", **kwargs):
        start = TEXT.index(passage)
        return make_annotation(TEXT, start, start + len(passage), kind, document=doc, **kwargs)

    annotations = [
        at("Cianjur, Jawa Barat", "note", note='Cek: "lokasi"\nbaris dua \x1b[31m', tags=["bencana", "café"]),
        at("Senin siang", "entity-add", label="DATE"),
        at("Badan Nasional", "entity-relabel", label="ORG", colour="kuning"),
        at("162 orang", tags=["korban"]),
    ]
    return [document_item(TEXT, doc, annotations)]


def test_some_formats_can_be_read_back() -> None:
    assert READABLE == ["w3c", "jsonl"]  # the ones `sorot import` and README name


@pytest.mark.parametrize("name", READABLE)
def test_each_reader_reads_back_what_its_writer_wrote(name: str) -> None:
    spec = FORMATS[name]
    exported = items()
    text, result = render(spec, exported)
    written = [a for item in exported for a in item.annotations]
    assert result.annotations == len(written) == 4
    assert spec.read(text) == written
    assert parse_annotations(text) == written  # the import, which detects the format, agrees


@pytest.mark.parametrize("name", READABLE)
def test_a_reader_refuses_another_formats_annotations(name: str) -> None:
    other = next(n for n in READABLE if n != name)
    text, _ = render(other, items())
    with pytest.raises(AnnotationImportError, match="not a"):
        FORMATS[name].read(text)


@pytest.mark.parametrize("name", [name for name in FORMATS if name not in READABLE])
def test_a_format_without_a_reader_says_so(name: str) -> None:
    with pytest.raises(AnnotationImportError, match="cannot be read back"):
        FORMATS[name].read("{}")


def test_names_and_aliases_are_unique_and_name_suggested_files() -> None:
    names = [n for spec in FORMATS.values() for n in (spec.name, *spec.aliases)]
    assert len(names) == len(set(names))
    assert all(name == spec.name for name, spec in FORMATS.items())
    assert format_named("jsonld") is FORMATS["w3c"] is format_named("w3c")
    with pytest.raises(ExportError, match="unknown format 'xml'"):
        format_named("xml")
    suggested = [spec.default_name("berita") for spec in FORMATS.values()]
    assert len(set(suggested)) == len(suggested)  # two formats never suggest the same file


def test_a_text_export_never_loads_spacy(tmp_path: Path) -> None:
    text_formats = [name for name, spec in FORMATS.items() if spec.output == "text" and not spec.needs_entities]
    code = (
        "import sys\n"
        "from tui.core.formats import render\n"
        "from tests.core.test_formats import items\n"
        f"for name in {text_formats!r}:\n"
        "    assert render(name, items())[0]\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('spacy', 'thinc'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert text_formats == ["w3c", "jsonl", "csv", "md"]
