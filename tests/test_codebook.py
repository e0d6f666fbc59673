"""The codebook model: the shipped Dutch codebook, validation messages, YAML round trip, edits."""

from __future__ import annotations

import copy
import itertools
import math
import re
from pathlib import Path
from typing import Any

import pytest
import spacy
import yaml

from analysis import codebook as codebook_module
from analysis.codebook import (
    Code,
    Codebook,
    CodebookError,
    default_codebook_path,
    lemma_problems,
    load_codebook,
    parse_codebook,
    save_codebook,
)

ROOT = Path(__file__).resolve().parent.parent

CONTRACT = {
    "impact": ["impact.organisation", "impact.student", "impact.measurement"],
    "inclusion": ["inclusion.barriers", "inclusion.measures", "inclusion.sectors"],
    "professionalisation": [
        "professionalisation.staff_mobility",
        "professionalisation.hr_policy",
        "professionalisation.barriers",
    ],
    "regional_cooperation": [
        "regional_cooperation.euregio",
        "regional_cooperation.business",
        "regional_cooperation.partnerships",
    ],
    "phases": [
        "phases.1_bureau",
        "phases.2_platform",
        "phases.3_community",
        "phases.4_international",
    ],
}


@pytest.fixture(scope="module")
def lemmatise():
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return lambda text: [token.lemma_ for token in nlp(text)]


@pytest.fixture
def shipped() -> Codebook:
    return load_codebook(default_codebook_path())


def minimal(**changes: Any) -> dict[str, Any]:
    """A small valid codebook mapping; `changes` replace fields of its second code."""
    data = {
        "name": "Testcodeboek",
        "version": "0.1",
        "language": "nl",
        "codes": [
            {
                "key": "inclusie",
                "label": "Inclusie",
                "definition": "Wie doet mee.",
                "colour": "#93C47D",
            },
            {
                "key": "inclusie.ouders",
                "label": "Ouders",
                "definition": "Rol van ouders.",
                "keywords": ["ouders"],
                "colour": "#B6D7A8",
            },
        ],
    }
    data["codes"][1].update(changes)
    return data


def error_lines(data: dict[str, Any]) -> list[str]:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(data, "eigen.yaml")
    return str(caught.value).splitlines()


# --- the shipped codebook ---------------------------------------------------------------------


def test_shipped_codebook_has_exactly_the_contract_keys(shipped: Codebook) -> None:
    assert [code.key for code in shipped.top_level()] == list(CONTRACT)
    for parent, children in CONTRACT.items():
        assert [code.key for code in shipped.children(parent)] == children
    assert sorted(shipped.keys()) == sorted(itertools.chain(CONTRACT, *CONTRACT.values()))
    assert shipped.language == "nl"
    assert shipped.name and shipped.version == "1.0"


def test_shipped_codes_are_complete(shipped: Codebook) -> None:
    shipped.validate()
    for code in shipped:
        assert code.label and code.definition and code.when_to_use and code.when_not_to_use
        assert 1 <= len(code.examples) <= 3, code.key
        assert code.keywords and code.phrases, code.key
    for code in shipped.top_level():
        sentences = re.findall(r"[^.!?]+[.!?](?:\s|$)", code.description)
        assert 2 <= len(sentences) <= 4, (code.key, sentences)
    for code in shipped.children("phases"):
        assert code.phase_description and len(code.indicators) >= 8, code.key
    assert all(not code.indicators for code in shipped if code.parent != "phases")


def test_shipped_terms_are_what_the_lookup_lemmatizer_produces(shipped, lemmatise) -> None:
    assert lemma_problems(shipped, lemmatise) == []
    for code in shipped:
        assert all(len(lemmatise(word)) == 1 for word in code.keywords), code.key
        assert all(len(lemmatise(phrase)) >= 2 for phrase in code.phrases), code.key
    # Inflected forms in a transcript reach the listed lemma.
    assert lemmatise("Drempels") == ["drempel"]
    assert "drempel" in shipped.get("inclusion.barriers").keywords
    assert (
        " ".join(lemmatise("strategische partnerschappen"))
        in shipped.get("regional_cooperation.partnerships").phrases
    )


def test_lemma_problems_names_a_keyword_that_is_not_a_lemma(shipped, lemmatise) -> None:
    shipped.update("professionalisation.staff_mobility", keywords=["docenten", "cursus"])
    assert lemma_problems(shipped, lemmatise) == [
        "code 'professionalisation.staff_mobility': keyword 'docenten' is not a lemma form; "
        "the lemmatiser gives 'docent'"
    ]


