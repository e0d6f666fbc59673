"""Words that evaluators and respondents use for the same thing, so that either finds both.

Board members say "collega's" where an evaluator writes "medewerkers", "moeilijk" where the
question says "lastig", "potje" for "fonds". No Dutch synonym resource is available offline
(Open Dutch WordNet is not packaged for Python), so this is our own short list: groups of
near-synonyms from the language of Dutch vocational education, not topics (a topic such as
"taal" and the languages "Engels", "Duits" is left to the codebook). A question's word matches
the other words of its groups at :data:`analysis.ask.query.SYNONYM_WEIGHT`.
"""

from __future__ import annotations

import functools

from analysis.ask.terms import lemma
from analysis.coding.text import match_key

GROUPS: tuple[tuple[str, ...], ...] = tuple(
    tuple(line.split())
    for line in """
    medewerker personeel personeelslid collega staf
    docent leraar lerares docente collega
    student leerling deelnemer cursist
    stage bpv beroepspraktijkvorming stageplek stageplaats
    bedrijf werkgever leerbedrijf onderneming werkveld bedrijfsleven
    lastig moeilijk ingewikkeld
    drempel belemmering obstakel knelpunt hindernis
    vertrekken weggaan vertrek
    meten meting monitoren monitoring evalueren evaluatie
    geld budget financiering middelen
    fonds potje pot
    administratie papierwerk papier formulier bureaucratie rompslomp
    huisvesting onderdak woonruimte
    veranderen verandering omgooien omzetten ombouwen aanpassen
    uitwisseling uitwisselen mobiliteit
    """.strip().splitlines()
)


@functools.cache
def _table() -> dict[str, tuple[str, ...]]:
    """Term -> the terms it is a near-synonym of (its groups' other members)."""
    table: dict[str, list[str]] = {}
    for group in GROUPS:
        keys = [match_key(lemma(word)) for word in group]
        for key in keys:
            table.setdefault(key, []).extend(k for k in keys if k != key)
    return {key: tuple(dict.fromkeys(values)) for key, values in table.items()}


def synonyms(term: str) -> tuple[str, ...]:
    """The terms that count as near-synonyms of ``term`` (none for most words)."""
    return _table().get(term, ())
