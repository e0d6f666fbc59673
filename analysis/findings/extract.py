"""Find the points per sub-theme: the codebook's aspects first, then clusters of the rest.

Deductive: a segment carrying the sub-theme makes an aspect's point when one of the aspect's
indicator lemmas (or all lemmas of an indicator phrase) occurs in it. A segment supports only
the aspect(s) it matches most strongly, and a college counts for an aspect only with one strong
passage (an indicator that is the sub-theme's own word, or two indicators) or two passages; an
indicator said all over the corpus, such as "niveau" or "groep", is weak. Once a person coded
the sub-theme, a college that only suggestions put there needs a stronger passage.

Inductive: segments of the sub-theme that match no aspect are clustered on their content
lemmas (TF-IDF, average-linkage agglomerative clustering on cosine distance: deterministic, no
seed, no model); a cluster is a point only when at least two colleges are in it, only passages
close to the cluster's centre name a college for it, and it is labelled with the content words
most of its segments share (no light verbs, names or fillers).

A segment that says the point does not apply ("speelt bij ons niet", "doen we niks mee")
counts its college as a contrast, not as making the point.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from analysis.codebook import Code, Codebook
from analysis.findings.model import Evidence, FindingSegment, Point, SubThemeFindings

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# Ways of saying a point does not apply here; matched on the segment's lower-case text.
DENIAL = re.compile(
    r"speelt (?:bij ons|hier|voor ons)(?: \w+)? niet"
    r"|speelt (?:bij ons|hier|voor ons) geen rol"
    r"|niet van toepassing"
    r"|(?:doen|hebben) we (?:eigenlijk |helemaal |verder )?(?:niks|niets) mee"
    r"|(?:doen|hebben) we (?:daar|er) (?:eigenlijk |helemaal |verder )?(?:niks|niets) mee"
    r"|daar doen we (?:eigenlijk |helemaal )?(?:niks|niets) mee"
    r"|(?:is|zijn) (?:voor ons|bij ons) geen thema"
    r"|zitten (?:daar|er) niet (?:echt )?in"
    r"|werkt (?:in ons vak|bij ons|hier) (?:\w+ )?niet"
)
# Clusters: the largest cosine distance at which two groups still merge (average linkage).
CLUSTER_DISTANCE = 0.8
MIN_CLUSTER_COLLEGES = 2
# A clustered passage counts for its cluster's point only at this cosine similarity to the
# cluster's centre (TF-IDF rows and centre of unit length).
CENTRE_SIMILARITY = 0.5
MAX_CLUSTERED = 1500  # passages clustered pairwise per sub-theme; the rest join the nearest
LABEL_WORDS = 2
# Aspect strength: an indicator word is the sub-theme's own when at least this share of the
# passages using it carry the sub-theme; a word said everywhere weighs WEAK. A college counts
# for an aspect with one passage of strength >= STRONG or MIN_WEAK_PASSAGES weaker ones.
SPECIFIC_SHARE = 0.5
WEAK = 0.5
STRONG = 1.0
MIN_WEAK_PASSAGES = 2
SUGGESTED_STRONG = 1.5
WEAK_MIN_USES = 8  # a word in fewer passages is too rare to call common
# A word in more than this share of all segments says nothing about one point ("docent").
MAX_LABEL_SPREAD = 0.05
_CAPITALISED = re.compile(r"(?<=[\w,;] )([A-Z][a-zà-ÿ]+)")
# Question and quantity words that are content words to the pipeline but name no point.
_NOT_LABELS = frozenset((
    "hoeveel", "waarom", "welke", "welk", "zoveel", "zoals", "eigenlijk", "gewoon", "heel",
    "echt", "best", "soort", "manier", "kant", "ding", "vraag", "antwoord", "voorbeeld",
    "beetje",
))
# Sub-themes that list measures or principles are written as a bulleted list.
LIST_WORDS = ("maatregel", "principe", "aanpak")


def denies(text: str) -> bool:
    """True when the passage says the matter does not apply to the speaker's college."""
    return DENIAL.search(text.lower()) is not None


def proper_names(texts: Iterable[str]) -> frozenset[str]:
    """Lower-cased words that appear capitalised in the middle of a sentence."""
    return frozenset(m.group(1).lower() for text in texts for m in _CAPITALISED.finditer(text))


