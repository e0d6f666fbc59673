"""``interviews names``: review the people, e-mail addresses, phone numbers and places that the
transcripts mention (list, show, confirm, ignore, add, detect). A thin shell over ``Project``."""

from __future__ import annotations

import argparse

ACTIONS = ("list", "show", "confirm", "ignore", "add", "detect")
LIST_COLUMNS = ("id", "kind", "name", "source", "status", "mentions", "transcripts",
                "confidence", "replaced_by")


def cmd_names(args: argparse.Namespace, project) -> int:
    from analysis.project import ProjectError

    values = args.values
    if args.action in ("list", "show", "add"):  # these read new transcripts first (issue 14)
        pending = project.names_to_detect()
        if pending:
            import sys

            from analysis.messages import say

            print(say("names.detecting", "en", count=pending), file=sys.stderr)
    if args.action == "detect":
        print(f"stored {project.detect_names()} mentions")
        return 0
    if args.action == "list":
        frame = project.names()
        if args.kind:
            frame = frame[frame["kind"] == args.kind]
        if args.status:
            frame = frame[frame["status"] == args.status]
        _print(frame, LIST_COLUMNS)
        return 0
    if not values:
        raise ProjectError(f"'names {args.action}' needs {_needs(args.action)}")
    if args.action == "add":
        identifier = project.add_name(" ".join(values), kind=args.kind or "person",
                                      replacement=args.replacement)
        found = project.name_mentions(identifier)
        print(f"added {' '.join(values)} (id {identifier}): found {len(found)} mentions")
        return 0
    ids = [_identifier_id(value) for value in values]
    if args.action == "show":
        for identifier in ids:
            _print(project.name_mentions(identifier), ("transcript", "start", "detector",
                                                       "status", "context"))
        return 0
    status = "confirmed" if args.action == "confirm" else "ignored"
    for identifier in ids:
        project.decide_name(identifier, status, replacement=args.replacement)
    print(f"{status}: {', '.join(map(str, ids))}")
    return 0


def _needs(action: str) -> str:
    return "the name to add" if action == "add" else "one or more ids from 'names list'"


def _identifier_id(value: str) -> int:
    from analysis.project import ProjectError

    if not value.isdigit():
        raise ProjectError(f"{value!r} is not an id; see 'interviews names list'")
    return int(value)


def _print(frame, columns) -> None:
    if frame.empty:
        print("(nothing)")
        return
    print(frame[list(columns)].to_string(index=False, max_colwidth=90))


def add_names(sub) -> None:
    p = sub.add_parser(
        "names",
        help="review names, e-mail addresses and phone numbers inside the transcripts",
        description="List what the detection found inside what people said (with 'show ID' "
        "in context), confirm or ignore it once per person, choose what pseudonymised "
        "outputs write for it (--as '[collega]'), add what it missed, or detect again.",
    )
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("values", nargs="*", help="ids (show, confirm, ignore) or the name to add")
    p.add_argument("--as", dest="replacement", metavar="TEXT",
                   help="replacement in pseudonymised outputs, e.g. '[coördinator]'")
    p.add_argument("--kind", help="list only, or add as, this kind (person, email, phone, "
                   "address, place, institution)")
    p.add_argument("--status", choices=["suggested", "confirmed", "ignored"],
                   help="list only this status")
    p.set_defaults(func=cmd_names)
