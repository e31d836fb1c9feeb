"""The OSC plugin hooks: global options and the client built from OSC's session."""

import argparse
from types import SimpleNamespace

from keystoneauth1 import session as ks_session

from tricircleclient import catalog, client, osc


def _instance(config=None):
    return SimpleNamespace(_api_version={"multiregion_networking": "1"},
                           session=ks_session.Session(), region_name="CentralRegion",
                           interface="public",
                           _cli_options=SimpleNamespace(config=config or {}))


def test_plugin_constants_name_the_api_and_its_version_option():
    assert osc.API_NAME == "multiregion_networking"
    assert osc.API_VERSION_OPTION == "os_multiregion_networking_api_version"
    assert osc.DEFAULT_API_VERSION == "1" and "1" in osc.API_VERSIONS


def test_make_client_uses_osc_session_and_region():
    instance = _instance()
    tricircle = osc.make_client(instance)
    assert isinstance(tricircle, client.Client)
    assert tricircle.session is instance.session
    assert tricircle.http.adapter.region_name == "CentralRegion"
    assert tricircle.http.adapter.service_type == catalog.ADMIN_SERVICE_TYPE
    assert tricircle.http.adapter.endpoint_override is None


def test_make_client_honours_the_url_option():
    tricircle = osc.make_client(_instance({"multiregion_networking_url": "http://h:1"}))
    assert tricircle.http.base_url == "http://h:1/v1.0"


def test_version_option_defaults_to_1_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("OS_MULTIREGION_NETWORKING_API_VERSION", raising=False)
    args = osc.build_option_parser(argparse.ArgumentParser()).parse_args([])
    assert args.os_multiregion_networking_api_version == "1"
    monkeypatch.setenv("OS_MULTIREGION_NETWORKING_API_VERSION", "7")
    monkeypatch.setenv("OS_MULTIREGION_NETWORKING_URL", "http://h:2")
    args = osc.build_option_parser(argparse.ArgumentParser()).parse_args([])
    assert args.os_multiregion_networking_api_version == "7"
    assert args.os_multiregion_networking_url == "http://h:2"
    args = osc.build_option_parser(argparse.ArgumentParser()).parse_args(
        ["--os-multiregion-networking-api-version", "1"])
    assert args.os_multiregion_networking_api_version == "1"
