"""tricircle-lab: a real multi-region OpenStack on one machine, for the tests.

Services come from PyPI (pinned by constraints.txt) into a venv cached outside
the clone; state (configs, logs, pid files, data) lives under
~/.local/state/tricircle-lab unless TRICIRCLE_LAB_HOME says otherwise.
"""


class LabError(Exception):
    """Something the operator must fix; the message says what and how."""
