"""The documentation and the release notes build with Sphinx, warnings as errors,
and the generated references hold what the code defines."""

import html
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


def _build(source: Path, output: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(source), str(output)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("docs")
    _build(ROOT / "doc" / "source", output)
    return output


def test_every_guide_of_doc_is_part_of_the_docs(docs):
    guides = {path.stem for path in (ROOT / "doc").glob("*.md")}
    built = {path.stem for path in (docs / "guides").glob("*.html")}
    assert guides <= built


def test_the_configuration_reference_lists_every_option(docs):
    from tricircle.common import opts

    page = (docs / "configuration.html").read_text()
    for group, options in opts.list_opts():
        for option in options:
            # oslo.config's directive anchors each option as <group>.<name>.
            assert f'id="{getattr(group, "name", group)}.{option.dest}"' in page, option.name


def test_the_policy_reference_lists_every_rule(docs):
    from tricircle.api import policies

    page = (docs / "policy.html").read_text()
    for rule in policies.list_rules():
        assert rule.name in page


def test_the_cli_reference_lists_every_osc_command(docs):
    page = (docs / "cli.html").read_text()
    commands = metadata.entry_points(group="openstack.multiregion_networking.v1")
    assert commands
    for command in commands:
        assert command.name.replace("_", " ") in page


def test_the_api_reference_lists_every_path_of_the_openapi_document(docs):
    page = (docs / "api-ref.html").read_text()
    document = json.loads((ROOT / "doc" / "api" / "openapi.json").read_text())
    for path in document["paths"]:
        assert path.split("{")[0] in page, path


def test_the_release_notes_build_with_every_note(tmp_path):
    _build(ROOT / "releasenotes" / "source", tmp_path)
    page = _words(re.sub(r"<[^>]+>", " ", (tmp_path / "index.html").read_text()))
    # reno reads committed notes only (CI builds a clone): each one is on the page.
    committed = subprocess.run(["git", "ls-files", "releasenotes/notes"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
    assert committed
    for note in committed:
        for section in yaml.safe_load((ROOT / note).read_text()).values():
            for text in [section] if isinstance(section, str) else section:
                opening = " ".join(_words(text).split()[:6])
                assert opening in page, (note, opening)


def _words(text: str) -> str:
    # Words only: markup and punctuation differ between the YAML and the HTML.
    return " ".join(re.findall(r"\w+", html.unescape(text)))
