"""Unit tests of the Neutron plugins: they need neutron, which only the lab venv has.

Run them with the lab venv's python (tools/test.sh does):
PYTHONPATH=. <lab venv>/bin/python -m pytest tests/neutron -q
Elsewhere (the project's .venv) every module here is reported as skipped.
"""

import importlib.util
from unittest import mock

import pytest

from tests.neutron import fakes
from tricircle.network import helper

NO_NEUTRON = importlib.util.find_spec("neutron") is None
REASON = ("neutron is not installed in this venv; run tests/neutron with the lab venv's "
          "python (tools/test.sh does)")


class _SkippedModule(pytest.Module):
    def collect(self):
        pytest.skip(REASON)


def pytest_pycollect_makemodule(module_path, parent):
    # Skip before import: importing a test module here would fail on neutron.
    if NO_NEUTRON:
        return _SkippedModule.from_parent(parent, path=module_path)
    return None


@pytest.fixture(autouse=True)
def neutrons():
    """helper.neutron (and so helper.central) answered by one FakeNeutrons."""
    fake = fakes.FakeNeutrons()
    with mock.patch.object(helper, "neutron", fake):
        yield fake


@pytest.fixture(autouse=True)
def tricircle_user():
    """The id of Tricircle's own account, as helper.from_tricircle knows it."""
    with mock.patch.object(helper, "_service_user_id", "tricircle-user"):
        yield "tricircle-user"
