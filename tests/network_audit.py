"""Runs the main `interviews` commands with a fake language model and records every outgoing
connection (Python's ``socket.connect`` audit event), for tests/test_llm_offline.py.

Usage: python tests/network_audit.py RESULT.json WORKDIR   (run inside a network namespace
where one is available; the recorded addresses are checked either way).
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

connections: list[object] = []
lookups: list[str] = []


def audit(event: str, args: tuple) -> None:
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            connections.append(list(address[:2]))
        else:
            connections.append(str(address))
    elif event == "socket.getaddrinfo":
        lookups.append(str(args[0]))


def main(result: Path, work: Path) -> int:
    from analysis.cli import main as interviews
    from tests.llm_support import codes_reply, fake_llm, segment_of

    def answer(body: dict) -> str:
        if "Fragment:" in body["messages"][-1]["content"]:
            segment = segment_of(body)
            return codes_reply(["impact"] if "student" in segment else [], segment)
        return json.dumps({"antwoord": "Ouders beslissen mee over de stage [1]."})

    project = str(work / "p.db")
    commands = [
        ["ingest", str(ROOT / "transcripts"), "-q"],
        ["code", "-q"],
        ["ask", "Wat zeggen bestuurders over de rol van ouders?"],
        ["report", "-o", str(work / "draft.docx")],
        ["export", "segments", "-o", str(work / "segments.csv")],
    ]
    codes = {}
    sys.addaudithook(audit)
    with fake_llm(answer) as fake:
        os.environ["INTERVIEWS_LLM_URL"] = fake.url
        os.environ["INTERVIEWS_LLM_MODEL"] = "fake-model"
        for command in commands:
            codes[command[0]] = interviews([*command, "--project", project])
        requests = len(fake.requests)
    result.write_text(json.dumps({"codes": codes, "connections": connections,
                                  "lookups": lookups, "requests": requests}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