def find_points(
    segments: Sequence[FindingSegment],
    codebook: Codebook,
    *,
    excluded_words: Iterable[str] = (),
    keys: Iterable[str] | None = None,
) -> dict[str, SubThemeFindings]:
    """The findings per sub-theme (and per top-level theme, for passages on no sub-theme).

    ``excluded_words``: lemmas that may never label a cluster (college and person names).
    ``keys``: only these codes (default: every code except the phase codes).
    """
    excluded = frozenset(excluded_words)
    wanted = list(keys) if keys is not None else [
        code.key for code in codebook.codes if not code.key.startswith("phases")
    ]
    spread: Counter[str] = Counter(w for s in segments for w in set(s.lemmas))
    # Proper names (places, countries, partner schools) never label a point: words written
    # with a capital inside a sentence, plus the common words every segment uses.
    excluded = excluded | proper_names(s.text for s in segments) | {
        w for w, n in spread.items() if n > max(MAX_LABEL_SPREAD * len(segments), 10)
    }
    result: dict[str, SubThemeFindings] = {}
    for key in wanted:
        code = codebook.get(key)
        children = {child.key for child in codebook.children(key)}
        members = [
            s for s in segments
            if s.carries(key) and not (children and any(s.carries(c) for c in children))
        ]
        findings = SubThemeFindings(
            code=key,
            label=code.label,
            colleges=sorted({s.institution for s in members}, key=str.casefold),
            is_list=any(word in code.label.lower() for word in LIST_WORDS),
        )
        carriers: Counter[str] = Counter(w for s in members for w in set(s.lemmas))
        findings.points = _points(code, members, excluded, spread, carriers)
        result[key] = findings
    return result


def _points(
    code: Code, members: Sequence[FindingSegment], excluded: frozenset[str],
    spread: Counter[str], carriers: Counter[str] | None = None,
) -> list[Point]:
    points: list[Point] = []
    matched: set[int] = set()
    weights = _indicator_weights(code, spread, carriers or Counter())
    # Each passage supports at most the aspect(s) it matches best: one passage that mentions
    # "groep" and "buddy" in passing does not feed two points.
    best: dict[int, tuple[float, set[str]]] = {}
    for segment in members:
        scores = {a.label: _strength(segment.lemmas, a.indicators, weights) for a in code.aspects}
        top = max(scores.values(), default=0.0)
        if top > 0:
            best[segment.segment_id] = (top, {k for k, v in scores.items() if v == top})
    coded = any(code.key in s.reviewed for s in members)
    for aspect in code.aspects:
        point = Point(code.key, aspect.label, "aspect", description=aspect.description,
                      terms=tuple(aspect.indicators))
        chosen = [s for s in members
                  if s.segment_id in best and aspect.label in best[s.segment_id][1]]
        # A college counts only with one passage that carries the aspect strongly (its own
        # indicator words, specific to the sub-theme) or with two or more passages.
        by_college: dict[str, list[FindingSegment]] = {}
        for segment in chosen:
            by_college.setdefault(segment.institution, []).append(segment)
        for college_segments in by_college.values():
            # Once a person has coded the sub-theme, a college only suggestions put here needs
            # stronger evidence than one a person confirmed.
            reviewed = any(code.key in s.reviewed for s in college_segments)
            needed = SUGGESTED_STRONG if coded and not reviewed else STRONG
            strong = any(best[s.segment_id][0] >= needed for s in college_segments)
            if not strong and len(college_segments) < MIN_WEAK_PASSAGES:
                continue
            for segment in college_segments:
                point.evidence.append(_evidence(segment, code.key))
                matched.add(segment.segment_id)
        if point.evidence:
            points.append(point)
    rest = [s for s in members if s.segment_id not in matched]
    points.extend(_clusters(code.key, rest, excluded, spread))
    points.sort(key=lambda p: (-len(p.colleges), -len(p.contrast), p.source != "aspect", p.label))
    return [p for p in points if p.colleges or p.contrast]


def _indicator_weights(
    code: Code, spread: Counter[str], carriers: Counter[str]
) -> dict[str, float]:
    """Per indicator word: 1.0 when it is the sub-theme's own word (at least
    ``SPECIFIC_SHARE`` of the passages that use it carry the sub-theme), else ``WEAK``
    ("niveau", "groep" and "klas" are said everywhere)."""
    weights = {}
    for aspect in code.aspects:
        for term in aspect.indicators:
            for word in term.split():
                used = spread.get(word, 0)
                share = carriers.get(word, 0) / used if used else 1.0
                common = used >= WEAK_MIN_USES and share < SPECIFIC_SHARE
                weights[word] = WEAK if common else 1.0
    return weights


def _strength(
    lemmas: Sequence[str], indicators: Iterable[str], weights: dict[str, float]
) -> float:
    """How strongly a passage carries an aspect: the weights of its indicators that occur."""
    present = set(lemmas)
    return sum(
        min(weights.get(word, 1.0) for word in term.split())
        for term in indicators if all(word in present for word in term.split())
    )


def _evidence(segment: FindingSegment, key: str) -> Evidence:
    return Evidence(segment.segment_id, segment.institution, segment.text,
                    reviewed=key in segment.reviewed, denies=denies(segment.text))


def _matches(lemmas: Sequence[str], indicators: Iterable[str]) -> bool:
    present = set(lemmas)
    return any(all(word in present for word in term.split()) for term in indicators)


def _label_terms(lemmas: Sequence[str], excluded: frozenset[str]) -> list[str]:
    """Lemmas that may label a point: content words, not light verbs, names or fillers.

    Without a part-of-speech tagger (the default pipeline has none), forms ending in "-en"
    (infinitives, most plurals and adverbs like "samen") and past participles are left out,
    so labels are nouns in their singular form.
    """
    from analysis.topics.vocabulary import CONVERSATION_WORDS, is_number_word
    from analysis.words_nl import STOP_WORDS

    return [
        word for word in lemmas
        if len(word) > 3 and word.isalpha()
        and word not in excluded and word not in CONVERSATION_WORDS and word not in STOP_WORDS
        and word not in _NOT_LABELS
        and not is_number_word(word)
        and not word.endswith("en")
        and not re.fullmatch(r"(?:ge|be|ver|ont|her)\w{3,}[dt]", word)
    ]


