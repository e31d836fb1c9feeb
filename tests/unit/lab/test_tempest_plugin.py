"""The lab's tempest.conf and the tempest plugin agree: every [tricircle] option the lab
writes is one the plugin defines, and tempest can find the plugin by its entry point."""

import importlib.util
import tomllib
from pathlib import Path

from tricircle.lab import tempest
from tricircle.lab.layout import CENTRAL_REGION, REGIONS

ROOT = Path(__file__).resolve().parents[3]
PLUGIN = ROOT / "tempest_plugin"


def _plugin_config():
    # The plugin's options module needs only oslo.config (no tempest in .venv).
    path = PLUGIN / "tricircle_tempest_plugin" / "config.py"
    spec = importlib.util.spec_from_file_location("tricircle_tempest_plugin_config", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _facts() -> tempest.Facts:
    return tempest.Facts(side="central", region=CENTRAL_REGION, placement_region="RegionOne",
                         keystone_url="http://127.0.0.1:5000/v3", admin_password="pw",
                         image_ref="i", image_ref_alt="i2", flavor_ref="1", flavor_ref_alt="12",
                         public_network_id="n", public_network_name="public",
                         network_extensions=(), workspace=Path("/tmp/w"))


def test_every_tricircle_option_the_lab_writes_is_a_plugin_option():
    config = _plugin_config()
    sections = tempest.conf_sections(_facts())
    names = {option.name for option in config.tricircle_opts}
    assert set(sections["tricircle"]) <= names
    assert sections["service_available"]["tricircle"] == "true"
    assert config.service_option.name == "tricircle"


def test_the_lab_names_every_region_with_its_zone():
    regions = tempest.conf_sections(_facts())["tricircle"]["regions"]
    zones = dict(pair.split(":") for pair in regions.split(","))
    assert zones == {region.az: region.name for region in REGIONS}


def test_tempest_finds_the_plugin_by_its_entry_point():
    pyproject = tomllib.loads((PLUGIN / "pyproject.toml").read_text())
    target = pyproject["project"]["entry-points"]["tempest.test_plugins"]["tricircle"]
    module, _, name = target.partition(":")
    source = (PLUGIN / (module.replace(".", "/") + ".py")).read_text()
    assert f"class {name}(" in source


def test_the_plugin_has_tests_of_the_admin_api_the_gateway_and_networking():
    tests = {path.stem for path in (PLUGIN / "tricircle_tempest_plugin/tests/api").glob(
        "test_*.py")}
    assert {"test_admin_api", "test_gateway", "test_networking"} <= tests
