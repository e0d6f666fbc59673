"""One real-browser run of the app: ``streamlit run app.py`` on a free localhost port, driven by
Debian's chromium through Playwright. It catches what AppTest cannot: thread bugs on the second
interaction, what the browser really shows (a transcript with ``<script>`` and Markdown must read
literally), and it leaves one screenshot per page in ``artifacts/screenshots/``.

Chromium comes from ``INTERVIEWS_CHROMIUM`` or ``/usr/bin/chromium`` (``.ci/run`` installs it);
without it the test is skipped with the reason, except under CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import HOSTILE_TEXT, LITERALS, add_topic_run
from playwright.sync_api import Locator, Page, expect, sync_playwright

from analysis import Project

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CODER = "Thomas Verbeek"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# url path, file name, the heading the page must show
PAGES = [
    ("", "1-project", "Project en import"),
    ("lezen", "2-transcript", "Transcript lezen"),
    ("coderen", "3-coderen", "Coderen"),
    ("citaten", "4-citaten", "Citaten per thema"),
    ("themas", "5-themas", "Thema's uit de gesprekken"),
    ("fasen", "6-fasen", "Fasen"),
    ("vraag", "7-vraag", "Vraag het de interviews"),
    ("rapport", "8-rapport", "Rapport"),
    ("zoeken", "9-zoeken", "Zoeken in gesprekken"),
]
HOSTILE_INSTITUTION = "ROC Aa Proef"


def chromium_path() -> str:
    path = os.environ.get("INTERVIEWS_CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).is_file():
        reason = (
            f"chromium not found at {path} (apt-get install chromium, or set INTERVIEWS_CHROMIUM)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def chromium() -> str:
    """Checked first, so that a missing browser is reported before any project is built."""
    return chromium_path()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def browser_db(chromium: str, sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project plus a transcript full of markup, with suggestions and a topic run."""
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "project.db"
    shutil.copy(sample_db, path)
    hostile = folder / "proef_markup.txt"
    hostile.write_text(HOSTILE_TEXT, encoding="utf-8")
    with Project(path) as project:
        [result] = project.ingest([hostile])
        assert not result.failed, result.line()
        project.update_metadata(result.transcript_id, institution=HOSTILE_INSTITUTION)
        project.suggest()
    add_topic_run(path)
    return path


