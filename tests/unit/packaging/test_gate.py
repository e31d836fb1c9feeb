"""tox.ini and .zuul.yaml: the envs the gate needs, each wrapping a command that exists."""

import configparser
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
REQUIRED_ENVS = {"py3", "functional", "pep8", "genconfig", "genpolicy", "docs",
                 "releasenotes"}


def _tox() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tox.ini")
    return parser


def _envs(tox: configparser.ConfigParser) -> set[str]:
    return {"py3"} | {s.split(":", 1)[1] for s in tox.sections() if s.startswith("testenv:")}


def test_tox_has_every_env_the_gate_runs():
    assert REQUIRED_ENVS <= _envs(_tox())


def test_every_path_a_tox_command_names_exists():
    tox = _tox()
    for section in ("testenv", *(s for s in tox.sections() if s.startswith("testenv:"))):
        for line in tox[section]["commands"].strip().splitlines():
            for word in shlex.split(line.replace("{toxinidir}/", "").replace("{posargs}", "")):
                # build/ folders are what a command writes, not what it reads.
                if "/" in word and not word.startswith("-") and "/build/" not in word:
                    assert (ROOT / word).exists(), (section, word)


def test_the_test_tiers_run_what_tools_test_sh_runs():
    tox, script = _tox(), (ROOT / "tools" / "test.sh").read_text()
    assert 'pytest -m "not integration"' in tox["testenv"]["commands"]
    assert 'pytest -m "not integration"' in script
    assert "pytest -m integration tests/integration" in tox["testenv:integration"]["commands"]
    assert "tempest_plugin/run_in_lab.py" in tox["testenv:tempest"]["commands"]
    assert "tempest_plugin/run_in_lab.py" in script


def test_every_zuul_job_is_defined_or_an_openstack_one_and_names_a_tox_env():
    zuul = yaml.safe_load((ROOT / ".zuul.yaml").read_text())
    jobs = {item["job"]["name"]: item["job"] for item in zuul if "job" in item}
    project = next(item["project"] for item in zuul if "project" in item)
    envs = _envs(_tox()) | {"all"}
    for pipeline in ("check", "gate"):
        for entry in project[pipeline]["jobs"]:
            name = entry if isinstance(entry, str) else next(iter(entry))
            assert name in jobs or name.startswith(("openstack-", "build-openstack-")), name
    for job in jobs.values():
        env = job.get("vars", {}).get("tox_envlist")
        if env:
            assert env in envs, job["name"]
    assert {"tricircle-functional-mariadb", "tricircle-functional-postgresql",
            "tricircle-multiregion"} <= set(jobs)
