"""The local plugin's ports whose addresses central allocated: a stale copy that
still holds one of them gives it up.

Central deletes a port at once and its copies in the regions later (xjob's
``bottom_delete``), and may meanwhile give the freed address to a new port.
Central IPAM owns every address of a central network, so a port here holding
an address central has just given out is such a stale copy, unless central
still has that port with that address (a real clash, still refused).
"""

from collections.abc import Callable, Iterable

from neutron.ipam import exceptions as ipam_exc
from neutron_lib import exceptions as n_exc
from oslo_log import log as logging

from tricircle.network import bottom, helper

LOG = logging.getLogger(__name__)
# What ML2 answers when an address given to a new port is held by another port here.
ADDRESS_TAKEN = (ipam_exc.IpAddressAlreadyAllocated, n_exc.IpAddressInUse)


def _addresses(fixed_ips: Iterable[dict]) -> set[tuple[str, str]]:
    """(subnet id, IP) of each fixed IP that names both."""
    return {(ip["subnet_id"], ip["ip_address"]) for ip in fixed_ips
            if "subnet_id" in ip and "ip_address" in ip}


class StaleAddressMixin:
    """Port creates of the local plugin that free central's addresses from stale
    copies, in front of ML2.

    The plugin class it is mixed into (before ML2) provides ``_admin()``.
    """

    def _create_addressed_port(self, create: Callable[[], dict], body: dict) -> dict:
        """``create()`` of port ``body``, whose addresses central allocated, once more
        if a stale copy here held one of them."""
        try:
            return create()
        except ADDRESS_TAKEN:
            if not self._stale_holders_removed(body):
                raise
            return create()

    def _stale_holders_removed(self, body: dict) -> bool:
        """Delete the ports here, other than ``body``'s, that hold its addresses and
        are no longer central's ports with those addresses; whether any went."""
        wanted = _addresses(body.get("fixed_ips") or [])
        if not wanted:
            return False
        holders = super().get_ports(self._admin(), {
            "network_id": [body["network_id"]],
            "fixed_ips": {"ip_address": sorted({ip for _, ip in wanted})}})
        removed = False
        for holder in holders:
            held = _addresses(holder["fixed_ips"]) & wanted
            if holder["id"] == body.get("id") or not held or self._central_holds(holder, held):
                continue
            LOG.warning("Port %s here is a stale copy holding %s, which central gave to "
                        "port %s: deleted", holder["id"], sorted(ip for _, ip in held),
                        body.get("id"))
            try:
                super().delete_port(self._admin(), holder["id"], l3_port_check=False)
            except n_exc.PortNotFound:
                pass  # xjob's bottom_delete removed it meanwhile
            removed = True
        return removed

    @staticmethod
    def _central_holds(port: dict, addresses: set[tuple[str, str]]) -> bool:
        """Whether central still has ``port`` with one of ``addresses`` (a shadow is
        compared by the real port it stands in for)."""
        central_id = port["id"]
        if bottom.is_shadow(port):
            central_id = (port.get(bottom.PROFILE) or {}).get("shadow_of") or central_id
        top = helper.central().get("port", central_id)
        return top is not None and bool(addresses & _addresses(top.get("fixed_ips") or []))
