"""Word lists for spoken Dutch that spaCy's written-Dutch data lacks (data only, no logic).

Interview transcripts are speech: fillers, hedges and back-channel words ("eigenlijk",
"zeg maar", "mm-hm") are the most frequent tokens and carry no theme. spaCy's Dutch stop
words come from written text, so these lists extend them. All entries are lower case;
matching is on the lower-cased token text.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    """The whitespace-separated words of a block (keeps the lists below readable)."""
    return frozenset(block.split())


# Single-word fillers, hedges and vague words, added to spaCy's Dutch STOP_WORDS.
FILLERS: frozenset[str] = _words(
    """
    eigenlijk gewoon natuurlijk tuurlijk uiteraard sowieso inderdaad precies echt toch even
    eventjes effe nou hè he eh ehm euh uh uhm um mm mmm hm hmm mhm mm-hm mm-hmm hm-hm uh-huh
    ja jawel jazeker nee neehoor oké oke okee ok okay tja ach och ah oh aha joh hoor zeg
    maar weet snap jij enzovoort enzovoorts etcetera beetje soort ding dingen allemaal
    helemaal heel erg best ergens feitelijk zogezegd wellicht absoluut klopt kijk zoiets
    """
)

# Function words missing from spaCy's (written-Dutch) list that are frequent in speech:
# separable particles, pronominal adverbs ("daarmee", "waarvan"), indefinite pronouns.
FUNCTION_WORDS: frozenset[str] = _words(
    """
    mee soms namelijk kun word elkaar iedere iedereen niemand nergens overal
    erbij ermee erin eruit ervan erop eraan erover ervoor
    daarbij daarmee daarvan daarover daaraan daaruit daarvoor
    hierbij hiermee hiervan hierover hiervoor waarbij waarmee waarvan waarin waarover waaraan
    waarvoor
    """
)

# Multi-word fillers, as lower-case token sequences. Only their words that are not already
# stop words matter ("bedoel", "denk", "principe"): elsewhere those stay content words.
FILLER_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "zeg maar",
        "ik zeg maar",
        "weet je",
        "weet je wel",
        "snap je",
        "of zo",
        "en zo",
        "ik bedoel",
        "nou ja",
        "ja nee",
        "nee ja",
        "ik denk",
        "denk ik",
        "ik zou zeggen",
        "zou ik zeggen",
        "laten we zeggen",
        "laat ik zeggen",
        "om zo te zeggen",
        "hoe zeg je dat",
        "hoe zeg je het",
        "hoe heet het",
        "als het ware",
        "bij wijze van spreken",
        "in principe",
        "in feite",
        "op zich",
        "an sich",
        "min of meer",
        "in ieder geval",
        "hoe dan ook",
        "of wat dan ook",
        "wat dat betreft",
        "noem maar op",
    )
)

# Words that make up back-channel sentences ("Ja.", "Nou, ja.", "Mm-hm.", "Dat klopt.",
# "Helemaal mee eens."). A sentence made only of these is not quotable on its own.
INTERJECTIONS: frozenset[str] = _words(
    """
    ja jawel jazeker jaja nee neehoor nou oké oke okee ok okay precies klopt inderdaad juist
    zeker absoluut natuurlijk tuurlijk uiteraard prima goed mooi echt waar hoor hè he
    eh ehm euh uh uhm um mm mmm hm hmm mhm mm-hm mm-hmm hm-hm uh-huh ah aha oh o ach och tja
    dat is het helemaal mee eens ook wel zo kijk
    """
)

# Abbreviations that spaCy's Dutch tokenizer splits before the full stop (which would end a
# sentence there); each is added as a tokenizer special case, also capitalised.
ABBREVIATIONS: tuple[str, ...] = ("incl.", "excl.", "mw.", "ong.", "i.c.m.")

# Hesitation sounds as transcribers write them ("eh", "ehm", "euhm", "uhh", "hmm", "mm"), for the
# light editing of quotes in a publication (``analysis.report.editing``): letters repeated at will.
HESITATION_PATTERN = r"e+h+m*|e+u+h+m*|u+h+m*|u+m+|h+m+|m+h*m+"

# Words inside [brackets] or (parentheses) that mark what a transcriber heard rather than what
# was said: left out of a quote in a publication.
STAGE_DIRECTIONS: frozenset[str] = _words(
    """
    lacht lachen lachend gelach grinnikt zucht zuchtend kucht hoest stilte pauze
    schraapt keel telefoon gaat af klopt tikt op tafel onderbreking
    """
)

# Bracketed marks of a passage the transcriber could not make out: shown as "(…)" in a quote.
INAUDIBLE: frozenset[str] = _words("onverstaanbaar onhoorbaar onduidelijk onverstaanbare")

# Words that open a sentence and keep their comma ("Nou, dat is lastig"): when a hesitation set
# off by commas follows one, one comma stays; after any other word both go.
COMMA_OPENERS: frozenset[str] = _words("ja nee nou oké oke okee goed kijk tja ach jawel nouja")

# Words that open a spoken sentence before its first real word ("En", "Maar", "Ja,"), and the
# pronouns and demonstratives by which spoken Dutch points back at what was just said ("Die doet
# sindsdien ...", "Daar hebben we ...", "Toen ze terugkwam ..."): ``analysis.nlp.refers_back``.
OPENING_WORDS: frozenset[str] = _words("en maar ja nee nou dus want ehm eh")
BACK_REFERENCES: frozenset[str] = _words("die dat dit deze daar hij zij ze dan toen zo")
