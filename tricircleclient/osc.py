"""OpenStackClient plugin hooks: ``openstack multiregion ...`` commands use this client.

OSC finds this module through the ``openstack.cli.extension`` entry point and
the commands through ``openstack.multiregion_networking.v1``.
"""

import argparse
import logging
from typing import Any

from osc_lib import utils

LOG = logging.getLogger(__name__)

API_NAME = "multiregion_networking"
API_VERSION_OPTION = "os_multiregion_networking_api_version"
DEFAULT_API_VERSION = "1"
API_VERSIONS = ("1",)


def make_client(instance: Any) -> Any:
    """A ``tricircleclient.client.Client`` on OSC's authenticated session."""
    # Imported here so that merely listing OSC's plugins stays cheap.
    from tricircleclient import client

    version = instance._api_version[API_NAME]
    LOG.debug("Instantiating tricircle client, API version %s", version)
    return client.Client(session=instance.session, region_name=instance.region_name,
                         interface=instance.interface, api_version=version,
                         endpoint_override=_endpoint_override(instance))


def _endpoint_override(instance: Any) -> str | None:
    # OSC keeps the plugin's global options (without the os_ prefix) in the
    # cloud config, whether given on the command line, in env or clouds.yaml.
    config = getattr(getattr(instance, "_cli_options", None), "config", None) or {}
    return config.get("multiregion_networking_url") or None


def build_option_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the plugin's global options to ``openstack``."""
    parser.add_argument(
        "--os-multiregion-networking-api-version",
        metavar="<multiregion-networking-api-version>",
        default=utils.env("OS_MULTIREGION_NETWORKING_API_VERSION",
                          default=DEFAULT_API_VERSION),
        help=f"Tricircle admin API version, default={DEFAULT_API_VERSION} "
             "(Env: OS_MULTIREGION_NETWORKING_API_VERSION)")
    parser.add_argument(
        "--os-multiregion-networking-url",
        metavar="<url>",
        default=utils.env("OS_MULTIREGION_NETWORKING_URL"),
        help="Tricircle admin API URL, instead of the catalog's 'tricircle' endpoint "
             "(Env: OS_MULTIREGION_NETWORKING_URL)")
    return parser
