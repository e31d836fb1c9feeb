"""The committed sample config and policy are what the code generates today."""

import os
import pathlib
import subprocess
import sys

import pytest

TOP = pathlib.Path(__file__).parents[2]
BIN = pathlib.Path(sys.executable).parent


def _generate(tool: str, generator_conf: str, out: pathlib.Path) -> str:
    # A child process: the generators parse the command line into the global
    # config object, which the other tests of this process have parsed already.
    subprocess.run([str(BIN / tool), "--config-file", str(TOP / generator_conf),
                    "--output-file", str(out)], check=True, capture_output=True,
                   cwd=TOP, env=dict(os.environ, HOME="/nonexistent"))
    return out.read_text()


SAMPLES = [  # (generator, its config, the committed sample)
    ("oslo-config-generator", "etc/tricircle/tricircle-config-generator.conf",
     "etc/tricircle/tricircle.conf.sample"),
    ("oslo-config-generator", "etc/tricircle/neutron-tricircle-config-generator.conf",
     "etc/tricircle/neutron-tricircle.conf.sample"),
    ("oslopolicy-sample-generator", "etc/tricircle/tricircle-policy-generator.conf",
     "etc/tricircle/policy.yaml.sample"),
]


@pytest.mark.parametrize(("tool", "conf", "sample"), SAMPLES,
                         ids=[sample.rsplit("/", 1)[-1] for _, _, sample in SAMPLES])
def test_sample_is_current(tmp_path, tool, conf, sample):
    generated = _generate(tool, conf, tmp_path / "sample")
    committed = (TOP / sample).read_text()
    assert generated == committed, (
        f"{sample} is stale; regenerate it: .venv/bin/{tool} --config-file {conf}")


def test_every_tricircle_option_is_documented():
    from tricircle.common import opts

    for group, options in opts.list_opts():
        for option in options:
            assert option.help, f"[{group}] {option.name} has no help text"


def test_dashboard_policy_copy_is_what_the_code_generates():
    # Horizon checks the dashboard's panels against its own copy of our rules.
    result = subprocess.run([sys.executable, str(TOP / "tools" / "dashboard_policies.py"),
                             "--check"], capture_output=True, text=True, cwd=TOP)
    assert result.returncode == 0, result.stdout + result.stderr