@pytest.fixture(scope="module")
def server(browser_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app.py`` on a free port of 127.0.0.1; its URL once healthy."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    env = {**os.environ, "INTERVIEWS_CODER": CODER}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--",
        "--project",
        str(browser_db),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(process, url, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def wait_healthy(process: subprocess.Popen, url: str, log: Path) -> None:
    """Poll /_stcore/health; the pause between polls is a wait on the server process itself."""
    for _attempt in range(600):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                if answer.read() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        try:
            process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"streamlit stopped: {log.read_text(errors='replace')[-2000:]}")
    pytest.fail("streamlit did not answer /_stcore/health")


def settled(page: Page) -> None:
    """Connected, the script has finished, and no element is still a loading skeleton."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_function("document.querySelectorAll('[data-testid=stSkeleton]').length === 0")


def main_text(page: Page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def metric(page: Page, label: str) -> Locator:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label)
    return box.locator("[data-testid='stMetricValue']")


def assert_literal(page: Page) -> None:
    """The hostile transcript reads literally: no script ran, no link, no bold was made."""
    text = main_text(page)
    for literal in LITERALS:
        assert literal in text
    main = page.locator("[data-testid='stMain']")
    assert main.locator("a[href='http://x']").count() == 0
    assert main.locator("strong", has_text="heel belangrijk").count() == 0
    assert main.locator("script", has_text="alert(1)").count() == 0


SELECTED = "zie <script>alert(1)</script> in de mail"


def code_words_with_the_mouse(page: Page, browser_db: Path) -> None:
    """Switch the reader to selectable text, select words (markup among them) by dragging the
    mouse over them, code them, and check that exactly those characters were coded."""
    page.get_by_text("Woorden met de muis kiezen").click()
    settled(page)
    words = page.locator(".iw-words", has_text="alert(1)")
    expect(words).to_be_visible()
    assert words.locator("script").count() == 0  # the markup is text, not elements
    box = words.evaluate(
        """(element, wanted) => {
            const node = [...element.childNodes].find((n) => n.textContent.includes(wanted));
            const at = node.textContent.indexOf(wanted);
            const rect = (from, to) => {
                const range = document.createRange();
                range.setStart(node, from);
                range.setEnd(node, to);
                return range.getBoundingClientRect();
            };
            const first = rect(at, at + 1), last = rect(at + wanted.length - 1, at + wanted.length);
            return { x1: first.left + 1, y1: first.top + first.height / 2,
                     x2: last.right - 1, y2: last.top + last.height / 2 };
        }""",
        SELECTED,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()
    panel = page.locator(".st-key-reader_selection_panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_text(SELECTED, exact=True)).to_be_visible()  # literal, once
    settled(page)
    choice = panel.get_by_role("combobox")
    choice.click()
    choice.press_sequentially("Inclusie")
    choice.press("Enter")
    page.keyboard.press("Escape")
    settled(page)
    panel.get_by_role("button", name="Woorden coderen").click()
    expect(panel).to_have_count(0)
    with Project(browser_db) as project:
        spans = project.segments()
    coded = spans[spans["kind"] == "span"]
    assert list(coded["text"]) == [SELECTED]
    assert coded.iloc[0]["codes"]


def test_every_page_in_a_real_browser(
    chromium: str, server: str, browser_db: Path, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    alerts: list[str] = []
    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(90_000)
        expect.set_options(timeout=90_000)
        page = context.new_page()
        page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
        for path, name, heading in PAGES:
            page.goto(f"{server}/{path}")
            settled(page)
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            assert page.locator("[data-testid='stException']").count() == 0, name

            if path == "lezen":
                page.locator("[data-testid='stSelectbox']").filter(has_text="Transcript").click()
                page.get_by_role("option", name=f"{HOSTILE_INSTITUTION} — proef_markup.txt").click()
                expect(page.get_by_text("<script>alert(1)</script>", exact=False)).to_be_visible()
                settled(page)
                assert_literal(page)
                code_words_with_the_mouse(page, browser_db)
                settled(page)
                assert_literal(page)

            if path == "coderen":
                waiting = int(metric(page, "Te beoordelen").inner_text())
                page.get_by_role("button", name="Accepteren").first.click()
                expect(metric(page, "Te beoordelen")).to_have_text(str(waiting - 1))
                settled(page)
                page.get_by_role("button", name="Afwijzen").first.click()
                expect(metric(page, "Te beoordelen")).to_have_text(str(waiting - 2))
                settled(page)
                with Project(browser_db) as project:
                    history = project.coding_history(coder=CODER)
                decisions = history[history["origin"] != "manual"]  # not the words coded above
                # One card each: a theme and its sub-theme are decided together.
                assert set(decisions["status"]) == {"accepted", "rejected"}
                assert decisions.groupby("status")["segment_id"].nunique().to_dict() == {
                    "accepted": 1, "rejected": 1,
                }

            if path == "citaten":
                search = page.get_by_role("textbox", name="Zoek op woorden")
                search.fill("alert(1)")
                search.press("Enter")
                expect(page.get_by_text("1 citaat van 1 instelling")).to_be_visible()
                settled(page)
                # The quote is the words coded in the reader (a span counts once, as itself).
                assert SELECTED in main_text(page)
                assert page.locator("[data-testid='stMain'] script").count() == 0
                assert HOSTILE_INSTITUTION in main_text(page)

            if path == "zoeken":
                search = page.get_by_role("textbox", name="Zoek op woorden")
                search.fill("alert")
                search.press("Enter")
                expect(page.get_by_text("1 treffer in 1 passage uit 1 gesprek")).to_be_visible()
                settled(page)
                assert_literal(page)  # the passage with the hit, its markup still literal
                hit = page.locator("[data-testid='stMain'] strong", has_text="alert")
                expect(hit).to_have_count(1)  # the hit is marked, and only the hit
                assert hit.inner_text() == "alert"

            if path == "vraag":
                box = page.locator("[data-testid=stChatInputTextArea]")
                box.fill("Wat zeggen bestuurders over ouders?")
                box.press("Enter")
                expect(page.get_by_text("iets over ouders", exact=False).first).to_be_visible()
                settled(page)
                # The chat scrolls to its newest answer; the screenshot starts at the question.
                asked = page.get_by_test_id("stChatMessage").first
                asked.scroll_into_view_if_needed()
                expect(asked).to_be_in_viewport(ratio=1)

            page.screenshot(path=str(SHOTS / f"{name}.png"))
        context.close()
    assert alerts == []
