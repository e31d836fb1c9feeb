"""tricircle.lab.venv.ensure_pinned: the one way the lab builds a side venv
(tempest's, Horizon's) from a pins file, with real venvs and pip."""

import pytest

from tricircle.lab import LabError
from tricircle.lab.layout import Layout
from tricircle.lab.venv import ensure_pinned, pinned_path


@pytest.fixture
def pins(tmp_path):
    path = tmp_path / "pins.txt"
    path.write_text("# nothing to install: the venv alone is enough here\n")
    return path


def test_builds_once_then_reuses_the_cached_venv(tmp_path, pins):
    said = []
    venv = ensure_pinned(tmp_path / "cache" / "side-venv", pins, said.append, "side")
    assert (venv / "bin" / "python").exists()
    assert (venv / ".lab-complete").exists()
    assert said[-1].startswith("side venv built in")
    (venv / "left-by-a-user").write_text("kept\n")
    assert ensure_pinned(venv, pins, said.append, "side") == venv
    assert said[-1] == f"side venv {venv} (cached)"
    assert (venv / "left-by-a-user").exists()  # not rebuilt


def test_a_venv_cut_off_before_its_marker_is_built_again(tmp_path, pins):
    venv = tmp_path / "side-venv"
    venv.mkdir()
    (venv / "half-built").write_text("")
    ensure_pinned(venv, pins, lambda _: None, "side", marker=".side-complete")
    assert not (venv / "half-built").exists()
    assert (venv / ".side-complete").exists()


def test_a_failing_pin_names_the_venv_and_the_log(tmp_path):
    pins = tmp_path / "pins.txt"
    pins.write_text("this is not a requirement ===\n")
    venv = tmp_path / "side-venv"
    with pytest.raises(LabError, match="building the side venv failed") as failure:
        ensure_pinned(venv, pins, lambda _: None, "side")
    assert str(tmp_path / "side-venv.pip.log") in str(failure.value)
    assert not (venv / ".lab-complete").exists()  # the next run builds it again


def test_the_path_follows_the_pins(tmp_path, pins):
    layout = Layout(home=tmp_path / "home", cache=tmp_path / "cache")
    first = pinned_path(layout, "horizon", pins)
    assert first.parent == tmp_path / "cache" and first.name.startswith("horizon-venv-")
    pins.write_text("# another pin\n")
    assert pinned_path(layout, "horizon", pins) != first