def test_every_shipped_example_contains_a_term_of_its_own_code(shipped, lemmatise) -> None:
    for code in shipped:
        for example in code.examples:
            lemmas = lemmatise(example)
            joined = f" {' '.join(lemmas)} "
            hits = [w for w in code.keywords if w in lemmas]
            hits += [p for p in code.phrases if f" {p} " in joined]
            assert hits, (code.key, example)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_shipped_colours_are_distinct_and_readable_behind_black_text(shipped) -> None:
    colours = {code.key: code.colour for code in shipped}
    for key, colour in colours.items():
        assert re.fullmatch(r"#[0-9A-F]{6}", colour), key
        assert (_luminance(colour) + 0.05) / 0.05 >= 4.5, key  # WCAG AA against #000000
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        rgb_a = [int(ca[i : i + 2], 16) for i in (1, 3, 5)]
        rgb_b = [int(cb[i : i + 2], 16) for i in (1, 3, 5)]
        assert math.dist(rgb_a, rgb_b) >= 35, (a, b)


def test_default_path_is_the_repository_file_and_the_package_link_points_at_it() -> None:
    assert default_codebook_path() == ROOT / "codebook" / "codebook.yaml"
    packaged = ROOT / "analysis" / "data" / "codebook.yaml"
    assert packaged.resolve() == (ROOT / "codebook" / "codebook.yaml").resolve()
    assert load_codebook() == load_codebook(default_codebook_path())


def test_default_path_falls_back_to_the_packaged_copy(tmp_path, monkeypatch) -> None:
    package = tmp_path / "site-packages" / "analysis"
    (package / "data").mkdir(parents=True)
    (package / "data" / "codebook.yaml").write_text("name: x\n", encoding="utf-8")
    monkeypatch.setattr(codebook_module, "_PACKAGE_DIR", package)
    assert default_codebook_path() == package / "data" / "codebook.yaml"
    (package / "data" / "codebook.yaml").unlink()
    with pytest.raises(CodebookError, match="default codebook not found"):
        default_codebook_path()


# --- validation messages ----------------------------------------------------------------------


def test_a_valid_mapping_parses_with_parent_from_the_dotted_key() -> None:
    book = parse_codebook(minimal(), "eigen.yaml")
    assert book.get("inclusie.ouders").parent == "inclusie"
    assert book.source == "eigen.yaml"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"label": ""}, "eigen.yaml: code 'inclusie.ouders': missing label"),
        ({"label": None}, "eigen.yaml: code 'inclusie.ouders': missing label"),
        ({"definition": "  "}, "eigen.yaml: code 'inclusie.ouders': empty definition"),
        (
            {"colour": "rood"},
            "eigen.yaml: code 'inclusie.ouders': colour 'rood' is not of the form #RRGGBB",
        ),
        (
            {"colour": "#12345"},
            "eigen.yaml: code 'inclusie.ouders': colour '#12345' is not of the form #RRGGBB",
        ),
        (
            {"threshold": 1.5},
            "eigen.yaml: code 'inclusie.ouders': threshold 1.5 is not a number between 0 and 1",
        ),
        (
            {"threshold": "hoog"},
            "eigen.yaml: code 'inclusie.ouders': threshold 'hoog' is not a number between 0 and 1",
        ),
        (
            {"threshold": True},
            "eigen.yaml: code 'inclusie.ouders': threshold True is not a number between 0 and 1",
        ),
        (
            {"defintion": "x"},
            "eigen.yaml: code 'inclusie.ouders': unknown field 'defintion' "
            "(did you mean 'definition'?)",
        ),
        (
            {"keywords": ["Ouders"]},
            "eigen.yaml: code 'inclusie.ouders': keyword 'Ouders' is not lower-case",
        ),
        (
            {"keywords": ["ouders", "ouders"]},
            "eigen.yaml: code 'inclusie.ouders': keyword 'ouders' is listed twice",
        ),
        (
            {"keywords": ["ouders betrekken"]},
            "eigen.yaml: code 'inclusie.ouders': keyword 'ouders betrekken' has several words; "
            "list it under phrases",
        ),
        (
            {"phrases": ["ouders"]},
            "eigen.yaml: code 'inclusie.ouders': phrase 'ouders' is a single word; "
            "list it under keywords",
        ),
        (
            {"examples": "Ouders zijn bang."},
            "eigen.yaml: code 'inclusie.ouders': examples must be a list",
        ),
        (
            {"parent": "elders"},
            "eigen.yaml: code 'inclusie.ouders': parent 'elders' contradicts the key, "
            "whose parent is 'inclusie'",
        ),
    ],
)
def test_each_problem_is_one_line_naming_file_and_code(changes, expected) -> None:
    assert error_lines(minimal(**changes)) == [expected]


