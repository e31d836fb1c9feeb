"""The committed sample config and policy are what the code generates today."""

import os
import pathlib
import subprocess
import sys

TOP = pathlib.Path(__file__).parents[2]
BIN = pathlib.Path(sys.executable).parent


def _generate(tool: str, generator_conf: str, out: pathlib.Path) -> str:
    # A child process: the generators parse the command line into the global
    # config object, which the other tests of this process have parsed already.
    subprocess.run([str(BIN / tool), "--config-file", str(TOP / generator_conf),
                    "--output-file", str(out)], check=True, capture_output=True,
                   cwd=TOP, env=dict(os.environ, HOME="/nonexistent"))
    return out.read_text()


def test_sample_config_is_current(tmp_path):
    conf = "etc/tricircle/tricircle-config-generator.conf"
    generated = _generate("oslo-config-generator", conf, tmp_path / "sample")
    committed = (TOP / "etc/tricircle/tricircle.conf.sample").read_text()
    assert generated == committed, (
        f"etc/tricircle/tricircle.conf.sample is stale; regenerate it: "
        f".venv/bin/oslo-config-generator --config-file {conf}")


def test_sample_policy_is_current(tmp_path):
    conf = "etc/tricircle/tricircle-policy-generator.conf"
    generated = _generate("oslopolicy-sample-generator", conf, tmp_path / "sample")
    committed = (TOP / "etc/tricircle/policy.yaml.sample").read_text()
    assert generated == committed, (
        f"etc/tricircle/policy.yaml.sample is stale; regenerate it: "
        f".venv/bin/oslopolicy-sample-generator --config-file {conf}")


def test_every_tricircle_option_is_documented():
    from tricircle.common import opts

    for group, options in opts.list_opts():
        for option in options:
            assert option.help, f"[{group}] {option.name} has no help text"
