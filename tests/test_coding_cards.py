"""The review queue as cards (issue 17): one card per passage and theme, one decision per card,
most informative first, on the suggestions of the sample project."""

from __future__ import annotations

import pytest

from analysis import Project
from analysis.coding import CodingError
from analysis.coding.queue import review_cards, theme_of

CODER = "Sanne de Wit"


@pytest.fixture
def suggested(sample_project: Project) -> Project:
    sample_project.suggest()
    return sample_project


def test_a_card_holds_a_passages_theme_with_its_sub_themes(suggested: Project) -> None:
    queue = suggested.suggestion_queue(reasons=False)
    cards = suggested.review_cards(queue)
    parents = {code.key: code.parent for code in suggested.codebook()}
    # Every open suggestion is on exactly one card, and no passage has two cards of one theme.
    on_cards = {(row.segment_id, code) for row in cards.itertuples() for code in row.codes}
    assert on_cards == set(zip(queue["segment_id"], queue["code"], strict=True))
    assert not cards.duplicated(["segment_id", "theme"]).any()
    assert all(theme_of(code, parents) == row.theme for row in cards.itertuples()
               for code in row.codes)
    # The sample project has theme suggestions beside their sub-theme's: fewer cards than rows.
    paired = cards[cards["codes"].map(len) > 1]
    assert len(paired) > 0 and len(cards) == len(queue) - sum(len(c) - 1 for c in cards["codes"])
    assert all(row.codes[0] == row.theme for row in paired.itertuples() if row.theme in row.codes)
    # Most informative first: the strongest suggestion closest to its threshold leads.
    assert cards["informative"].is_monotonic_decreasing


def test_one_decision_accepts_or_rejects_the_card_and_one_undo_takes_it_back(
    suggested: Project,
) -> None:
    cards = suggested.review_cards()
    card = cards[cards["codes"].map(len) > 1].iloc[0]
    segment_id, theme = int(card["segment_id"]), str(card["theme"])
    assert suggested.accept_card(segment_id, theme, CODER) == len(card["codes"])
    history = suggested.coding_history(segment_id=segment_id, coder=CODER)
    assert dict(zip(history["code"], history["status"], strict=True)) == {
        code: "accepted" for code in card["codes"]
    }
    after = suggested.review_cards()
    assert not ((after["segment_id"] == segment_id) & (after["theme"] == theme)).any()
    assert len(after) == len(cards) - 1
    assert suggested.undo(CODER) == len(card["codes"])  # one undo: the whole card
    assert len(suggested.review_cards()) == len(cards)
    assert suggested.reject_card(segment_id, theme, CODER) == len(card["codes"])
    codes = suggested.segments().set_index("segment_id").loc[segment_id, "codes"].split(";")
    assert not set(card["codes"]) & set(codes)
    with pytest.raises(CodingError, match="no open suggestion") as raised:
        suggested.accept_card(segment_id, theme, CODER)
    assert raised.value.message_key == "coding.group_empty"


def test_cards_are_ordered_by_closeness_to_the_threshold() -> None:
    import pandas as pd

    queue = pd.DataFrame(
        {
            "segment_id": [1, 1, 2, 3],
            "transcript": ["a.txt"] * 4,
            "institution": ["ROC Zuid"] * 4,
            "question": [""] * 4,
            "text": ["Ouders twijfelen.", "Ouders twijfelen.", "Geld is op.", "Stage in Gent."],
            "code": ["inclusion", "inclusion.barriers", "inclusion.barriers", "impact"],
            "confidence": [0.9, 0.55, 0.95, 0.2],
            "origin": ["trefwoorden"] * 4,
        }
    )
    parents = {"inclusion": None, "inclusion.barriers": "inclusion", "impact": None}
    cards = review_cards(queue, parents, {"inclusion": 0.5, "inclusion.barriers": 0.5,
                                          "impact": 0.5})
    assert list(cards["segment_id"]) == [3, 1, 2]  # 0.2 is 0.3 away, 0.9 0.4, 0.95 0.45
    assert cards.set_index("segment_id").loc[1, "codes"] == ("inclusion", "inclusion.barriers")
