"""The model's entities with no correction come back as they are when in order, and otherwise as
with corrections: sorted, one a span (review of issue 17, item 16)."""

from __future__ import annotations

from tui.core.corrections import corrected_entities
from tui.core.entities import Entity

ADA, ADA_AGAIN, XY = Entity(0, 3, "PERSON", "Ada"), Entity(0, 3, "PERSON", "Ada"), Entity(10, 12, "ORG", "XY")


def test_entities_out_of_order_are_sorted_and_a_repeated_span_kept_once() -> None:
    assert corrected_entities([XY, ADA, ADA_AGAIN], []) == [ADA, XY]
    assert corrected_entities([ADA, ADA_AGAIN, XY], []) == [ADA, XY]


def test_entities_in_order_are_the_same_list_contents() -> None:
    wider = Entity(2, 11, "ORG", "a XY")  # overlapping, in order by start: left as the model gave them
    assert corrected_entities([ADA, wider, XY], []) == [ADA, wider, XY]
