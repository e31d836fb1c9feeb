"""The committed sample config and policy are what the code generates today."""

import pathlib

from oslo_config import generator as config_generator
from oslo_policy import generator as policy_generator

TOP = pathlib.Path(__file__).parents[2]
REGENERATE = ("regenerate it: .venv/bin/oslo-config-generator --config-file "
              "etc/tricircle/tricircle-config-generator.conf")


def test_sample_config_is_current(tmp_path):
    out = tmp_path / "tricircle.conf.sample"
    config_generator.main(["--config-file",
                           str(TOP / "etc/tricircle/tricircle-config-generator.conf"),
                           "--output-file", str(out)])
    committed = (TOP / "etc/tricircle/tricircle.conf.sample").read_text()
    assert out.read_text() == committed, (
        f"etc/tricircle/tricircle.conf.sample is stale; {REGENERATE}")


def test_sample_policy_is_current(tmp_path):
    out = tmp_path / "policy.yaml.sample"
    policy_generator.generate_sample(["--namespace", "tricircle", "--output-file", str(out)])
    committed = (TOP / "etc/tricircle/policy.yaml.sample").read_text()
    assert out.read_text() == committed, (
        "etc/tricircle/policy.yaml.sample is stale; regenerate it: .venv/bin/"
        "oslopolicy-sample-generator --config-file etc/tricircle/tricircle-policy-generator.conf")


def test_every_tricircle_option_is_documented():
    from tricircle.common import opts

    for group, options in opts.list_opts():
        for option in options:
            assert option.help, f"[{group}] {option.name} has no help text"
