"""The Indonesian NER corpora as spaCy ``Doc``s with one label scheme: PERSON, ORG, LOC.

``convert(data_dir, out_dir)`` writes ``<corpus>/{train,dev}.spacy`` for each corpus in
``CORPORA``, plus ``news/`` (the two news corpora) and ``all/`` (all three). The corpora stay
where they are (``../shared/data`` next to the repository by default); only DocBins are written.

    python -m tui.core.nlp.training.corpora [--data ../shared/data] [--out corpus/]
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

REPO_ROOT = Path(__file__).resolve().parents[4]
DATA_ENV_VAR = "SOROT_DATA_DIR"
"""Where the corpora are when ``--data`` is not given; CI points it at an empty folder to run the
suite as a clone without ``../shared`` would."""
DEFAULT_DATA_DIR = Path(os.environ.get(DATA_ENV_VAR) or REPO_ROOT.parent / "shared" / "data")

LABELS = ("PERSON", "ORG", "LOC")
LABEL_MAP = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "ORG": "ORG",
    "LOCATION": "LOC",
    "PLACE": "LOC",
    "LOC": "LOC",
}

# Punctuation glued to a word in idner-news-2k: "(PKB)", "Indonesia?", "PAN),". A trailing
# period is left alone because there it belongs to abbreviations ("Inc.", "Ill.", "N.M.").
LEADING_PUNCT = frozenset("([{\"'“‘,")
TRAILING_PUNCT = frozenset(")]}\"'”’,;:?!")
# Guessed detokenisation: the corpora do not record whitespace, and a natural ``doc.text``
# keeps character offsets meaningful when the text is tokenised again.
NO_SPACE_BEFORE = frozenset(",.;:?!)]}%")
NO_SPACE_AFTER = frozenset("([{")


@dataclass(frozen=True)
class CorpusSpec:
    """Where one corpus lives under the data directory and how its files are laid out."""

    name: str
    folder: str
    splits: dict[str, str]
    glued_punctuation: bool = False


CORPORA = (
    CorpusSpec("nerui-indolem", "ner/nerui-indolem", {"train": "train.01.tsv", "dev": "dev.01.tsv"}),
    CorpusSpec("idner-news-2k", "ner/idner-news-2k", {"train": "train.txt", "dev": "dev.txt"}, True),
    CorpusSpec(
        "nergrit-indonlu", "ner/nergrit-indonlu", {"train": "train_preprocess.txt", "dev": "valid_preprocess.txt"}
    ),
)
COMBINED = {
    "news": ("nerui-indolem", "idner-news-2k"),
    "all": ("nerui-indolem", "idner-news-2k", "nergrit-indonlu"),
}
SPLITS = ("train", "dev")


@dataclass
class Sentence:
    words: list[str]
    tags: list[str]
    spaces: list[bool]

    def to_doc(self, vocab: Vocab) -> Doc:
        return Doc(vocab, words=self.words, spaces=self.spaces, ents=self.tags)


@dataclass
class Stats:
    """What reading one split found; ``repairs`` counts I- tags that had to start an entity."""

    sentences: int = 0
    tokens: int = 0
    entities: Counter[str] = field(default_factory=Counter)
    repairs: int = 0
    glued: int = 0

    def add(self, other: Stats) -> None:
        self.sentences += other.sentences
        self.tokens += other.tokens
        self.entities.update(other.entities)
        self.repairs += other.repairs
        self.glued += other.glued


def map_tag(tag: str) -> str:
    """``B-ORGANIZATION`` -> ``B-ORG``, ``I-PLACE`` -> ``I-LOC``, ``O`` -> ``O``."""
    if tag == "O":
        return tag
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in ("B", "I") or label not in LABEL_MAP:
        raise ValueError(f"unknown NER tag {tag!r}")
    return f"{prefix}-{LABEL_MAP[label]}"


def repair_bio(tags: list[str]) -> tuple[list[str], int]:
    """Make ``tags`` valid BIO: an I- after O, at the start, or after another label starts an entity."""
    fixed, repairs, previous = [], 0, "O"
    for tag in tags:
        if tag.startswith("I-") and (previous == "O" or previous[2:] != tag[2:]):
            tag = "B-" + tag[2:]
            repairs += 1
        fixed.append(tag)
        previous = tag
    return fixed, repairs


def split_glued(words: list[str], tags: list[str]) -> tuple[list[str], list[str], list[bool], int]:
    """Split leading/trailing punctuation off words; it gets O, and the entity ends before it.

    Returns words, tags, spaces (no space where a split was made) and how many words were split.
    A word that lost an opening bracket starts a new entity ("Bangsa (PKB)" -> "Bangsa", "(",
    "PKB", ")"); an I- tag after a lost closing bracket is left for ``repair_bio`` to restart.
    """
    out_words: list[str] = []
    out_tags: list[str] = []
    out_spaces: list[bool] = []
    n_split = 0
    for word, tag in zip(words, tags, strict=True):
        start, end = 0, len(word)
        while start < end - 1 and word[start] in LEADING_PUNCT:
            start += 1
        while end > start + 1 and word[end - 1] in TRAILING_PUNCT:
            end -= 1
        if (start, end) == (0, len(word)):
            out_words.append(word)
            out_tags.append(tag)
            out_spaces.append(True)
            continue
        n_split += 1
        for ch in word[:start]:
            out_words.append(ch)
            out_tags.append("O")
            out_spaces.append(False)
        if start and tag != "O":
            tag = "B-" + tag[2:]
        out_words.append(word[start:end])
        out_tags.append(tag)
        out_spaces.append(end == len(word))
        for i, ch in enumerate(word[end:], start=end):
            out_words.append(ch)
            out_tags.append("O")
            out_spaces.append(i == len(word) - 1)
    return out_words, out_tags, out_spaces, n_split


def guess_spaces(words: list[str], spaces: list[bool]) -> list[bool]:
    """Drop the space before closing punctuation and after opening brackets; keep the rest."""
    result = list(spaces)
    for i in range(len(words) - 1):
        if words[i + 1] in NO_SPACE_BEFORE or words[i] in NO_SPACE_AFTER:
            result[i] = False
    if result:
        result[-1] = False
    return result


def _columns(line: str) -> tuple[str, str]:
    # Tab-separated files may have tokens with odd spaces in them; idner-news-2k uses spaces.
    parts = line.split("\t") if "\t" in line else line.split(" ")
    if len(parts) < 2:
        raise ValueError(f"expected a token and a tag, got {line!r}")
    return parts[0], parts[-1]


def parse_conll(text: str, glued_punctuation: bool = False) -> tuple[list[Sentence], Stats]:
    """Sentences of a CoNLL-style text (token first, BIO tag last; blank line between sentences)."""
    sentences: list[Sentence] = []
    stats = Stats()
    rows: list[tuple[str, str]] = []

    def flush() -> None:
        if not rows:
            return
        words = [w for w, _ in rows]
        tags, repairs = repair_bio([map_tag(t) for _, t in rows])
        stats.repairs += repairs
        spaces = [True] * len(words)
        if glued_punctuation:
            words, tags, spaces, n_split = split_glued(words, tags)
            stats.glued += n_split
            # Splitting a bracket off inside an entity ends it there; that is not a corpus error.
            tags, _ = repair_bio(tags)
        sentence = Sentence(words, tags, guess_spaces(words, spaces))
        sentences.append(sentence)
        stats.sentences += 1
        stats.tokens += len(words)
        stats.entities.update(t[2:] for t in tags if t.startswith("B-"))
        rows.clear()

    for line in text.splitlines():  # also takes CRLF apart
        line = line.strip("\r\n")
        if not line.strip():
            flush()
            continue
        rows.append(_columns(line))
    flush()
    return sentences, stats


def read_split(data_dir: Path | str, spec: CorpusSpec, split: str) -> tuple[list[Sentence], Stats]:
    """One split (``train`` or ``dev``) of one corpus."""
    path = Path(data_dir) / spec.folder / spec.splits[split]
    return parse_conll(path.read_text(encoding="utf-8"), spec.glued_punctuation)


def available_corpora(data_dir: Path | str, corpora: Iterable[CorpusSpec] = CORPORA) -> list[CorpusSpec]:
    """The corpora whose files are all present under ``data_dir``."""
    root = Path(data_dir)
    return [c for c in corpora if all((root / c.folder / f).is_file() for f in c.splits.values())]


def write_docbin(path: Path, docs: Iterable[Doc]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    n = 0
    for doc in docs:
        docbin.add(doc)
        n += 1
    docbin.to_disk(path)
    return n


def convert(
    data_dir: Path | str | None = None,
    out_dir: Path | str = "corpus",
    corpora: Iterable[CorpusSpec] = CORPORA,
    limit: int = 0,
) -> dict[str, dict[str, Stats]]:
    """Write ``<out_dir>/<corpus>/<split>.spacy`` for each corpus, ``news`` and ``all``.

    ``limit`` keeps only the first sentences of each split (smoke training). Returns the
    statistics by corpus name and split; combined sets appear when all their parts were found.
    """
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    out_dir = Path(out_dir)
    found = available_corpora(data_dir, corpora)
    if not found:
        raise FileNotFoundError(f"no NER corpus found under {data_dir}")
    vocab = Vocab()
    docs: dict[str, dict[str, list[Doc]]] = {}
    stats: dict[str, dict[str, Stats]] = {}
    for spec in found:
        docs[spec.name], stats[spec.name] = {}, {}
        for split in SPLITS:
            sentences, split_stats = read_split(data_dir, spec, split)
            if limit:
                sentences = sentences[:limit]
                split_stats = _recount(sentences, split_stats)
            docs[spec.name][split] = [s.to_doc(vocab) for s in sentences]
            stats[spec.name][split] = split_stats
            write_docbin(out_dir / spec.name / f"{split}.spacy", docs[spec.name][split])
    for combined, parts in COMBINED.items():
        if not all(p in docs for p in parts):
            continue
        stats[combined] = {}
        for split in SPLITS:
            total = Stats()
            for part in parts:
                total.add(stats[part][split])
            stats[combined][split] = total
            write_docbin(out_dir / combined / f"{split}.spacy", (d for p in parts for d in docs[p][split]))
    return stats


def _recount(sentences: list[Sentence], full: Stats) -> Stats:
    stats = Stats(sentences=len(sentences), tokens=sum(len(s.words) for s in sentences))
    stats.entities.update(t[2:] for s in sentences for t in s.tags if t.startswith("B-"))
    stats.repairs, stats.glued = full.repairs, full.glued  # of the whole file, as read
    return stats


def format_stats(stats: dict[str, dict[str, Stats]]) -> str:
    header = f"{'corpus':<17}{'split':<7}{'sents':>7}{'tokens':>8}" + "".join(f"{lb:>8}" for lb in LABELS)
    lines = [header + f"{'repairs':>9}{'glued':>7}"]
    for name, splits in stats.items():
        for split, s in splits.items():
            counts = "".join(f"{s.entities.get(lb, 0):>8}" for lb in LABELS)
            lines.append(f"{name:<17}{split:<7}{s.sentences:>7}{s.tokens:>8}{counts}{s.repairs:>9}{s.glued:>7}")
    lines.append("repairs: I- tags with no B- of the same label before them, made B-; glued: words split")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tui.core.nlp.training.corpora", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="data directory (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("corpus"), help="where to write .spacy files")
    args = parser.parse_args(argv)
    stats = convert(args.data, args.out)
    print(format_stats(stats))
    print(f"wrote {args.out}/<corpus>/{{train,dev}}.spacy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
