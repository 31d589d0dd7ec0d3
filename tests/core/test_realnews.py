"""The real-news dev set: its gold files, and how the evaluation scores spans and claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.facts.model import ClaimFact
from tui.core.nlp.training.realnews import (
    REALNEWS_DIR,
    ClaimScores,
    GoldArticle,
    GoldError,
    load_article,
    load_devset,
    parse_marked,
    score_claims,
    span_scores,
    tally,
)


def test_marks_give_the_plain_text_and_its_offsets() -> None:
    text, spans = parse_marked("⟦Jember|LOC⟧ (⟦ANTARA News|ORG⟧) - Seorang warga, ⟦Sakdiyah|PERSON⟧ (⟦50|QUANTITY⟧).")
    assert text == "Jember (ANTARA News) - Seorang warga, Sakdiyah (50)."
    assert [(s.label, text[s.start : s.end]) for s in spans] == [
        ("LOC", "Jember"),
        ("ORG", "ANTARA News"),
        ("PERSON", "Sakdiyah"),
        ("QUANTITY", "50"),
    ]


@pytest.mark.parametrize(
    "marked",
    ["⟦Jember|PLACE⟧ hujan.", "⟦Jember|LOC hujan.", "Jember|LOC⟧ hujan.", "⟦Jember |LOC⟧hujan."],
)
def test_a_broken_mark_is_refused(marked: str) -> None:
    with pytest.raises(GoldError):
        parse_marked(marked)


def test_a_gold_file_must_mark_its_article_unchanged(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "articles" / "01-a.txt").write_text("Budi tiba di Jember.\n", encoding="utf-8")
    gold = tmp_path / "gold" / "01-a.txt"
    gold.write_text("⟦Budi|PERSON⟧ tiba di ⟦Jember|LOC⟧.\n", encoding="utf-8")
    assert [s.text for s in load_article(gold).spans] == ["Budi", "Jember"]
    gold.write_text("⟦Budi|PERSON⟧ tiba ke ⟦Jember|LOC⟧.\n", encoding="utf-8")
    with pytest.raises(GoldError, match="differs"):
        load_article(gold)


def test_exact_and_overlapping_matches_are_counted_apart() -> None:
    gold = [(0, 0, 10, "MONEY"), (0, 20, 30, "DATE"), (0, 40, 45, "PERSON")]
    pred = [(0, 0, 10, "MONEY"), (0, 20, 25, "DATE"), (0, 40, 45, "LOC"), (1, 40, 45, "PERSON")]
    exact = tally(gold, pred, ("MONEY", "DATE"), "exact")
    assert (exact.gold_hit, exact.pred_hit, exact.gold, exact.pred) == (1, 1, 2, 2)
    overlap = tally(gold, pred, ("MONEY", "DATE"), "overlap")
    assert (overlap.gold_hit, overlap.pred_hit) == (2, 2)
    names = span_scores(gold, pred)
    assert names["overlap"]["PERSON"].recall == 0.0  # the LOC at the same place is no PERSON; article 1 is another
    assert names["found"]["names"].recall == 1.0  # found, whatever its label


def _claim(speaker: str, start: int, end: int) -> ClaimFact:
    return ClaimFact(
        id="c",
        text="",
        sentence=(0, 0),
        start=start,
        end=end,
        speaker=speaker,
        verb="kata",
        content="",
        content_span=(start, end),
    )


def test_a_claim_is_found_by_its_content_and_right_by_its_speaker() -> None:
    text = "“Kami siap bertanding besok,” kata Budi Santoso. Ia menambahkan tim sudah berlatih keras."
    article = GoldArticle(
        "x",
        text,
        (),
        (
            {"speaker": "Budi Santoso", "verb": "kata", "content": "Kami siap bertanding besok"},
            {"speaker": "Budi Santoso", "verb": "menambahkan", "content": "tim sudah berlatih keras"},
        ),
    )
    scores = ClaimScores()
    second = text.index("tim sudah")
    score_claims(article, [_claim("budi santoso", 1, 27), _claim("Budi", second, second + 10)], scores)
    assert (scores.gold, scores.found, scores.right_speaker, scores.predicted) == (2, 2, 1, 2)
    assert "'Budi' for 'Budi Santoso'" in scores.wrong[0]


@pytest.mark.skipif(not (REALNEWS_DIR / "gold").is_dir(), reason="the dev set is not in an sdist")
def test_every_gold_file_of_the_devset_marks_its_article() -> None:
    articles = load_devset()
    assert len(articles) >= 20
    for article in articles:
        assert article.spans, article.name
        ends = [(s.start, s.end) for s in article.spans]
        assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:])), f"{article.name}: spans overlap"
    outlets = {a.text.split("\n")[2].split(" ")[0] for a in articles}
    assert len(outlets) >= 4
