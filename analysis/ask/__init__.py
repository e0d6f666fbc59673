"""Ask the interviews: questions in plain Dutch, answered with the quotes that support them.

Modules, one job each:

- ``terms``: search terms (stems of lemmas, MBO levels, hyphenated words) and the compound
  splitter; ``synonyms``: near-synonyms of evaluators and respondents;
- ``index``: the per-project search index (BM25, vectors, codes), cached and rebuilt when the
  project's data changes;
- ``query``: a question as weighted concepts plus filters (college, region, sector, phase,
  code) named in it;
- ``retrieval``: BM25, semantic similarity and codes fused by reciprocal rank, and the
  evidence threshold;
- ``answer``: quotes grouped by college and code, the extractive summary, the count;
- ``conversation``: follow-up questions within one session;
- ``points``: the findings' points (:mod:`analysis.findings`) for the sub-theme(s) a question is
  about, inside its college filter, chosen after the ranking (they never change it);
- ``llm``: the optional answer by a language model, every sentence checked against its citations;
- ``engine``: one question from start to end; ``evaluation``: recall@k and MRR on a question
  set.

Entry points: ``Project.ask(question, top_k, code=, college=, sector=, region=, phase=,
conversation=, use_llm=)`` and ``Project.new_conversation()``; the CLI ``interviews ask``.
"""

from analysis.ask.answer import NO_EVIDENCE, Answer, Quote, SummarySentence
from analysis.ask.conversation import Conversation
from analysis.ask.engine import DEFAULT_TOP_K, ask
from analysis.ask.llm import GeneratedSummary
from analysis.ask.query import Filters, Query
from analysis.ask.retrieval import AskError
from analysis.llm.config import LLMError

__all__ = [
    "DEFAULT_TOP_K",
    "NO_EVIDENCE",
    "Answer",
    "AskError",
    "Conversation",
    "Filters",
    "GeneratedSummary",
    "LLMError",
    "Query",
    "Quote",
    "SummarySentence",
    "ask",
]
