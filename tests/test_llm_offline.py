"""Nothing leaves this computer: a remote model is refused without --allow-remote, and the main
commands open no connection other than to 127.0.0.1 (checked inside a network namespace with
only a loopback interface, where ``unshare`` allows one)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from analysis import Project
from analysis.cli import main
from analysis.llm.config import LLMConfig, remote_warning
from analysis.store import Coding
from tests.coding_support import add_interview

ROOT = Path(__file__).resolve().parent.parent
REMOTE = "http://10.1.2.3:11434/v1"


def _namespace() -> list[str]:
    """The prefix that runs a command in a new network namespace with loopback up, or []."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return []
    probe = subprocess.run(["unshare", "-rn", "ip", "link", "set", "lo", "up"],
                           capture_output=True, check=False)
    return ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$0" "$@"'] \
        if probe.returncode == 0 else []


def test_the_main_commands_connect_only_to_127_0_0_1(tmp_path: Path) -> None:
    result = tmp_path / "result.json"
    prefix = _namespace()
    command = [*prefix, sys.executable, str(ROOT / "tests" / "network_audit.py"),
               str(result), str(tmp_path)]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(result.read_text())
    assert found["codes"] == {"ingest": 0, "code": 0, "ask": 0, "report": 0, "export": 0}
    assert found["requests"] > 0  # the fake model was asked, over loopback
    hosts = {address[0] if isinstance(address, list) else "unix"
             for address in found["connections"]}
    assert "127.0.0.1" in hosts and hosts <= {"127.0.0.1", "unix"}, found["connections"]
    assert set(found["lookups"]) <= {"127.0.0.1", "localhost"}, found["lookups"]


def _project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "p.db")
    add_interview(project, "grens.txt", [(
        "Wat merken studenten van een stage in het buitenland?",
        ["Ze komen zelfstandiger terug, dat zien de docenten meteen."],
    )])
    project.set_setting("llm_url", REMOTE)
    project.set_setting("llm_model", "m")
    return project


def test_a_remote_model_is_refused_without_allow_remote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _project(tmp_path):
        pass
    path = str(tmp_path / "p.db")
    assert main(["code", "--project", path, "-q"]) == 2
    err = capsys.readouterr().err
    assert "10.1.2.3 is not on this computer" in err and "--allow-remote" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["ask", "Wat merken studenten van een stage?", "--project", path]) == 2
    assert "--allow-remote" in capsys.readouterr().err
    with Project(path) as project, project.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 0  # nothing written
    assert main(["code", "--no-llm", "--project", path, "-q"]) == 0  # offline still works


def test_allowing_a_remote_model_warns_that_text_leaves_the_computer() -> None:
    remote = LLMConfig(url=REMOTE, model="m", allow_remote=True)
    assert remote_warning(remote) == (
        "warning: interview text is sent to 10.1.2.3, off this computer"
    )
    assert remote_warning(LLMConfig(url="http://127.0.0.1:8080/v1", model="m")) is None


def test_the_environment_configures_a_model_and_the_project_wins(tmp_path: Path) -> None:
    env = {"INTERVIEWS_LLM_URL": "http://127.0.0.1:8080/v1", "INTERVIEWS_LLM_MODEL": "qwen",
           "INTERVIEWS_LLM_KEY": "geheim"}
    settings: dict[str, object] = {}
    config = LLMConfig.from_settings(lambda key, default: settings.get(key, default), env)
    assert config is not None and config.model == "qwen" and config.api_key == "geheim"
    settings.update(llm_url="http://localhost:11434/v1", llm_model="llama3.1")
    config = LLMConfig.from_settings(lambda key, default: settings.get(key, default), env)
    assert config.url == "http://localhost:11434/v1" and config.model == "llama3.1"
    assert LLMConfig.from_settings(lambda key, default: default, {}) is None


def test_the_llm_command_sets_checks_and_removes_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.llm_support import fake_llm

    monkeypatch.delenv("INTERVIEWS_LLM_URL", raising=False)
    path = str(tmp_path / "p.db")
    assert main(["llm", "--project", path]) == 0
    assert "no language model configured" in capsys.readouterr().out
    with fake_llm(lambda body: json.dumps({"antwoord": "ja"})) as fake:
        assert main(["llm", "--url", fake.url, "--model", "qwen", "--check",
                     "--project", path]) == 0
    out = capsys.readouterr().out
    assert "language model qwen at http://127.0.0.1:" in out and "(on this computer)" in out
    assert "the model answered: ja" in out
    assert len(fake.requests) == 1
    assert main(["llm", "--off", "--project", path]) == 0
    assert "no language model configured" in capsys.readouterr().out
