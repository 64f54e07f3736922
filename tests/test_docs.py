"""The documents a user reads agree with the code: help texts in a user's words, links that lead
somewhere in the repository, and the package versions the docs name are the ones pyproject pins."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from storyline.cli import app

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = [REPO_ROOT / "README.md", REPO_ROOT / "DEVELOPERS.md", REPO_ROOT / "docs" / "architecture.md"]
COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands]
# Words of the project's internal documents that mean nothing to someone who only has the package.
JARGON = re.compile(r"(?i:\bcontract\s*\d)|ARCHITECTURE\.md")


def pins() -> dict[str, str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = [
        *project["dependencies"],
        *(s for extra in project["optional-dependencies"].values() for s in extra),
    ]
    return dict(spec.lower().split("==") for spec in specs)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_says_what_a_command_does_without_internal_jargon(invoke_cli, command: str | None):
    result = invoke_cli(*([command] if command else []), "--help")
    assert result.exit_code == 0, result.explain()
    assert not JARGON.search(result.output), result.output


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_point_only_at_files_of_the_repository(doc: Path):
    text = doc.read_text(encoding="utf-8")
    assert not JARGON.search(text)
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if not re.match(r"[a-z]+://", target):
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"


def test_the_readme_points_to_the_architecture_document():
    assert "(docs/architecture.md)" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_versions_the_docs_name_are_the_pinned_ones(doc: Path):
    pinned = pins()
    named = re.findall(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*[0-9A-Za-z])", doc.read_text(encoding="utf-8"))
    assert named or doc.name != "DEVELOPERS.md", "DEVELOPERS.md names the pinned versions it relies on"
    for name, version in named:
        if name.lower() in pinned:
            assert pinned[name.lower()] == version, f"{doc.name} names {name}=={version}, pyproject pins it"