def _clusters(
    key: str, rest: Sequence[FindingSegment], excluded: frozenset[str], spread: Counter[str]
) -> list[Point]:
    documents = [_label_terms(s.lemmas, excluded) for s in rest]
    usable = [(s, d) for s, d in zip(rest, documents, strict=True) if len(d) >= 2]
    if len({s.institution for s, _ in usable}) < MIN_CLUSTER_COLLEGES:
        return []
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    matrix = _tfidf([d for _, d in usable])
    if matrix is None:  # no word occurs in two segments: nothing in common to cluster on
        return []
    keep = [i for i in range(matrix.shape[0]) if matrix[i].nnz]
    if len(keep) < 2:
        return []
    # Agglomerative clustering needs all pairwise distances: above MAX_CLUSTERED passages an
    # evenly spread, deterministic subset is clustered and the rest joins the nearest cluster.
    step = max(1, math.ceil(len(keep) / MAX_CLUSTERED))
    core = keep[::step]
    tree = linkage(matrix[core].toarray(), method="average", metric="cosine")
    # Groups merge while their distance is below CLUSTER_DISTANCE (strictly, as scikit-learn's
    # distance_threshold); fcluster keeps merges at or below t, hence the next float down.
    cut = fcluster(tree, t=np.nextafter(CLUSTER_DISTANCE, 0), criterion="distance")
    labels = dict(zip(core, cut.tolist(), strict=True))
    rest = [i for i in keep if i not in labels]
    if rest:
        names = sorted(set(labels.values()))
        centroids = np.vstack([
            np.asarray(matrix[[i for i in core if labels[i] == n]].mean(axis=0)) for n in names
        ])
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        similarity = matrix[rest] @ centroids.T
        for row, i in enumerate(rest):
            best = int(np.argmax(similarity[row]))
            if similarity[row, best] >= 1 - CLUSTER_DISTANCE:
                labels[i] = names[best]
    points = []
    for cluster in sorted(set(labels.values())):
        rows = [i for i in keep if labels.get(i) == cluster]
        # Only passages close to the cluster's centre name a college for it: a passage that
        # joined on one shared word of many does not make the point.
        centre = np.asarray(matrix[rows].mean(axis=0)).ravel()
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        closeness = np.asarray(matrix[rows] @ centre).ravel()
        members = [usable[i] for i, near in zip(rows, closeness, strict=True)
                   if near >= CENTRE_SIMILARITY]
        colleges = {s.institution for s, _ in members}
        if len(colleges) < MIN_CLUSTER_COLLEGES:
            continue
        terms = _cluster_terms(members, spread)
        if not terms:
            continue
        point = Point(key, " en ".join(terms), "cluster", terms=tuple(terms))
        point.evidence = [_evidence(s, key) for s, _ in members]
        points.append(point)
    return points


def _tfidf(documents: Sequence[Sequence[str]]) -> csr_matrix | None:
    """TF-IDF rows of unit length over the words in at least two documents (raw counts,
    smooth idf), or None when no word is: what scikit-learn's ``TfidfVectorizer(min_df=2)``
    gives, written out because importing scikit-learn cost the report about 1.5 s."""
    import numpy as np
    from scipy import sparse

    frequency = Counter(word for words in documents for word in set(words))
    terms = sorted(word for word, n in frequency.items() if n >= 2)
    if not terms:
        return None
    column = {term: j for j, term in enumerate(terms)}
    rows, columns, values = [], [], []
    for i, words in enumerate(documents):
        for word, count in Counter(w for w in words if w in column).items():
            rows.append(i)
            columns.append(column[word])
            values.append(float(count))
    matrix = sparse.csr_matrix(
        (values, (rows, columns)), shape=(len(documents), len(terms)), dtype=np.float64
    )
    idf = np.log((1 + len(documents)) / (1 + np.array([frequency[t] for t in terms]))) + 1
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1 / np.maximum(norms, 1e-12)) @ matrix)


def _cluster_terms(
    members: Sequence[tuple[FindingSegment, list[str]]], spread: Counter[str]
) -> list[str]:
    """The words most colleges in the cluster use; among those, the ones rarest in the whole
    corpus (``spread``: segments per word), so "lesmodule" wins over "docent"."""
    colleges: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for segment, words in members:
        for word in set(words):
            colleges.setdefault(word, set()).add(segment.institution)
            counts[word] += 1
    ranked = sorted(
        (w for w in colleges if len(colleges[w]) >= MIN_CLUSTER_COLLEGES),
        key=lambda w: (-len(colleges[w]), spread[w], -counts[w], w),
    )
    chosen: list[str] = []
    for word in ranked:
        if any(word in other or other in word for other in chosen):
            continue
        chosen.append(word)
        if len(chosen) == LABEL_WORDS:
            break
    return chosen
