"""tricircle-policy: write the sample policy file (every rule, with its default)."""

import sys

from oslo_policy import generator


def main() -> None:
    # Same as oslopolicy-sample-generator --namespace tricircle, under our own name.
    sys.argv = [sys.argv[0], "--namespace", "tricircle", *sys.argv[1:]]
    generator.generate_sample()
