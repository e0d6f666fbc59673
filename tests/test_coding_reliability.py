"""Reliability figures equal published worked examples.

- Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal data of
  four observers on twelve units with missing values; alpha = 0.743.
- The textbook two-rater yes/no table of 50 items (20 both yes, 15 both no, 5 and 10 split),
  e.g. Wikipedia's "Cohen's kappa" worked example: p_o = 0.70, p_e = 0.50, kappa = 0.40. For
  these data nominal alpha is 1 - (n - 1) * o_yn / (n_y * n_n) = 1 - 99 * 15 / (55 * 45) = 0.40.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from coding_support import add_interview

from analysis import Project
from analysis.cli import main
from analysis.coding import CodingError
from analysis.coding.reliability import cohen_kappa, nominal_alpha, percent_agreement

NAN = np.nan
KRIPPENDORFF_2011_NOMINAL = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_krippendorff_2011_nominal_example() -> None:
    assert nominal_alpha(KRIPPENDORFF_2011_NOMINAL) == pytest.approx(0.743, abs=5e-4)


def test_cohen_textbook_example() -> None:
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert percent_agreement(a, b) == pytest.approx(0.70)
    assert cohen_kappa(a, b) == pytest.approx(0.40)
    assert nominal_alpha([a, b]) == pytest.approx(0.40)


def test_undefined_when_nobody_varies() -> None:
    assert math.isnan(cohen_kappa([0, 0, 0], [0, 0, 0]))
    assert math.isnan(nominal_alpha([[0, 0, 0], [0, 0, 0]]))


def test_two_coders_in_a_project_give_the_textbook_figures(empty_project: Project) -> None:
    """Fifty segments coded by two people as in the textbook table; one code."""
    question = "Wat houdt studenten tegen om mee te gaan?"
    answers = [f"Fragment {k}: thuis is er vaak geen geld, zegt student {k}." for k in range(50)]
    ids = add_interview(empty_project, "vijftig.txt", [(question, answers)])
    code = "inclusion.barriers"
    marieke = ids[:25]  # yes on 1-20 (both) and 21-25 (only Marieke)
    pieter = ids[:20] + ids[25:35]  # yes on 1-20 (both) and 26-35 (only Pieter)
    for segment_id in marieke:
        empty_project.apply_code(segment_id, code, "Marieke")
    for segment_id in pieter:
        empty_project.apply_code(segment_id, code, "Pieter")

    result = empty_project.reliability("Marieke", "Pieter")
    assert result.units == 50
    row = result.per_code.set_index("code").loc[code]
    assert (row["coder_a"], row["coder_b"]) == (25, 30)
    assert row["agreement"] == pytest.approx(0.70)
    assert row["kappa"] == pytest.approx(0.40)
    assert row["alpha"] == pytest.approx(0.40)
    parent = result.per_code.set_index("code").loc["inclusion"]  # a sub-code implies its parent
    assert parent["kappa"] == pytest.approx(0.40)
    unused = result.per_code.set_index("code").loc["phases"]
    assert unused["agreement"] == 1.0 and math.isnan(unused["kappa"])
    disagreements = result.disagreements[result.disagreements["code"] == code]
    assert sorted(disagreements["segment_id"]) == sorted(ids[20:35])
    pooled = result.overall.set_index("code")
    assert pooled.loc["(alle codes)", "units"] == 50 * len(result.per_code)


def test_reliability_command_and_mistakes(empty_project: Project, capsys) -> None:
    ids = add_interview(empty_project, "kort.txt", [("Vraag?", ["Geld is een drempel.", "Ja."])])
    empty_project.apply_code(ids[0], "inclusion.barriers", "Marieke")
    with pytest.raises(CodingError, match="not coded any transcript in common"):
        empty_project.reliability("Marieke", "Pieter")
    empty_project.apply_code(ids[0], "inclusion", "Pieter")
    location = empty_project.url.removeprefix("sqlite:///")
    assert main(["reliability", "Marieke", "Pieter", "--project", location]) == 0
    out = capsys.readouterr().out
    assert "inclusion.barriers" in out and "only by Marieke" in out
    assert main(["reliability", "Marieke", "Marieke", "--project", location]) == 2
    assert "two different coders" in capsys.readouterr().err
