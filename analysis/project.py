"""``Project``: the one façade over the library that the CLI and the Streamlit app call.

A project is one database (a SQLite file by default, or any SQLAlchemy URL) holding the
transcripts, their segments, the project's own copy of the codebook, codings, topic runs, phase
judgements and report choices. Methods here stay thin: each delegates to the module that owns the
work, so every feature the app shows is reachable — and testable — without a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

# Light collaborators only at import time (the database, the codebook, the tables, messages,
# the language-model client): the others (pandas, spaCy, scikit-learn, BERTopic, python-docx
# behind them) are imported inside the methods that use them, so that a command loads what it
# needs and no more (tests/test_startup.py guards it: listing transcripts loads no pandas).
from analysis import views
from analysis.codebook import Codebook, load_codebook
from analysis.codebook_store import read_codebook, write_codebook
from analysis.coding.state import (
    AUTO_CODER,
    THRESHOLD_SETTING,
    current_codings,
    parent_map,
    thresholds,
)
from analysis.dates import parse_date
from analysis.faults import ResourceError
from analysis.ingest import DEFAULT_MAX_BYTES
from analysis.ingest.base import ROLES
from analysis.llm.cache import ResponseCache
from analysis.llm.client import LLMClient
from analysis.llm.config import ENV_URL, LLMConfig, LLMError, check_endpoint
from analysis.locations import DEFAULT_PROJECT
from analysis.messages import fail
from analysis.store import Base, Coding, Meta, Segment, SpeakerRole, Store, Transcript, utcnow
from analysis.store import Code as CodeRow

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy.orm import Session

    from analysis.ask import Answer, Conversation
    from analysis.coding import gold as gold_codings
    from analysis.coding import reliability as agreement
    from analysis.coding import suggest as suggestions
    from analysis.corpus import IngestResult
    from analysis.exchange import qdc, qdpx
    from analysis.findings import SubThemeFindings
    from analysis.findings.steps import PhaseSteps
    from analysis.pseudonymise import Pseudonymiser
    from analysis.report.model import Draft

EDITABLE_METADATA = (
    "name",
    "institution",
    "date",
    "interviewer",
    "sector",
    "region",
    "respondents",
    "roles",
)
# Values of the setting ``detect_names``: when the names detector (deduce) reads a new
# transcript. True, the old value, means at import.
DETECT_ON_FIRST_USE, DETECT_AT_IMPORT = "first use", "import"
# Tables too large to count on every page view; their newest id tells additions apart.
_LARGE_TABLES = {"turn", "segment", "coding", "embedding", "segment_topic"}


class ProjectError(Exception):
    """A user mistake (unknown transcript, bad role, ...) in one clear sentence."""


class Project:
    """An evaluator's project, opened by path or URL; a new one starts with the default codebook."""

    def __init__(
        self, location: str | Path = DEFAULT_PROJECT, *, codebook: Path | None = None
    ) -> None:
        self.store = Store(location)
        self.url = self.store.url
        with self.store.session() as session:
            if not read_codebook(session).codes:
                write_codebook(session, load_codebook(codebook) if codebook else load_codebook())

    def close(self) -> None:
        self.store.close()

    def setting(self, key: str, default: object = None) -> object:
        """A project setting (coder name, embedding model, ...), stored in the project."""
        with self.store.session() as session:
            row = session.get(Meta, f"setting:{key}")
            return default if row is None else row.value

    def set_setting(self, key: str, value: object) -> None:
        with self.store.session() as session:
            row = session.get(Meta, f"setting:{key}")
            if row is None:
                session.add(Meta(key=f"setting:{key}", value=value))
            else:
                row.value = value

    def revision(self) -> dict[str, tuple]:
        """A cheap fingerprint of the data: per table its newest id and, for the small tables,
        its row count. It changes when any writer (another browser tab, the CLI) adds or removes
        rows, so a user interface can cache its tables and still see their work; per table, so
        that it can keep what a change does not touch. In-place edits do not change it; an
        interface tracks its own edits."""
        wanted: dict[str, tuple] = {}
        for table in Base.metadata.sorted_tables:
            newest = select(func.max(table.c.id)) if "id" in table.c else None
            count = None if table.name in _LARGE_TABLES else select(func.count()).select_from(table)
            wanted[table.name] = (newest, count)
        queries = [q.scalar_subquery() for pair in wanted.values() for q in pair if q is not None]
        with self.store.session() as session:
            values = iter(session.execute(select(*queries)).one())
        return {
            name: tuple(None if q is None else next(values) for q in pair)
            for name, pair in wanted.items()
        }

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transcripts -----------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path | str],
        *,
        replace: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES,
        progress: Callable[[Path], None] | None = None,
        uploaded: bool = False,
    ) -> list[IngestResult]:
        """Import files and folders; one result per file, failures included (never raises).

        ``uploaded``: the files were uploaded (the app saves them in a temporary folder), so
        their folder says nothing and each is known by its name alone (``corpus``). Names and
        other identifiers in the new transcripts are detected on first pseudonymised use or
        review (issue 14: the library costs most of an import); with the project setting
        ``detect_names`` = "import" they are detected right away, as before."""
        from analysis import corpus

        results = corpus.ingest_files(
            self.store, paths, replace=replace, max_bytes=max_bytes, progress=progress,
            uploaded=uploaded,
        )
        if self.setting("detect_names", DETECT_ON_FIRST_USE) in (DETECT_AT_IMPORT, True):
            for result in results:
                if result.status in ("imported", "replaced") and result.transcript_id:
                    self._detect_on_import(result)
        return results

    def _detect_on_import(self, result: IngestResult) -> None:
        """Detection must not cost the evaluator an import: a failure becomes a warning."""
        try:
            self.detect_names([result.transcript_id])
        except Exception as error:  # the library's own message is the useful part
            warning = f"names not detected ({error}); run 'interviews names detect' later"
            result.warnings.append(warning)

    def transcripts(self, *, lang: str = "en") -> pd.DataFrame:
        """All transcripts with metadata and counts (turns, segments, words); import warnings
        in ``lang`` ("nl" for the app, see ``analysis.messages``)."""
        with self.store.session() as session:
            return views.transcripts_frame(session, lang=lang)

    def transcript_rows(self, *, lang: str = "en") -> list[dict]:
        """The rows of :meth:`transcripts` as dicts, without pandas (the CLI's listing: pandas'
        import would be most of that command's time)."""
        with self.store.session() as session:
            return views.transcript_rows(session, lang=lang)

    def transcript_text(self, transcript_id: int) -> str:
        with self.store.session() as session:
            return self._transcript(session, transcript_id).text

    def turns(self, transcript_id: int) -> pd.DataFrame:
        """The transcript as a conversation: one row per turn with its speech and media time."""
        import pandas as pd

        with self.store.session() as session:
            transcript = self._transcript(session, transcript_id)
            rows = [
                {
                    "turn_id": t.id,
                    "index": t.index,
                    "speaker": t.speaker,
                    "role": t.role,
                    "start": t.start,
                    "end": t.end,
                    "media_start": t.media_start,
                    "text": transcript.text[t.start : t.end],
                }
                for t in transcript.turns
            ]
        return pd.DataFrame(
            rows,
            columns=["turn_id", "index", "speaker", "role", "start", "end", "media_start", "text"],
        )

    def speakers(self, transcript_id: int) -> pd.DataFrame:
        """Each speaker of a transcript with their role and number of turns."""
        import pandas as pd

        frame = self.turns(transcript_id)
        if frame.empty:
            return pd.DataFrame(columns=["speaker", "role", "turns"])
        return frame.groupby(["speaker", "role"], sort=False).size().rename("turns").reset_index()

    def set_speaker_role(
        self, transcript_id: int, speaker: str, role: str, *, changed_by: str | None = None
    ) -> None:
        """Correct a speaker's role; the transcript is re-segmented and the correction is kept
        through later re-segmentation and re-import."""
        from analysis import corpus

        if role not in ROLES:
            raise fail(ProjectError, "role.unknown", role=role, roles=", ".join(ROLES))
        with self.store.session() as session:
            transcript = self._transcript(session, transcript_id)
            if speaker not in {t.speaker for t in transcript.turns}:
                raise fail(
                    ProjectError, "speaker.unknown", source=transcript.source_name, speaker=speaker
                )
            correction = session.scalars(
                select(SpeakerRole).where(
                    SpeakerRole.transcript_id == transcript_id, SpeakerRole.speaker == speaker
                )
            ).first()
            if correction is None:
                session.add(
                    SpeakerRole(
                        transcript_id=transcript_id,
                        speaker=speaker,
                        role=role,
                        changed_by=changed_by,
                    )
                )
            else:
                correction.role, correction.changed_by, correction.changed_at = (
                    role,
                    changed_by,
                    utcnow(),
                )
            corpus.apply_roles(session, transcript, {speaker: role})

    def update_metadata(self, transcript_id: int, **fields: object) -> None:
        """Edit a transcript's metadata (institution, date, interviewer, sector, region, ...).
        A date is stored as JJJJ-MM-DD; Dutch ways of writing it are read (``parse_date``)."""
        from analysis import corpus

        unknown = set(fields) - set(EDITABLE_METADATA)
        if unknown:
            raise fail(
                ProjectError,
                "metadata.not_editable",
                fields=", ".join(sorted(unknown)),
                editable=", ".join(EDITABLE_METADATA),
            )
        if "date" in fields:
            fields["date"] = parse_date(fields["date"], ProjectError)
        with self.store.session() as session:
            transcript = self._transcript(session, transcript_id)
            for key, value in fields.items():
                if key in ("respondents", "roles"):
                    value = corpus._as_list(value)
                setattr(transcript, key, value)

    def delete_transcript(self, transcript_id: int) -> None:
        with self.store.session() as session:
            session.delete(self._transcript(session, transcript_id))

    @staticmethod
    def _transcript(session, transcript_id: int) -> Transcript:
        transcript = session.get(Transcript, transcript_id)
        if transcript is None:
            raise fail(ProjectError, "transcript.unknown", transcript_id=transcript_id)
        return transcript

    # --- segments --------------------------------------------------------------------------

    def segments(
        self, *, transcript_id: int | None = None, include_uncodable: bool = False
    ) -> pd.DataFrame:
        """Respondent segments with college, speaker, question answered, codes and suggestions."""
        with self.store.session() as session:
            return views.segments_frame(
                session, transcript_id=transcript_id, include_uncodable=include_uncodable
            )

    def pseudonymise_quotes(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A selection of quotes (rows of :meth:`segments`) with names replaced, as the
        project's pseudonymised exports replace them: for sharing a quote table outside the
        evaluation team."""
        from analysis import quotes as quote_selection
        from analysis.pseudonymise import Pseudonymiser

        with self.store.session() as session:
            return quote_selection.pseudonymised(frame, Pseudonymiser.from_session(session))

    def export_segments(self, path: Path | str, fmt: str = "csv") -> int:
        """Write the segment table (see ``views.SEGMENT_COLUMNS``) to CSV or JSON Lines."""
        from analysis.exchange.tables import write_table


        frame = self.segments().drop(columns=["lemmas"])
        write_table(frame, Path(path), fmt)
        return len(frame)

    # --- codebook --------------------------------------------------------------------------

    def codebook(self) -> Codebook:
        """The project's own codebook (a copy; edit it through ``save_codebook``)."""
        with self.store.session() as session:
            return read_codebook(session)

    def save_codebook(self, codebook: Codebook) -> None:
        """Validate and store an edited codebook; codes removed from it must be unused."""
        codebook.validate()
        with self.store.session() as session:
            write_codebook(session, codebook)

    # --- coding (issue 3) -----------------------------------------------------------------

    def apply_code(self, segment_id: int, code: str, coder: str, *, memo: str | None = None) -> int:
        """A person applies a code to a segment; returns the new coding's id."""
        from analysis.coding import manual

        with self.store.session() as session:
            return manual.apply_code(session, segment_id, code, coder, memo=memo).id

    def remove_code(
        self, segment_id: int, code: str, coder: str, *, memo: str | None = None
    ) -> int:
        """A person takes a code off a segment (also a suggested one)."""
        from analysis.coding import manual

        with self.store.session() as session:
            return manual.remove_code(session, segment_id, code, coder, memo=memo).id

    def code_span(
        self,
        transcript_id: int,
        start: int,
        end: int,
        code: str,
        coder: str,
        *,
        memo: str | None = None,
    ) -> int:
        """Code a character span inside one respondent turn; returns the span's segment id."""
        from analysis.coding import manual

        with self.store.session() as session:
            segment, _ = manual.code_span(
                session, transcript_id, start, end, code, coder, memo=memo
            )
            return segment.id

    def accept(self, segment_id: int, code: str, coder: str, *, memo: str | None = None) -> int:
        """A person accepts a suggestion."""
        from analysis.coding import manual

        with self.store.session() as session:
            return manual.accept(session, segment_id, code, coder, memo=memo).id

    def reject(self, segment_id: int, code: str, coder: str, *, memo: str | None = None) -> int:
        """A person rejects a suggestion (or states that a code does not apply)."""
        from analysis.coding import manual

        with self.store.session() as session:
            return manual.reject(session, segment_id, code, coder, memo=memo).id

    def recode(
        self,
        segment_id: int,
        old_code: str,
        new_code: str,
        coder: str,
        *,
        memo: str | None = None,
    ) -> tuple[int, int]:
        """Replace one code on a segment by another (one decision, one undo)."""
        from analysis.coding import manual

        with self.store.session() as session:
            old, new = manual.recode(session, segment_id, old_code, new_code, coder, memo=memo)
            return old.id, new.id

    def add_memo(self, segment_id: int, code: str, coder: str, text: str) -> int:
        """Attach a memo to a person's coding."""
        from analysis.coding import manual

        with self.store.session() as session:
            return manual.add_memo(session, segment_id, code, coder, text).id

    def complete_transcript(self, transcript_id: int, coder: str) -> int:
        """Declare the transcript fully coded by ``coder``: every code they did not give a
        segment is recorded as not applying (one undo step), so the learned suggestions learn
        from what the evaluator left out as well as from what they applied. Returns how many
        (segment, code) pairs were recorded."""
        from analysis.coding import manual

        with self.store.session() as session:
            return manual.complete(session, transcript_id, coder)

    def completed_transcripts(self, coder: str) -> set[int]:
        """The transcripts ``coder`` has declared fully coded (and not undone since)."""
        from analysis.coding import manual

        with self.store.session() as session:
            return manual.completed_transcripts(session, coder.strip())

    def undo(self, coder: str) -> int:
        """Take back the coder's last decision; returns the number of codings restored."""
        return len(self.undo_pairs(coder))

    def undo_pairs(self, coder: str) -> list[tuple[int, str]]:
        """Take back the coder's last decision; returns the (segment, code) pairs it touched, so
        that an interface can show again exactly what the undo reopened."""
        from analysis.coding import manual

        with self.store.session() as session:
            return [(row.segment_id, row.code_key) for row in manual.undo(session, coder)]

    def coding_history(
        self, *, segment_id: int | None = None, code: str | None = None, coder: str | None = None
    ) -> pd.DataFrame:
        """Every coding decision (people and suggestions), oldest first."""
        from analysis.coding import manual

        with self.store.session() as session:
            return manual.history(
                session,
                segment_id=segment_id,
                code_key=code,
                coders=[coder] if coder is not None else None,
            )

    def llm_config(self, *, allow_remote: bool = False) -> LLMConfig | None:
        """The configured language model (project settings, then ``INTERVIEWS_LLM_*``), or None:
        the offline default. ``allow_remote`` allows a server off this computer."""
        return LLMConfig.from_settings(self.setting, allow_remote=allow_remote)

    def set_llm(self, url: str | None, model: str | None = None) -> None:
        """Store the project's language model (None: remove it, back to the environment or
        the offline default); the URL is checked when the model is used, not here."""
        if url is not None:
            self.set_setting("llm_url", url.strip())
        if model is not None:
            self.set_setting("llm_model", model.strip())
        if url is None and model is None:
            for key in ("llm_url", "llm_model", "ask_llm_url", "ask_llm_model"):
                self.set_setting(key, None)

    def check_llm(self, *, allow_remote: bool = False) -> str:
        """Send the configured model one short request (never cached); its reply's text."""
        from analysis.llm.client import Job

        config = self.llm_config(allow_remote=allow_remote)
        if config is None:
            raise ProjectError(f"no language model configured (set llm_url or {ENV_URL})")
        schema = {"type": "object", "properties": {"antwoord": {"type": "string"}},
                  "required": ["antwoord"]}

        def answer(value: object) -> str:
            if not isinstance(value, dict) or not isinstance(value.get("antwoord"), str):
                raise ValueError('expected an object with a string "antwoord"')
            return value["antwoord"]

        question = [{"role": "user", "content": 'Antwoord met JSON {"antwoord": "ja"}.'}]
        try:
            return LLMClient(config).ask(Job(question, schema, answer, "antwoord"))
        except LLMError as error:
            raise ProjectError(str(error)) from error

    def suggest(
        self,
        *,
        transcript_ids: Iterable[int] | None = None,
        use_llm: bool | None = None,
        allow_remote: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> suggestions.SuggestReport:
        """Run the suggesters (rules, similarity, learned) and store the changes as ``auto``.

        Uses the embedding model of the setting ``embedding_model`` when one is set, and the
        language model when one is configured (``use_llm=False`` skips it, ``True`` requires
        it). The model is asked first, outside the transaction that stores the suggestions; when
        it fails, the report's ``llm["messages"]`` says why and the offline suggestions are
        stored as always.
        """
        from analysis import phases
        from analysis.coding import llm as llm_coding
        from analysis.coding import suggest as suggestions
        from analysis.embeddings import load_embedder

        embedder = load_embedder(self.setting("embedding_model"))
        config = None if use_llm is False else self.llm_config(allow_remote=allow_remote)
        if use_llm and config is None:
            raise ProjectError(f"no language model configured (set llm_url or {ENV_URL})")
        if transcript_ids is not None:
            transcript_ids = list(transcript_ids)  # read twice: by the model and the suggesters
        answers, problems = None, []
        if config is not None:
            try:
                check_endpoint(config)
            except LLMError as error:
                raise ProjectError(str(error)) from error
            try:
                answers = llm_coding.code_segments(
                    self.store, config, transcript_ids=transcript_ids, progress=progress
                )
                problems = answers.messages
            except LLMError as error:
                problems = [f"{error}; the offline suggestions are used"]
        with self.store.session() as session:
            report = suggestions.suggest(
                session, embedder=embedder, transcript_ids=transcript_ids, llm=answers
            )
            phases.refresh_indicator_cache(session)
        if config is not None:
            report.llm = {
                "model": config.model,
                "requests": answers.requests if answers is not None else 0,
                "answered": len(answers.named) if answers is not None else 0,
                "discarded": answers.discarded if answers is not None else 0,
                "messages": problems,
                **report.llm,
            }
        return report

    def set_threshold(self, code: str | None, value: float | None) -> None:
        """Set a code's suggestion threshold (``code=None``: the project default for codes
        without their own; ``value=None`` on a code: back to the default)."""
        if value is not None and not 0.0 <= float(value) <= 1.0:
            raise ProjectError(f"threshold must be between 0 and 1, not {value}")
        if code is None:
            if value is None:
                raise ProjectError("the project default threshold needs a value")
            self.set_setting(THRESHOLD_SETTING, float(value))
            return
        with self.store.session() as session:
            row = session.get(CodeRow, code)
            if row is None:
                raise ProjectError(f"no code {code!r} in the project's codebook")
            row.threshold = None if value is None else float(value)

    def import_codings(self, path: Path | str, coder: str) -> gold_codings.ImportReport:
        """Import gold codings (JSON Lines) as ``coder``'s complete coding of the files named."""
        from analysis.coding import gold as gold_codings

        with self.store.session() as session:
            return gold_codings.import_codings(session, path, coder)

    def evaluate(self, gold: Path | str, *, coder: str | None = None) -> gold_codings.Evaluation:
        """Precision, recall, F1 and alpha of the applied codes (or one coder's) against gold."""
        from analysis.coding import gold as gold_codings

        with self.store.session() as session:
            return gold_codings.evaluate(session, gold, coder)

    def reliability(self, coder_a: str, coder_b: str) -> agreement.Reliability:
        """Agreement between two coders (or ``auto`` and a person) on the transcripts both coded."""
        from analysis.coding import reliability as agreement

        with self.store.session() as session:
            return agreement.reliability(session, coder_a, coder_b)

    def coders(self) -> list[str]:
        """Everyone who has coded in this project (``auto`` included once it has suggested)."""
        with self.store.session() as session:
            return sorted(session.scalars(select(Coding.coder).distinct()))

    def suggestion_queue(
        self,
        *,
        code: str | None = None,
        min_confidence: float = 0.0,
        institution: str | None = None,
        limit: int | None = None,
        reasons: bool = True,
    ) -> pd.DataFrame:
        """Open suggestions to review: segment, text, question, institution, code, confidence,
        rationale; highest confidence first. ``reasons=False`` leaves the rationale empty, to
        be read per page with :meth:`suggestion_reasons` (half the time of a long queue)."""
        from analysis.coding import queue

        with self.store.session() as session:
            return queue.suggestion_queue(
                session,
                code=code,
                min_confidence=min_confidence,
                institution=institution,
                limit=limit,
                reasons=reasons,
            )

    def review_cards(self, queue_frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """The review queue grouped into cards, one per passage and theme, most informative
        first (``queue.review_cards``). ``queue_frame``: a :meth:`suggestion_queue` already read
        (the app keeps one cached); by default it is read now, without reasons."""
        from analysis.coding import queue

        frame = self.suggestion_queue(reasons=False) if queue_frame is None else queue_frame
        with self.store.session() as session:
            parents = parent_map(session)
            limits = thresholds(session)
        return queue.review_cards(frame, parents, limits)

    def accept_card(self, segment_id: int, theme: str, coder: str) -> int:
        """Accept every open suggestion of ``theme`` and its sub-themes on a passage: one
        decision, one undo. Returns how many suggestions were accepted."""
        from analysis.coding import manual

        with self.store.session() as session:
            return len(manual.decide_card(session, segment_id, theme, coder, "accepted"))

    def reject_card(self, segment_id: int, theme: str, coder: str) -> int:
        """Reject every open suggestion of ``theme`` and its sub-themes on a passage (one
        decision, one undo). Returns how many suggestions were rejected."""
        from analysis.coding import manual

        with self.store.session() as session:
            return len(manual.decide_card(session, segment_id, theme, coder, "rejected"))

    def suggestion_reasons(self, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
        """Why each (segment, code) was suggested, in Dutch ("" when nothing is suggested)."""
        from analysis.coding import queue

        with self.store.session() as session:
            return queue.suggestion_reasons(session, pairs)

    def suggestions_revision(self) -> int:
        """The id of the newest automatic coding row (0 before any). It changes when suggestions
        are made or withdrawn, not when people decide, so an interface can keep the review queue
        cached while people work through it."""
        with self.store.session() as session:
            newest = select(func.max(Coding.id)).where(Coding.coder == AUTO_CODER)
            return session.scalar(newest) or 0

    def learning_status(self) -> pd.DataFrame:
        """Per code: the accepted and rejected decisions the learned suggestions train on,
        whether the code learns yet, and how many of each it still needs."""
        from analysis.coding import learned as learned_models
        from analysis.coding import suggest as suggestions

        with self.store.session() as session:
            return learned_models.learning_status(session, suggestions.load_codes(session))

    def coding_progress(self) -> dict[str, int]:
        """Counts for a progress bar that stay cheap at any corpus size: ``segments`` (codable
        passages) and ``coded`` (passages on which a person has a code accepted and in force;
        suggestions applied by their threshold alone are not counted). Words a person cut out
        of a passage (a span) count once, as the passage that holds them: a span is no extra
        passage to code."""
        newest = (
            select(func.max(Coding.id))
            .where(Coding.coder != AUTO_CODER)
            .group_by(Coding.segment_id, Coding.code_key, Coding.coder)
        )
        with self.store.session() as session:
            coded = select(Coding.segment_id).where(
                Coding.id.in_(newest), Coding.status == "accepted"
            )
            found = session.execute(
                select(Segment.id, Segment.kind, Segment.turn_id, Segment.start, Segment.end)
                .where(Segment.id.in_(coded))
            ).all()
            passages = {row.id for row in found if row.kind != "span"}
            spans = [row for row in found if row.kind == "span"]
            if spans:
                around = session.execute(
                    select(Segment.id, Segment.turn_id, Segment.start, Segment.end).where(
                        Segment.turn_id.in_({row.turn_id for row in spans}),
                        Segment.kind != "span",
                        Segment.codable.is_(True),
                    )
                ).all()
                for span in spans:
                    passages.update(
                        p.id
                        for p in around
                        if p.turn_id == span.turn_id and p.start < span.end and p.end > span.start
                    )
            total = session.scalar(
                select(func.count())
                .select_from(Segment)
                .where(Segment.codable.is_(True), Segment.kind != "span")
            )
        return {"segments": total or 0, "coded": len(passages)}

    # --- memos on transcripts, passages and codes ---------------------------------------
    # (``add_memo`` above is the memo on one person's coding; these are the evaluator's notes on
    # the material itself, as in ATLAS.ti, NVivo and MAXQDA. Rules: see ``analysis.memos``.)

    def write_memo(
        self,
        text: str,
        author: str,
        *,
        transcript_id: int | None = None,
        segment_id: int | None = None,
        code: str | None = None,
    ) -> int:
        """Write a memo on exactly one transcript, segment (passage) or code; returns its id.

        Memos keep the evaluator's thinking with the material it is about, so that it survives
        until the report is written and travels in the REFI-QDA export."""
        from analysis import memos


        with self.store.session() as session:
            return memos.add_memo(
                session, text, author,
                transcript_id=transcript_id, segment_id=segment_id, code_key=code,
            ).id

    def edit_memo(self, memo_id: int, text: str, author: str) -> None:
        """Correct the text of one's own memo; another author's memo is refused (a memo is a
        person's own words; disagreement is a memo of one's own)."""
        from analysis import memos


        with self.store.session() as session:
            memos.edit_memo(session, memo_id, text, author)

    def delete_memo(self, memo_id: int, author: str) -> None:
        """Delete one's own memo; another author's memo is refused, as for ``edit_memo``."""
        from analysis import memos


        with self.store.session() as session:
            memos.delete_memo(session, memo_id, author)

    def memos(
        self,
        *,
        transcript_id: int | None = None,
        segment_id: int | None = None,
        code: str | None = None,
        author: str | None = None,
        with_segments: bool = False,
    ) -> pd.DataFrame:
        """Memos matching every filter given, newest first (``memos.MEMO_COLUMNS``).
        ``with_segments`` adds, to a transcript's own memos, those on its passages: everything
        written about one interview in one list."""
        from analysis import memos


        with self.store.session() as session:
            return memos.memos_frame(
                session, transcript_id=transcript_id, segment_id=segment_id, code_key=code,
                author=author, with_segments=with_segments,
            )

    # --- topics (issue 4) -----------------------------------------------------------------
    # analysis.topics is imported inside the methods: fitting pulls in BERTopic, and the
    # figures plotly and matplotlib, which commands that never touch topics need not load.

    def run_topics(
        self,
        *,
        unit: str = "segment",
        embedding_model: str | None = None,
        min_topic_size: int | None = None,
        seed: int = 0,
        progress: Callable[[str], None] | None = None,
    ) -> int:
        """Fit a topic model over the respondent segments (or turns) and store it; returns its id.

        ``embedding_model`` None uses the setting ``embedding_model``; "" (or no setting) the
        offline TF-IDF + SVD back-end. ``min_topic_size`` None scales with the corpus.
        ``progress`` receives a Dutch description of each step.
        """
        from analysis.embeddings import load_embedder
        from analysis.topics import runs

        spec = self.setting("embedding_model") if embedding_model is None else embedding_model
        embedder = load_embedder(spec)
        with self.store.session() as session:
            return runs.run_topics(
                session,
                unit=unit,
                embedder=embedder,
                embedding_model=spec or None,
                min_topic_size=min_topic_size,
                seed=seed,
                progress=progress,
            )

    def topic_runs(self) -> pd.DataFrame:
        """Every topic run, newest first (id, created_at, unit, embedding_model, method, ...)."""
        from analysis.topics import runs

        with self.store.session() as session:
            return runs.runs_frame(session)

    def topics(self, run_id: int | None = None) -> pd.DataFrame:
        """The topics of a run (default: the newest): id, topic, size, label, keywords, colleges,
        examples, segment_ids, representative_ids, code (see ``runs.TOPIC_COLUMNS``)."""
        from analysis.topics import runs

        with self.store.session() as session:
            return runs.topics_frame(session, run_id)

    def rename_topic(self, topic_id: int, label: str) -> None:
        from analysis.topics import runs

        with self.store.session() as session:
            runs.rename_topic(session, topic_id, label)

    def label_topics(
        self, run_id: int | None = None, *, allow_remote: bool = False
    ) -> dict[int, str]:
        """Name the topics of a run (newest by default) with the configured language model,
        from their keywords and example passages; returns topic id -> new label.

        Topics already renamed keep their name (a label given here counts as a rename, so a
        second call leaves it), and so does a topic whose suggested label shares no content
        word with its keywords and examples (``llm.prose.label_topics``). All labels are
        written in one transaction after the model has answered.
        """
        from analysis.llm.prose import TopicText, label_topics
        from analysis.topics import runs

        config = self.llm_config(allow_remote=allow_remote)
        if config is None:
            raise ProjectError(f"no language model configured (set llm_url or {ENV_URL})")
        try:
            client = LLMClient(config, ResponseCache(self.store))
        except LLMError as error:
            raise ProjectError(str(error)) from error
        with self.store.session() as session:
            run = runs.get_run(session, run_id)
            renamed = {entry.get("topic") for entry in (run.params or {}).get("history", [])
                       if entry.get("action") == "rename"}
            frame = runs.topics_frame(session, run.id)
        frame = frame[(frame["topic"] >= 0) & ~frame["id"].isin(renamed)]
        topics = [TopicText([w.strip() for w in row.keywords.split(",") if w.strip()],
                            list(row.examples)) for row in frame.itertuples()]
        labels = label_topics(topics, client)
        named = {int(topic_id): label for topic_id, label in zip(frame["id"], labels, strict=True)
                 if label}
        with self.store.session() as session:
            for topic_id, label in named.items():
                runs.rename_topic(session, topic_id, label)
        return named

    def merge_topics(self, topic_ids: Iterable[int], label: str | None = None) -> int:
        """Merge topics of one run into the first one given; returns the surviving topic's id."""
        from analysis.topics import runs

        with self.store.session() as session:
            return runs.merge_topics(session, list(topic_ids), label)

    def topic_to_code(
        self, topic_id: int, key: str, *, label: str | None = None, definition: str | None = None
    ) -> int:
        """Add a code for a topic to the codebook and suggest it on the topic's representative
        segments (origin "topic"); returns the number of suggestions."""
        from analysis.topics import runs

        with self.store.session() as session:
            return runs.topic_to_code(session, topic_id, key, label=label, definition=definition)

    def topic_code_crosstab(
        self, run_id: int | None = None, *, level: str = "top", share: bool = False
    ) -> pd.DataFrame:
        from analysis.topics import crosstabs

        with self.store.session() as session:
            return crosstabs.topic_code_crosstab(session, run_id, level=level, share=share)

    def topic_college_crosstab(
        self, run_id: int | None = None, *, share: bool = False
    ) -> pd.DataFrame:
        from analysis.topics import crosstabs

        with self.store.session() as session:
            return crosstabs.topic_college_crosstab(session, run_id, share=share)

    def uncovered_topics(
        self, run_id: int | None = None, *, min_uncoded_share: float = 0.5
    ) -> pd.DataFrame:
        """What the codebook misses: topics whose segments are mostly uncoded, biggest first."""
        from analysis.topics import crosstabs

        with self.store.session() as session:
            return crosstabs.uncovered_topics(session, run_id, min_uncoded_share=min_uncoded_share)

    def topic_figures(self, run_id: int | None = None, *, fmt: str = "plotly") -> dict[str, object]:
        """The run's figures "sizes", "map" and "colleges": plotly ``go.Figure`` objects for the
        app (``fmt="plotly"``) or PNG bytes for the report (``fmt="png"``)."""
        from analysis.topics import crosstabs, figures, runs

        if fmt not in ("plotly", "png"):
            raise ProjectError("figure format must be 'plotly' or 'png'")
        with self.store.session() as session:
            topics = runs.topics_frame(session, run_id)
            points = runs.map_frame(session, run_id)
            colleges = crosstabs.topic_college_crosstab(session, run_id, share=True)
        if fmt == "png":
            return {
                "sizes": figures.sizes_png(topics),
                "map": figures.map_png(points),
                "colleges": figures.college_heatmap_png(colleges),
            }
        return {
            "sizes": figures.sizes_figure(topics),
            "map": figures.map_figure(points),
            "colleges": figures.college_heatmap(colleges),
        }

    # --- phases and report (issue 5) -------------------------------------------------------

    def phase_assessments(self) -> pd.DataFrame:
        """One row per college: the phase in force (the evaluator's judgement, else the estimate),
        its label ("tussen 2 en 3" for mixed signals), confidence, the estimate beside it, and
        the ids of the segments that carry it (see ``phases.ASSESSMENT_COLUMNS``)."""
        from analysis import phases


        with self.store.session() as session:
            return phases.assessments_frame(phases.assess(session))

    def phase_evidence(self, institution: str) -> pd.DataFrame:
        """Every piece of evidence for one college's phase, strongest first, with reasons."""
        from analysis import phases


        with self.store.session() as session:
            found = [a for a in phases.assess(session) if a.institution == institution]
        if not found:
            raise fail(ProjectError, "phase.college_unknown", institution=institution)
        return phases.evidence_frame(found[0])

    def phase_overview(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``phase_assessments`` and every college's ``phase_evidence`` (one frame, with an
        ``institution`` column) from one estimate: the estimate reads the whole corpus (the
        indicators' weights depend on all colleges), so a page that shows both and lets the
        evaluator go from college to college computes it once."""
        from analysis import phases


        with self.store.session() as session:
            found = phases.assess(session)
        return phases.assessments_frame(found), phases.all_evidence_frame(found)

    def judge_phase(self, institution: str, phase: int, note: str, assessor: str) -> int:
        """Record the evaluator's judgement of a college's phase (it wins over the estimate)."""
        from analysis import phases


        with self.store.session() as session:
            return phases.judge(session, institution, phase, note, assessor).id

    def report_items(self, chapter: str | None = None) -> pd.DataFrame:
        """The evaluator's choices for the report (quotes, example boxes, chapter openings)."""
        from analysis.report import items as report_items


        with self.store.session() as session:
            return report_items.items_frame(session, chapter)

    def select_quote(
        self, segment_id: int, chapter: str | None = None, position: int | None = None
    ) -> int:
        """Choose a segment as a quote for a chapter (a code key; default: its one theme)."""
        from analysis.report import items as report_items


        with self.store.session() as session:
            return report_items.select_quote(session, segment_id, chapter, position).id

    def remove_item(self, item_id: int) -> None:

        from analysis.report import items as report_items

        with self.store.session() as session:
            report_items.remove_item(session, item_id)

    def move_item(self, item_id: int, step: int) -> None:
        """Move a report item ``step`` places among its chapter's items of its kind (negative:
        earlier)."""
        from analysis.report import items as report_items


        with self.store.session() as session:
            report_items.move_item(session, item_id, step)

    def add_box(
        self,
        chapter: str,
        institution: str,
        title: str,
        text: str,
        segment_id: int | None = None,
    ) -> int:
        """An example box about one college's practice in a chapter, with an optional quote."""
        from analysis.report import items as report_items


        with self.store.session() as session:
            return report_items.add_box(session, chapter, institution, title, text, segment_id).id

    def set_chapter_intro(self, chapter: str, text: str) -> None:
        """The evaluator's opening text for a chapter; empty text restores the default."""
        from analysis.report import items as report_items


        with self.store.session() as session:
            report_items.set_chapter_intro(session, chapter, text)

    # --- findings ----------------------------------------------------------------------------

    def findings(self) -> dict[str, SubThemeFindings]:
        """Per code (sub-themes and themes, not the phases) the points respondents make."""
        from analysis.findings.read import findings_for

        with self.store.session() as session:
            return findings_for(session)

    def decide_point(
        self, code: str, point: str, institution: str, verdict: str, coder: str
    ) -> None:
        """Record whether ``institution`` makes the point ``point`` (its key,
        ``analysis.findings.review.point_key``) of sub-theme ``code``: ``verdict`` "makes" or
        "not". Replaces an earlier decision on the same pair; the draft follows it."""
        from analysis.findings.review import VERDICTS
        from analysis.store import PointDecision

        if verdict not in VERDICTS:
            raise ProjectError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        if not coder.strip():
            raise ProjectError("a point decision needs the coder's name")
        with self.store.session() as session:
            if session.get(CodeRow, code) is None:
                raise ProjectError(f"no code {code!r} in the project's codebook")
            _forget_point_decision(session, code, point, institution)
            session.add(PointDecision(code=code, point=point, institution=institution,
                                      verdict=verdict, coder=coder.strip()))

    def undo_point_decision(self, code: str, point: str, institution: str) -> bool:
        """Remove the decision on one (point, college) pair; False when there was none."""
        with self.store.session() as session:
            return _forget_point_decision(session, code, point, institution)

    def point_review(self, chapter: str) -> pd.DataFrame:
        """Every (point, college) pair of a theme chapter's findings that the extractor named,
        with how it stands: "klopt" / "klopt niet" (a person's decision) or "niet beoordeeld".
        One row per pair: columns code, point (key), label, institution, status, segment_ids
        (the college's passages, also those of a rejected college) and text (the first)."""
        import pandas as pd

        from analysis.findings.review import MAKES, NOT, point_key

        words = {MAKES: "klopt", NOT: "klopt niet"}
        codebook = self.codebook()
        keys = set()
        if chapter in codebook:
            keys = {chapter, *(c.key for c in codebook.children(chapter))}
        rows = []
        for code, finding in self.findings().items():
            if code not in keys:
                continue
            for point in finding.points:
                colleges = sorted({*point.colleges, *point.review}, key=str.casefold)
                for college in colleges:
                    if college in point.contrast:
                        continue
                    passages = [e for e in [*point.evidence, *point.set_aside]
                                if e.institution == college]
                    rows.append((
                        code, point_key(point), point.label, college,
                        words.get(point.review.get(college, ""), "niet beoordeeld"),
                        [e.segment_id for e in passages], passages[0].text if passages else "",
                    ))
        return pd.DataFrame(rows, columns=[
            "code", "point", "label", "institution", "status", "segment_ids", "text",
        ])

    def phase_steps(self) -> PhaseSteps:
        """The steps colleges describe taking to a next phase, each kind with its passages
        (``analysis.findings.steps``), as the draft's phases chapter writes them."""
        from analysis.findings.read import read_segments
        from analysis.findings.steps import steps_for
        from analysis.phases import Codings, assess

        with self.store.session() as session:
            codings = Codings.read(session)
            assessments = assess(session, read_codebook(session), codings)
            return steps_for(read_segments(session, codings), assessments)

    def chapter_evidence(self, chapter: str, draft: Draft | None = None) -> pd.DataFrame:
        """The passages a theme chapter's claims and quotes rest on (one row per segment, with
        the code it counts for and whether a person accepted, rejected or has not yet reviewed
        it): the review queue "Bewijs van dit hoofdstuk beoordelen". ``draft``: a draft already
        built (the app's cached one), else one is built."""
        import pandas as pd

        draft = draft or self.build_draft()
        found = next((c for c in draft.themes if c.key == chapter), None)
        columns = ["segment_id", "code", "institution", "text", "status"]
        if found is None or not found.evidence:
            return pd.DataFrame(columns=columns)
        ids = [segment_id for segment_id, _ in found.evidence]
        with self.store.session() as session:
            rows = dict(session.execute(
                select(Segment.id, Transcript.institution)
                .join(Transcript, Segment.transcript_id == Transcript.id)
                .where(Segment.id.in_(ids))
            ).all())
            texts = dict(session.execute(
                select(Segment.id, Segment.text).where(Segment.id.in_(ids))
            ).all())
            decided = {
                (c.segment_id, c.code_key): c.status
                for c in current_codings(session, ids) if c.coder != AUTO_CODER
            }
        status_words = {"accepted": "geaccepteerd", "rejected": "verworpen"}
        return pd.DataFrame(
            [
                (segment_id, code, rows.get(segment_id, ""), texts.get(segment_id, ""),
                 status_words.get(decided.get((segment_id, code), ""), "niet beoordeeld"))
                for segment_id, code in found.evidence
            ],
            columns=columns,
        )

    def build_draft(
        self, *, anonymise: bool = False, attribution: str | None = None, verbatim: bool = False
    ) -> Draft:
        """The publication draft as data. ``attribution``: "institution" ("bestuurder, ROC X")
        or "role" ("een bestuurder"); default: the setting ``report_attribution``. Quotes are
        lightly edited (no "ehm", no "[lacht]") unless ``verbatim``. The title page reads the
        settings ``report_agency``, ``report_evaluation`` and ``report_date`` (JJJJ-MM-DD; the
        concept's date, default today)."""
        from analysis.report import build as report_build
        from analysis.report import build_draft
        from analysis.report.attribution import DEFAULT_STYLE as DEFAULT_ATTRIBUTION


        style = attribution or str(self.setting("report_attribution", DEFAULT_ATTRIBUTION))
        title_page = report_build.title_page_settings(self.setting)
        with self.store.session() as session:
            return build_draft(
                session, anonymise=anonymise, attribution=style, edit_quotes=not verbatim,
                **title_page,
            )

    def write_report(
        self,
        path: Path | str,
        template: Path | str | None = None,
        anonymise: bool = False,
        *,
        attribution: str | None = None,
        verbatim: bool = False,
    ) -> Path:
        """Write the draft as a Word document (in the template's house style, if given)."""
        from analysis.report import write_docx


        draft = self.build_draft(anonymise=anonymise, attribution=attribution, verbatim=verbatim)
        return write_docx(draft, path, template=template)

    # --- ask (issue 6) --------------------------------------------------------------------

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        *,
        code: str | Iterable[str] | None = None,
        college: str | Iterable[str] | None = None,
        sector: str | Iterable[str] | None = None,
        region: str | Iterable[str] | None = None,
        phase: int | Iterable[int] | None = None,
        conversation: Conversation | None = None,
        use_llm: bool | None = None,
        allow_remote: bool = False,
        anonymise: bool = False,
    ) -> Answer:
        """Answer a question in plain Dutch with the quotes that support it (``analysis.ask``).

        Filters take one value or several; they win over names used in the question. With a
        ``conversation`` (``new_conversation()``) a question may follow up on the one before.
        When a language model is configured (``llm_config``), it adds an answer composed from
        the quotes, every sentence checked against its citations (``use_llm=False`` skips it,
        ``True`` requires the setting). ``anonymise`` replaces
        every name in the answer (``analysis.ask.anonymise``), as the pseudonymised exports do.
        """
        from analysis.ask import Filters
        from analysis.ask import engine as ask_engine
        from analysis.ask.anonymise import pseudonymise_answer


        filters = Filters.of(
            codes=code, colleges=college, sectors=sector, regions=region, phases=phase
        )
        config = None if use_llm is False else self.llm_config(allow_remote=allow_remote)
        if use_llm and config is None:
            raise ProjectError(f"no language model configured (set llm_url or {ENV_URL})")
        client = None
        if config is not None:
            try:
                client = LLMClient(config, ResponseCache(self.store))
            except LLMError as error:
                raise ProjectError(str(error)) from error
        with self.store.session() as session:
            answer = ask_engine.ask(
                session, self.url, question,
                top_k=ask_engine.DEFAULT_TOP_K if top_k is None else top_k,
                filters=filters or None,
                conversation=conversation,
            )
        if client is not None:
            answer = ask_engine.add_generated_summary(answer, client, conversation)
        if anonymise:
            with self.store.session() as session:
                answer = pseudonymise_answer(session, answer)
        return answer

    def new_conversation(self) -> Conversation:
        """A conversation for follow-up questions (the app keeps one per browser session)."""
        from analysis.ask import Conversation

        return Conversation()

    # --- names inside the answers (issue 15) ---------------------------------------------

    def detect_names(self, transcript_ids: Iterable[int] | None = None) -> int:
        """Detect people, e-mail addresses, phone numbers, addresses and places in the text of
        the given transcripts (all when None); decisions already made are kept."""
        from analysis.names import mentions as names_review

        with self.store.session() as session:
            return names_review.detect_all(session, transcript_ids)

    def detect_unread_names(self) -> int:
        """Detect names in the transcripts the detector has not read yet (only those); returns
        how many it read. What every pseudonymised output and review list does first anyway."""
        from analysis.names import mentions as names_review

        with self.store.session() as session:
            return names_review.detect_unscanned(session)

    def names_to_detect(self) -> int:
        """How many transcripts the names detector has not read yet: the next pseudonymised
        output or review list reads them first (``analysis.names.mentions.detect_unscanned``)."""
        from analysis.names import mentions as names_review

        with self.store.session() as session:
            return names_review.unscanned_count(session)

    def names(self) -> pd.DataFrame:
        """The identifiers found (one row per person, e-mail ...), with decision and replacement."""
        from analysis.names import mentions as names_review

        with self.store.session() as session:
            return names_review.identifiers_frame(session)

    def name_mentions(self, identifier_id: int | None = None) -> pd.DataFrame:
        """Every mention (of one identifier) with its context, for review."""
        from analysis.names import mentions as names_review

        with self.store.session() as session:
            return names_review.mentions_frame(session, identifier_id)

    def decide_name(
        self, identifier_id: int, status: str, *, replacement: str | None = None
    ) -> None:
        """Confirm or ignore a detected identifier for all its mentions, with its replacement."""
        from analysis.names import mentions as names_review

        by = self.setting("coder")
        try:
            with self.store.session() as session:
                names_review.decide(
                    session, identifier_id, status, replacement_text=replacement, by=by
                )
        except names_review.NamesError as error:
            raise ProjectError(str(error)) from error

    def add_name(self, name: str, *, kind: str = "person", replacement: str | None = None) -> int:
        """Add a name the detection missed (confirmed); returns its identifier id."""
        from analysis.names import mentions as names_review

        by = self.setting("coder")
        try:
            with self.store.session() as session:
                identifier = names_review.add(
                    session, name, kind=kind, replacement_text=replacement, by=by
                )
                return identifier.id
        except names_review.NamesError as error:
            raise ProjectError(str(error)) from error

    # --- exchange and pseudonymisation (issue 7) -------------------------------------------

    def pseudonymiser(self) -> Pseudonymiser:
        """The project's stable pseudonyms (colleges, respondents, interviewers), extended with
        names seen since last time; use ``.text()``, ``.institution()``, ``.file_name()``."""
        from analysis.pseudonymise import Pseudonymiser

        with self.store.session() as session:
            return Pseudonymiser.from_session(session)

    def export_pseudonyms(self, path: Path | str, fmt: str = "csv") -> int:
        """Write the pseudonym mapping (only ever on explicit request); returns its rows."""
        from analysis.exchange.tables import write_table


        frame = self.pseudonymiser().mapping_frame()
        write_table(frame, Path(path), fmt, sheet="Pseudoniemen")
        return len(frame)

    def export_table(
        self,
        what: str,
        path: Path | str,
        fmt: str = "csv",
        *,
        anonymise: bool = False,
        binary: bool = False,
    ) -> int:
        """Write segments, quotes, matrix, cooccurrence (CSV, JSON Lines, XLSX) or all tables
        (XLSX, one sheet each); returns the number of rows written."""
        from analysis.exchange.tables import export_tables


        with self.store.session() as session:
            return export_tables(session, what, Path(path), fmt, anonymise=anonymise, binary=binary)

    def export_codebook(self, path: Path | str, *, anonymise: bool = False) -> qdc.ExportResult:
        """Write the codebook as a REFI-QDA .qdc file (validated against the schema)."""
        from analysis.exchange import qdc
        from analysis.pseudonymise import Pseudonymiser

        with self.store.session() as session:
            text = Pseudonymiser.from_session(session).text if anonymise else str
            return qdc.export_codebook(session, Path(path), text=text)

    def import_codebook(self, path: Path | str) -> qdc.CodebookImportReport:
        """Merge a REFI-QDA .qdc codebook into the project's; a bad file changes nothing."""
        from analysis.exchange import qdc

        codes = qdc.read_qdc(Path(path))
        with self.store.session() as session:
            return qdc.merge_codes(session, codes, Path(path).name)

    def export_project(self, path: Path | str, *, anonymise: bool = False) -> qdc.ExportResult:
        """Write the project as a REFI-QDA .qdpx archive (validated against the schema)."""
        from analysis.exchange import qdpx
        from analysis.pseudonymise import Pseudonymiser

        name = Path(self.url.rsplit("/", 1)[-1]).stem or "interviews"
        with self.store.session() as session:
            anon = Pseudonymiser.from_session(session) if anonymise else None
            return qdpx.export_project(session, Path(path), name=name, pseudonymiser=anon)

    def import_project(self, path: Path | str) -> qdpx.ProjectImportReport:
        """Import a REFI-QDA .qdpx archive in one transaction; a bad file changes nothing, and
        an error no check foresaw is one line naming the file, like every other."""
        from analysis.exchange import qdpx
        from analysis.exchange.refi import ExchangeError

        try:
            with self.store.session() as session:
                return qdpx.import_project(session, Path(path))
        except (ExchangeError, ResourceError):
            raise
        except Exception as error:  # rolled back; one line, never a traceback
            reason = str(error).strip().splitlines()
            detail = f": {reason[0][:200]}" if reason else ""
            raise ExchangeError(
                path, f"not imported, unexpected error ({type(error).__name__}{detail})"
            ) from error


def _forget_point_decision(session: Session, code: str, point: str, institution: str) -> bool:
    """Delete the decision on one (point, college) pair; whether there was one."""
    from sqlalchemy import delete

    from analysis.store import PointDecision

    done = session.execute(delete(PointDecision).where(
        PointDecision.code == code, PointDecision.point == point,
        PointDecision.institution == institution,
    ))
    return bool(done.rowcount)
