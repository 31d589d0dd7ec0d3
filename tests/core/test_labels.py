"""The fixed label order the reader's picker and legend use, and that it covers the pipeline."""

from __future__ import annotations

from tui.core.entities import LABELS, PIPELINE_LABELS, label_order


def test_the_pipeline_labels_are_every_label_sorots_pipeline_can_produce() -> None:
    from tui.core.nlp.candidates import NAME_LABELS
    from tui.core.nlp.numbers import NUMERIC_LABELS

    assert set(PIPELINE_LABELS) == set(NAME_LABELS) | set(NUMERIC_LABELS)
    assert len(set(LABELS)) == len(LABELS) and LABELS[: len(PIPELINE_LABELS)] == PIPELINE_LABELS


def test_labels_sort_in_the_fixed_order_and_unknown_ones_after_by_name() -> None:
    labels = ["MISC", "GPE", "CARDINAL", "PERSON", "AAA", "LOC"]
    assert sorted(labels, key=label_order) == ["PERSON", "LOC", "CARDINAL", "GPE", "AAA", "MISC"]
