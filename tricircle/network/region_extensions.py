"""Which API extensions each region's Neutron offers, as central Neutron knows them.

Central Neutron's QoS, trunk and SFC plugins refuse a request that needs an
extension the concerned region lacks (a 400 naming the region and the
extension) instead of letting its job fail later. Central must not call a
region inside a request (doc/networking.md, "Who calls whom"), so the answer
comes from what a background thread of the plugin learnt: every
``REFRESH`` seconds it asks each region's Neutron for ``GET /extensions``.
A region not asked yet, or that did not answer, is not refused here; its job
then fails with the same sentence (tricircle.xjob.qos.require_extension).
"""

import threading
import time

from neutron_lib import exceptions as n_exc
from oslo_log import log as logging

from tricircle.common.neutron import RemoteError
from tricircle.network import helper

LOG = logging.getLogger(__name__)

REFRESH = 60.0

_known: dict[str, frozenset[str]] = {}
_started = threading.Event()


def refresh() -> None:
    """Ask every region's Neutron for its extensions once."""
    try:
        regions = helper.network_regions()
    except RemoteError as exc:
        LOG.warning("Regions' extensions not refreshed: %s", exc)
        return
    for region in regions:
        try:
            answer = helper.neutron(region).request("GET", "extensions")
        except RemoteError as exc:
            LOG.warning("Extensions of %s not refreshed: %s", region, exc)
            continue
        _known[region] = frozenset(ext["alias"] for ext in answer.get("extensions", []))


def _loop() -> None:
    while True:
        try:
            refresh()
        except Exception:  # noqa: BLE001  (the thread must outlive any one failure)
            LOG.exception("Regions' extensions not refreshed")
        time.sleep(REFRESH)


def start() -> None:
    """Start the refreshing thread of this process, once."""
    if not _started.is_set():
        _started.set()
        threading.Thread(target=_loop, name="tricircle-region-extensions",
                         daemon=True).start()


def require(regions: set[str | None], aliases: tuple[str, ...], what: str) -> None:
    """400 naming the first of ``regions`` known to lack one of ``aliases``."""
    for region in sorted(region for region in regions if region):
        known = _known.get(region)
        for alias in aliases:
            if known is not None and alias not in known:
                raise n_exc.BadRequest(resource=alias, msg=(
                    f"{region} Neutron has no {alias!r} extension: {what} cannot be made "
                    "there"))


def port_regions(port_ids: set[str]) -> set[str | None]:
    """The regions holding copies of central ports ``port_ids`` (their routings; the
    admin API answers from its database)."""
    found: set[str | None] = set()
    for port_id in sorted(port_ids):
        try:
            found |= {r["region_name"] for r in helper.routings(port_id, "port")}
        except RemoteError as exc:
            LOG.warning("Regions of port %s unknown: not checked for extensions: %s",
                        port_id, exc)
    return found
