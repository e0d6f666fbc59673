"""Copies a codebook between its model (``analysis.codebook``) and the project's ``code`` table.

The project keeps its own copy of the codebook so that an evaluator's edits never touch the
shipped YAML, and so that codings can refer to codes by key with the database's integrity checks.
Each code keeps a stable GUID (REFI-QDA exchange refers to codes by GUID).
"""

from __future__ import annotations

import uuid
from dataclasses import fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.codebook import Code, Codebook, CodebookError
from analysis.store import Code as CodeRow
from analysis.store import Coding, Memo, Meta

_COLUMNS = (
    "label",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "description",
    "examples",
    "keywords",
    "phrases",
    "colour",
    "threshold",
)


def read_codebook(session: Session) -> Codebook:
    """The project's codebook, in codebook order."""
    rows = session.scalars(select(CodeRow).order_by(CodeRow.position, CodeRow.key)).all()
    meta = session.get(Meta, "codebook")
    info = meta.value if meta is not None else {}
    known = {f.name for f in fields(Code)}
    codes = []
    for row in rows:
        values = {name: getattr(row, name) for name in _COLUMNS if name in known}
        values.update({k: v for k, v in (row.extra or {}).items() if k in known})
        codes.append(Code(key=row.key, parent=row.parent_key, **values))
    return Codebook(name=info.get("name", ""), version=str(info.get("version", "")), codes=codes)


def code_guids(session: Session) -> dict[str, str]:
    """Each code key's stable GUID."""
    return dict(session.execute(select(CodeRow.key, CodeRow.guid)).all())


def write_codebook(session: Session, codebook: Codebook) -> None:
    """Make the project's codes equal to ``codebook``: add, update, and delete unused codes.

    A code that has codings or memos cannot disappear silently (its memos would go with it):
    removing it is refused with its key.
    """
    existing = {row.key: row for row in session.scalars(select(CodeRow))}
    wanted = {code.key for code in codebook.codes}
    gone = [key for key in existing if key not in wanted]
    if gone:
        used = session.scalars(
            select(Coding.code_key).where(Coding.code_key.in_(gone)).group_by(Coding.code_key)
        ).all()
        noted = session.scalars(
            select(Memo.code_key).where(Memo.code_key.in_(gone)).group_by(Memo.code_key)
        ).all()
        if used or noted:
            raise CodebookError(
                "project codebook",
                [f"{key}: code has codings and cannot be removed" for key in used]
                + [f"{key}: code has memos and cannot be removed" for key in noted],
            )
        for key in gone:
            session.delete(existing[key])
    column_names = set(_COLUMNS)
    for position, code in enumerate(codebook.codes):
        row = existing.get(code.key)
        if row is None:
            row = CodeRow(key=code.key, guid=str(uuid.uuid4()))
            session.add(row)
        row.parent_key = code.parent
        row.position = position
        extra = {}
        for f in fields(Code):
            if f.name in ("key", "parent"):
                continue
            value = getattr(code, f.name)
            if f.name == "aspects":
                value = [a.to_dict() for a in value]
            if f.name in column_names:
                setattr(row, f.name, value)
            else:
                extra[f.name] = value
        row.extra = extra
    meta = session.get(Meta, "codebook")
    info = {"name": codebook.name, "version": codebook.version}
    if meta is None:
        session.add(Meta(key="codebook", value=info))
    else:
        meta.value = info
    session.flush()


def code_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CodeRow)) or 0
