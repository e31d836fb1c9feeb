"""The binding a region made of a port, as its top port in central Neutron records it.

A port is bound where its VM runs: Nova binds the bottom port in its region's
Neutron, whose mechanism drivers (Open vSwitch, OVN, ...) program the host.
Central Neutron only records that binding, so its ``port show`` tells what
the region made. The region's local plugin reports it in the top port's
``binding:profile``, under ``region_binding``, with the host it is for::

    {"region": "RegionOne", "region_binding": {"host": "compute-1",
     "vif_type": "ovs", "vif_details": {"port_filter": true, ...}}}

and central's mechanism driver (tricircle.network.mech_driver) binds the
top port with exactly that VIF type and those details. A report made for
another host than the one central binds for (stale: the port moved) is
never used. Pure functions: no Neutron import.
"""

from collections.abc import Mapping

PROFILE = "binding:profile"
HOST = "binding:host_id"
VIF_TYPE = "binding:vif_type"
VIF_DETAILS = "binding:vif_details"
REPORT_KEY = "region_binding"
# Neutron's words for "no binding" (neutron_lib's portbindings constants).
NOT_BOUND = ("unbound", "binding_failed")


def report(bottom_port: Mapping) -> dict | None:
    """What central should record of ``bottom_port``'s binding in its region, or
    None while the region has no binding of it (no host, or none of its
    drivers could bind it)."""
    host, vif_type = bottom_port.get(HOST), bottom_port.get(VIF_TYPE)
    if not host or not vif_type or vif_type in NOT_BOUND:
        return None
    return {"host": host, "vif_type": vif_type,
            "vif_details": dict(bottom_port.get(VIF_DETAILS) or {})}


def with_report(profile: Mapping | None, binding: Mapping | None) -> dict:
    """``profile`` with ``binding`` as the region's report (without any when None)."""
    result = {key: value for key, value in (profile or {}).items() if key != REPORT_KEY}
    if binding is not None:
        result[REPORT_KEY] = dict(binding)
    return result


def reported(profile: Mapping | None, host: str | None) -> tuple[str, dict] | None:
    """(VIF type, VIF details) the region reported for ``host``, or None when it
    reported none for that host (not bound there yet, or bound elsewhere since)."""
    binding = (profile or {}).get(REPORT_KEY)
    if not isinstance(binding, Mapping) or not host or binding.get("host") != host:
        return None
    vif_type = binding.get("vif_type")
    if not isinstance(vif_type, str) or not vif_type or vif_type in NOT_BOUND:
        return None
    details = binding.get("vif_details")
    return vif_type, dict(details) if isinstance(details, Mapping) else {}