@pytest.mark.parametrize(
    "key", ["Inclusie.Ouders", "inclusie ouders", "inclusie-ouders", "inclusie..x"]
)
def test_keys_with_bad_characters_are_refused(key) -> None:
    data = minimal(key=key)
    lines = error_lines(data)
    assert lines[0] == (
        f"eigen.yaml: code '{key}': the key may only contain lower-case letters, digits and '_', "
        "with '.' between the parts of a sub-code (e.g. impact.student)"
    )


def test_duplicate_key_is_reported() -> None:
    data = minimal()
    data["codes"].append(copy.deepcopy(data["codes"][1]))
    assert error_lines(data) == [
        "eigen.yaml: code 'inclusie.ouders': duplicate key; each key may occur only once"
    ]


def test_unknown_parent_is_reported_for_dotted_and_explicit_parents() -> None:
    data = minimal(key="impact.ouders")
    data["codes"].append(
        {
            "key": "eigen_code",
            "parent": "bestaat_niet",
            "label": "Eigen",
            "definition": "x",
            "colour": "#FFFFFF",
        }
    )
    assert error_lines(data) == [
        "eigen.yaml: code 'impact.ouders': unknown parent 'impact'",
        "eigen.yaml: code 'eigen_code': unknown parent 'bestaat_niet'",
    ]


def test_a_loop_of_explicit_parents_is_reported() -> None:
    data = minimal()
    data["codes"][0]["parent"] = "lus"
    data["codes"].append(
        {"key": "lus", "parent": "inclusie", "label": "Lus", "definition": "x", "colour": "#FFFFFF"}
    )
    lines = error_lines(data)
    assert "eigen.yaml: code 'inclusie': its chain of parents loops back on itself" in lines
    assert "eigen.yaml: code 'lus': its chain of parents loops back on itself" in lines


def test_several_problems_give_several_lines_and_file_level_problems_too() -> None:
    data = minimal(label="", colour="blauw")
    data["version"] = None
    data["codez"] = []
    data["codes"].append({"label": "zonder sleutel"})
    assert error_lines(data) == [
        "eigen.yaml: unknown field 'codez' (did you mean 'codes'?)",
        "eigen.yaml: code number 3: missing key",
        "eigen.yaml: the codebook needs a version",
        "eigen.yaml: code 'inclusie.ouders': missing label",
        "eigen.yaml: code 'inclusie.ouders': colour 'blauw' is not of the form #RRGGBB",
    ]


def test_something_that_is_no_codebook_at_all() -> None:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(["impact", "inclusie"], "lijst.yaml")
    assert str(caught.value) == (
        "lijst.yaml: not a codebook: expected a mapping with name, version, language and codes"
    )


# --- files ------------------------------------------------------------------------------------


def test_yaml_syntax_error_names_file_and_line(tmp_path) -> None:
    path = tmp_path / "kapot.yaml"
    path.write_text("name: x\ncodes:\n  - key: a\n    label: [niet gesloten\n", encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    (line,) = str(caught.value).splitlines()
    assert line.startswith(f"{path}: not valid YAML at line 5")


def test_missing_and_non_utf8_files_are_user_errors(tmp_path) -> None:
    with pytest.raises(CodebookError, match="cannot read the file"):
        load_codebook(tmp_path / "bestaat-niet.yaml")
    path = tmp_path / "ansi.yaml"
    path.write_bytes("name: Één codeboek\n".encode("cp1252"))
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert str(caught.value) == f"{path}: not UTF-8 text (byte 6); save the file as UTF-8"


def test_bom_and_unquoted_numeric_version_are_accepted(tmp_path) -> None:
    data = minimal()
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).replace(
        "version: '0.1'", "version: 2.0"
    )
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_codebook(path).version == "2.0"


