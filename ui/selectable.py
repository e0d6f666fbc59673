"""The transcript as selectable text: select words with the mouse to code exactly those.

A small ``st.components.v2`` component. Transcript text is personal data typed by others, so
the component's script builds every element with ``createElement`` and puts text in with
``textContent`` (text nodes only): no ``innerHTML`` or any other HTML parsing of data, which a
test checks in the source and the real-browser test checks with a transcript full of markup.
The component shows passages with their codes beside them (a person's codes as a solid stripe
and fill, suggestions as a dashed outline with the word "voorstel"), marks search hits, scrolls
to the passage an "Open in transcript" jump points at, and reports a selection as character
offsets into the transcript (``Selection``), never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

# No innerHTML, outerHTML, insertAdjacentHTML, document.write or DOMParser here (tested).
JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let root = parentElement.querySelector(".iw-transcript");
  if (!root) {
    root = document.createElement("div");
    root.className = "iw-transcript";
    parentElement.appendChild(root);
  }
  root.replaceChildren();
  const terms = (data.terms || []).map((t) => t.toLocaleLowerCase()).filter((t) => t);

  function addText(parent, text) {
    // The text, with every search term wrapped in a <mark>: text nodes only.
    if (!terms.length) { parent.appendChild(document.createTextNode(text)); return; }
    const lower = text.toLocaleLowerCase();
    let at = 0;
    while (at < text.length) {
      let next = -1, term = "";
      for (const t of terms) {
        const found = lower.indexOf(t, at);
        if (found >= 0 && (next < 0 || found < next)) { next = found; term = t; }
      }
      if (next < 0) { parent.appendChild(document.createTextNode(text.slice(at))); break; }
      if (next > at) parent.appendChild(document.createTextNode(text.slice(at, next)));
      const mark = document.createElement("mark");
      mark.className = "iw-hit";
      mark.textContent = text.slice(next, next + term.length);
      parent.appendChild(mark);
      at = next + term.length;
    }
  }

  let target = null;
  for (const block of data.blocks) {
    const box = document.createElement("div");
    box.className = "iw-block iw-" + block.kind;
    if (block.speaker) {
      const who = document.createElement("div");
      who.className = "iw-speaker";
      who.textContent = block.speaker;
      box.appendChild(who);
    }
    const words = document.createElement("div");
    words.className = "iw-words";
    words.dataset.segment = String(block.segment || "");
    words.dataset.start = String(block.start);
    addText(words, block.text);
    box.appendChild(words);
    for (const code of block.codes || []) {
      const tag = document.createElement("span");
      tag.className = code.person ? "iw-code iw-person" : "iw-code iw-suggested";
      tag.textContent = code.person ? code.label : "voorstel: " + code.label;
      if (code.colour) tag.style.setProperty("--iw-colour", code.colour);
      box.appendChild(tag);
    }
    if ((block.codes || []).some((c) => c.person)) box.classList.add("iw-coded");
    if (block.target) { box.classList.add("iw-target"); target = box; }
    root.appendChild(box);
  }
  if (target) target.scrollIntoView({ block: "center" });

  function offsetIn(words, node, offset) {
    const range = document.createRange();
    range.setStart(words, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  root.onmouseup = () => {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    const holder = (node) => (node.nodeType === 1 ? node : node.parentElement).closest(".iw-words");
    const first = holder(range.startContainer), last = holder(range.endContainer);
    if (!first || first !== last || !root.contains(first) || !first.dataset.segment) {
      setTriggerValue("selected", { error: "across" });
      return;
    }
    const base = Number(first.dataset.start);
    const start = base + offsetIn(first, range.startContainer, range.startOffset);
    const end = base + offsetIn(first, range.endContainer, range.endOffset);
    setTriggerValue("selected", {
      segment: Number(first.dataset.segment), start: start, end: end, text: range.toString(),
    });
  };
}
"""

CSS = """
.iw-transcript { font-size: 1rem; line-height: 1.6; }
.iw-block { margin: 0 0 0.6rem 0; padding: 0.3rem 0.6rem; border-left: 4px solid transparent; }
.iw-question { opacity: 0.75; font-style: italic; }
.iw-speaker { font-size: 0.8rem; opacity: 0.7; }
.iw-words { white-space: pre-wrap; user-select: text; cursor: text; }
.iw-coded { border-left-color: var(--st-primary-color, #c0392b); }
.iw-code { display: inline-block; font-size: 0.75rem; margin: 0.2rem 0.3rem 0 0;
  padding: 0 0.4rem; border-radius: 0.5rem; }
.iw-person { background: var(--iw-colour, #ddd); border: 1px solid var(--iw-colour, #999); }
.iw-suggested { border: 1px dashed #888; background: transparent; }
.iw-target { outline: 3px solid #f1c40f; }
.iw-hit { background: #fff3a0; padding: 0; }
"""

_component: Callable | None = None


def _mount() -> Callable:
    global _component
    if _component is None:
        _component = st.components.v2.component(
            "interviews.selectable_transcript", js=JS, css=CSS, isolate_styles=False
        )
    return _component


@dataclass(frozen=True)
class Selection:
    """Words selected in one passage: its segment and the characters' offsets in the
    transcript (``end`` exclusive)."""

    segment_id: int
    start: int
    end: int
    text: str


def read_selection(value: object) -> Selection | str | None:
    """The component's report of a selection: a ``Selection``, an error key ("across": the
    words run over more than one passage), or None when nothing usable was selected."""
    if not isinstance(value, dict):
        return None
    if value.get("error"):
        return str(value["error"])
    try:
        found = Selection(
            int(value["segment"]), int(value["start"]), int(value["end"]), str(value["text"])
        )
    except (KeyError, TypeError, ValueError):
        return None
    return found if found.end > found.start and found.text.strip() else None


def selectable_transcript(
    blocks: Sequence[dict], *, key: str, terms: Sequence[str] = (),
    on_select: Callable[[], None] | None = None,
) -> object:
    """Mount the component: ``blocks`` are dicts with ``kind`` ("question", "passage",
    "text"), ``text``, ``start`` (its offset in the transcript), ``segment`` (a passage's id),
    ``speaker``, ``codes`` (dicts with ``label``, ``person``, ``colour``) and ``target``."""
    component = _mount()
    return component(
        data={"blocks": list(blocks), "terms": list(terms)},
        key=key,
        on_selected_change=on_select or (lambda: None),
    )
