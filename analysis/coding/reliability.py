"""Agreement between two coders: percent agreement, Cohen's kappa and Krippendorff's alpha.

Units are the automatic segments of the transcripts both coders worked on; per code, each
coder's value for a unit is 1 when the code (or one of its sub-codes) is applied, else 0. A
segment a coder left without that code therefore counts as "not this code": that is how a
person who codes a transcript reads it. ``auto`` is a coder too (its suggestions at or above
threshold), so suggestions can be judged against a person.

Across codes, alpha is computed on the pooled (segment, code) decisions: one nominal unit per
pair. Kappa comes from scikit-learn, alpha from the ``krippendorff`` package; both are
undefined when the coders never vary (reported as NaN, shown as "n.v.t.").
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.coding import CodingError
from analysis.coding.units import coded_transcripts, coder_labels, transcript_names, units
from analysis.store import Code

AGREEMENT_COLUMNS = ["code", "units", "coder_a", "coder_b", "agreement", "kappa", "alpha"]
DISAGREEMENT_COLUMNS = ["segment_id", "transcript", "code", "coder_a", "coder_b", "text"]


def percent_agreement(a: Sequence[int], b: Sequence[int]) -> float:
    """Share of units on which both coders gave the same value."""
    a_, b_ = np.asarray(a), np.asarray(b)
    return float((a_ == b_).mean()) if len(a_) else float("nan")


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float:
    """Cohen's kappa for two coders over the same units (NaN when undefined)."""
    if len(a) == 0 or len(set(a) | set(b)) < 2:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(cohen_kappa_score(a, b))


def nominal_alpha(reliability_data: np.ndarray | Sequence[Sequence[float]]) -> float:
    """Krippendorff's alpha, nominal, for a coders x units matrix (NaN marks a missing value).

    NaN when the data hold fewer than two distinct values (alpha is undefined then).
    """
    data = np.asarray(reliability_data, dtype=float)
    values = np.unique(data[~np.isnan(data)])
    if len(values) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


@dataclass
class Reliability:
    """Agreement per code, pooled over codes, and the segments where the coders differ."""

    coder_a: str
    coder_b: str
    units: int
    per_code: pd.DataFrame
    overall: pd.DataFrame
    disagreements: pd.DataFrame


def agreement_row(code: str, a: Sequence[int], b: Sequence[int]) -> dict[str, object]:
    return {
        "code": code,
        "units": len(a),
        "coder_a": int(np.sum(a)),
        "coder_b": int(np.sum(b)),
        "agreement": percent_agreement(a, b),
        "kappa": cohen_kappa(a, b),
        "alpha": nominal_alpha([a, b]),
    }


def reliability(
    session: Session, coder_a: str, coder_b: str, *, codes: Sequence[str] | None = None
) -> Reliability:
    """Agreement of two coders (names, or ``auto``) over the transcripts both coded."""
    if coder_a == coder_b:
        raise CodingError("reliability needs two different coders")
    shared = coded_transcripts(session, coder_a) & coded_transcripts(session, coder_b)
    if not shared:
        raise CodingError(f"{coder_a} and {coder_b} have not coded any transcript in common")
    unit_list = units(session, shared)
    code_rows = session.execute(select(Code.key, Code.parent_key).order_by(Code.position)).all()
    keys = [key for key, _ in code_rows if codes is None or key in codes]
    top = {key for key, parent in code_rows if parent is None}
    labels_a = coder_labels(session, coder_a, unit_list)
    labels_b = coder_labels(session, coder_b, unit_list)
    per_code, pooled, disagreements = [], {"all": ([], []), "top": ([], [])}, []
    names = transcript_names(session)
    for key in keys:
        a = [int(key in labels_a[u.id]) for u in unit_list]
        b = [int(key in labels_b[u.id]) for u in unit_list]
        per_code.append(agreement_row(key, a, b))
        for group in ("all", "top") if key in top else ("all",):
            pooled[group][0].extend(a)
            pooled[group][1].extend(b)
        for unit, x, y in zip(unit_list, a, b, strict=True):
            if x != y:
                disagreements.append(
                    {
                        "segment_id": unit.id,
                        "transcript": names.get(unit.transcript_id, ""),
                        "code": key,
                        "coder_a": x,
                        "coder_b": y,
                        "text": unit.text,
                    }
                )
    overall = [
        agreement_row(label, *pooled[group])
        for group, label in (("all", "(alle codes)"), ("top", "(hoofdcodes)"))
    ]
    return Reliability(
        coder_a,
        coder_b,
        len(unit_list),
        pd.DataFrame(per_code, columns=AGREEMENT_COLUMNS),
        pd.DataFrame(overall, columns=AGREEMENT_COLUMNS),
        pd.DataFrame(disagreements, columns=DISAGREEMENT_COLUMNS),
    )