def test_round_trip_of_the_shipped_codebook(shipped, tmp_path) -> None:
    path = tmp_path / "kopie" / "codebook.yaml"
    save_codebook(shipped, path)
    again = load_codebook(path)
    assert again == shipped
    assert again.to_dict() == shipped.to_dict()
    text = path.read_text(encoding="utf-8")
    assert "Fase 3: Gemeenschap van professionals" in text
    assert "coördinator" in text  # allow_unicode: no \xF6 escapes for the evaluator to read
    assert "parent:" not in text  # derived from the dotted keys, so not written


def test_round_trip_keeps_user_codes_with_explicit_parent_and_threshold(shipped, tmp_path) -> None:
    shipped.add(
        Code(
            key="ouderbetrokkenheid",
            parent="inclusion",
            label="Ouderbetrokkenheid",
            definition="Hoe de school ouders bij een buitenlandstage betrekt.",
            examples=["We nodigen de ouders uit voor de voorlichtingsavond, dat scheelt enorm."],
            keywords=["ouders", "voorlichtingsavond"],
            colour="#FFE599",
            threshold=0.4,
        )
    )
    path = tmp_path / "codebook.yaml"
    save_codebook(shipped, path)
    again = load_codebook(path)
    assert again.get("ouderbetrokkenheid") == shipped.get("ouderbetrokkenheid")
    assert "ouderbetrokkenheid" in [c.key for c in again.children("inclusion")]


def test_save_refuses_an_invalid_codebook_and_keeps_the_old_file(shipped, tmp_path) -> None:
    path = tmp_path / "codebook.yaml"
    save_codebook(shipped, path)
    before = path.read_bytes()
    shipped.codes.append(Code(key="kapot", label="", definition="x"))  # bypasses add()
    with pytest.raises(CodebookError, match="code 'kapot': missing label"):
        save_codebook(shipped, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["codebook.yaml"]


# --- edits ------------------------------------------------------------------------------------


def test_add_a_sub_code_and_refuse_invalid_additions(shipped) -> None:
    shipped.add(
        Code(
            key="inclusion.parents",
            label="Ouders",
            definition="De rol van ouders bij de keuze voor een buitenlandse stage.",
            colour="#FFF2CC",
        )
    )
    assert shipped.get("inclusion.parents").parent == "inclusion"
    assert shipped.children("inclusion")[-1].key == "inclusion.parents"
    count = len(shipped)
    with pytest.raises(CodebookError) as caught:
        shipped.add(Code(key="inclusion.parents", label="Nog eens", definition="x"))
    assert str(caught.value) == (
        f"{shipped.source}: code 'inclusion.parents': duplicate key; each key may occur only once"
    )
    with pytest.raises(CodebookError, match="unknown parent 'budget'"):
        shipped.add(Code(key="budget.beurzen", label="Beurzen", definition="x"))
    assert len(shipped) == count


def test_update_changes_fields_validates_and_never_renames(shipped) -> None:
    new = shipped.update("impact.student", label="Impact op studenten", threshold=0.5)
    assert shipped.get("impact.student") == new
    assert new.label == "Impact op studenten" and new.threshold == 0.5
    assert new.parent == "impact"
    with pytest.raises(CodebookError) as caught:
        shipped.update("impact.student", colour="paars")
    assert str(caught.value).endswith(
        "code 'impact.student': colour 'paars' is not of the form #RRGGBB"
    )
    assert shipped.get("impact.student").colour == "#76D7EA"
    with pytest.raises(CodebookError, match="the key of a code cannot be changed"):
        shipped.update("impact.student", key="impact.studenten")
    with pytest.raises(CodebookError, match=r"unknown field 'lable' \(did you mean 'label'\?\)"):
        shipped.update("impact.student", lable="x")
    with pytest.raises(KeyError, match=r"unknown code 'impact\.docent'"):
        shipped.update("impact.docent", label="x")


def test_remove_a_leaf_but_not_a_code_with_children(shipped) -> None:
    removed = shipped.remove("impact.measurement")
    assert removed.key == "impact.measurement"
    assert "impact.measurement" not in shipped
    with pytest.raises(CodebookError) as caught:
        shipped.remove("impact")
    assert str(caught.value).endswith(
        "code 'impact': has sub-codes (impact.organisation, impact.student); "
        "remove or move those first"
    )
    assert "impact" in shipped
    with pytest.raises(KeyError):
        shipped.remove("impact.measurement")
