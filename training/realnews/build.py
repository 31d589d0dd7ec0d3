"""Rebuild the real-news dev set's article texts from IndoSum (CC BY-SA 4.0).

IndoSum (Kurniawan & Louvan, 2018) keeps news articles of ten Indonesian outlets as tokenised
paragraphs. This script reads the dev folds, picks the articles listed in ``SOURCES.md`` by id,
joins their tokens back into text (quotes, brackets and punctuation attached as printed), drops
the "Baca juga:" link paragraphs a page extractor drops, and writes each article as
``articles/NN-slug.txt``: a headline rebuilt from the URL's slug in Indonesian headline case
(acronyms spelt as the body spells them), a blank line, then one paragraph per line.

Usage: python training/realnews/build.py INDOSUM_DIR   (the folder holding dev.0X.jsonl)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOWER_IN_TITLES = frozenset("dan di ke dari yang untuk pada dengan atau dalam oleh sebagai akan jadi ini itu".split())
_ATTACH_LEFT = frozenset(".,;:?!%)]}")
_ATTACH_RIGHT = frozenset("([{")
_DROP = re.compile(r"^(?:Baca juga|Baca Juga|BACA JUGA|Simak juga|Lihat juga)\b")


def detokenize(paragraph: list[list[str]]) -> str:
    """The text of one tokenised paragraph (a list of sentences of tokens)."""
    out = ""
    quote_open = False
    for word in (w for sentence in paragraph for w in sentence):
        if word == "\u201c" or word == "\u201d":
            out += ("" if word == "\u201d" or not out else " ") + word
            quote_open = word == "\u201c"
            continue
        if out.endswith("\u201c"):
            out += word
            continue
        if word in ('"', "``", "''"):
            if quote_open:
                out = out.rstrip() + '"'
            else:
                out += (" " if out else "") + '"'
            quote_open = not quote_open
            continue
        glue = not out or out[-1] in _ATTACH_RIGHT or (out.endswith('"') and quote_open) or word in _ATTACH_LEFT
        out += ("" if glue else " ") + word
    out = re.sub(r"(\d) ?/ ?(\d)", r"\1/\2", out)  # dates written "(27/3)", "(5/2/2018)"
    return re.sub(r" {2,}", " ", out)


def join_hyphens(paragraph: str, first: bool) -> str:
    """IndoSum splits hyphens off ("memecah - belah", "ke - 71", "1 - 0"): join them back.

    The dash after a dateline ("Jakarta (ANTARA News) - ", "Jakarta, CNN Indonesia -- ") stays
    apart, written as the outlet prints it.
    """
    head = ""
    if first:
        dateline = re.match(
            r"^(?P<who>[A-Z][\w.]*(?: [A-Z][\w.]*)*(?: \([^)]{2,20}\)|, [A-Z][\w. ]{2,25})?)"
            r" (?P<dash>(?:- ?)+|\u2013)(?= |$)",
            paragraph,
        )
        if dateline and re.search(r"[(,.]|(?i:news)|^[A-Z ]+$", dateline["who"]):
            dash = "--" if dateline["dash"].count("-") > 1 else dateline["dash"].strip()
            head = f"{dateline['who']} {dash}"
            paragraph = paragraph[dateline.end() :]
    return head + re.sub(r"(?<=\S) - (?=\S)", "-", paragraph)


def headline(slug: str, body: str) -> str:
    """A headline from a URL slug: each word capitalised as in a headline, acronyms as the body spells them."""
    slug = re.sub(r"\.html?$", "", slug)
    slug = re.sub(r"^\d+-", "", slug)
    for a, b in re.findall(r"(?<![a-z])(\d+)-(\d+)(?![a-z])", slug):
        if f"{a},{b}" in body:  # "0-22" in a slug is "0,22" in the text; a score "6-2" stays
            slug = slug.replace(f"{a}-{b}", f"{a},{b}")
    words = [w for w in re.split(r"[-.]", slug) if w]
    spelt = {}
    for token in re.findall(r"\b[\w.]+\b", body):
        key = token.lower()
        if token.isupper() and len(token) > 1 or (not token.islower() and not token.istitle()):
            spelt.setdefault(key, token)
    out = []
    for i, word in enumerate(words):
        if word in spelt:
            out.append(spelt[word])
        elif i and word in LOWER_IN_TITLES:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def build(indosum: Path, ids: list[tuple[str, str]]) -> None:
    rows = {}
    for path in sorted(indosum.glob("dev.0*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows[row["id"]] = row
    out_dir = HERE / "articles"
    out_dir.mkdir(exist_ok=True)
    for name, article_id in ids:
        row = rows[article_id]
        paragraphs = [detokenize(p) for p in row["paragraphs"]]
        paragraphs = [p.strip() for p in paragraphs if p.strip() and not _DROP.match(p)]
        if len(paragraphs) > 1 and re.fullmatch(r"[\w.]+ [-\u2013]", paragraphs[0]):  # a dateline alone: "Suara.com -"
            paragraphs[:2] = [f"{paragraphs[0]} {paragraphs[1]}"]
        paragraphs = [join_hyphens(p, i == 0) for i, p in enumerate(paragraphs)]
        body = "\n".join(paragraphs)
        slug = row["source_url"].rstrip("/").rsplit("/", 1)[-1]
        if not re.search(r"[a-z]{3,}-[a-z]{3,}|[a-z]{3,}\.[a-z]{3,}", slug.lower()):
            # an opaque id, not words: the IndoSum id's words instead
            slug = article_id
        (out_dir / f"{name}.txt").write_text(f"{headline(slug, body)}\n\n{body}\n", encoding="utf-8")


def listed_ids() -> list[tuple[str, str]]:
    """``(file name, IndoSum id)`` from the table in SOURCES.md."""
    ids = []
    for line in (HERE / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"\d\d-[\w-]+", cells[0]):
            ids.append((cells[0], cells[1]))
    return ids


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build(Path(sys.argv[1]), listed_ids())
