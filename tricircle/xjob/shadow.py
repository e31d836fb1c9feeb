"""Shadow ports and shadow agents: L2 population across the regions' Neutrons.

A VM port bound in region X on a network that spans regions must be known in
every other region Y holding that network, or Y's L2 population never builds
a tunnel to X. A *shadow port* in Y is a port with the real port's MAC and IPs,
``device_owner`` ``compute:shadow``, bound to the real port's host; its
``binding:profile`` names the port it mirrors, the region, and the tunnel IP
of that host. The host and tunnel IP are also recorded in ``shadow_agents``.

``setup(pod_id, network_id)`` reconciles rather than only creates: for every
other pod holding the network (a routing of the network names the pod: the
local plugin records one per bottom network) it makes the shadows of pod_id's
VM ports match those ports (create missing, drop stale), and the shadows in pod_id of the
other pods' VM ports too, so a region the network reaches late gets the
shadows of ports bound before. One job type therefore serves binding, unbinding
and deletion, and running it twice, or two of them at once, is harmless:
Neutron refuses a second port with the same MAC on a network (409), which a
run counts as "already shadowed".

A host's shadow agent is forgotten by the next run for its pod once the
host holds no VM port any more.

The tunnel IP of a host comes from, in order: the real port's
``binding:profile["tunnel_ip"]`` (a mechanism driver that knows it may record
it), ``[xjob] tunnel_ips`` (region -> IP), or the address of the region's
Neutron endpoint (an agent-less lab: every region runs on one host).
"""

import socket
import urllib.parse

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_utils import uuidutils
from sqlalchemy.orm import Session

from tricircle.common import constants
from tricircle.common.config import CONF
from tricircle.common.neutron import RemoteConflict
from tricircle.db import api as db_api
from tricircle.db import models
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import conf as _conf  # noqa: F401  (registers [xjob] tunnel_ips)
from tricircle.xjob import regions

LOG = logging.getLogger(__name__)

AGENT_TYPE = "Open vSwitch agent"
HOST = "binding:host_id"
PROFILE = "binding:profile"

# --- pure helpers ---------------------------------------------------------------

def is_shadow(port: dict) -> bool:
    return port.get("device_owner") == constants.DEVICE_OWNER_SHADOW


def vm_ports(ports: list[dict]) -> list[dict]:
    """The bound VM ports among ``ports`` (shadows of other regions excluded)."""
    return [port for port in ports
            if (port.get("device_owner") or "").startswith("compute:")
            and not is_shadow(port) and port.get(HOST)]


def shadowed_by(shadows: list[dict], region_name: str) -> dict[str, dict]:
    """Shadows that mirror ports of ``region_name``, by the id of the real port."""
    result = {}
    for shadow in shadows:
        profile = shadow.get(PROFILE) or {}
        if profile.get("shadow_region") == region_name and profile.get("shadow_of"):
            result[profile["shadow_of"]] = shadow
    return result


def matches(shadow: dict, port: dict) -> bool:
    return (shadow.get("mac_address") == port["mac_address"]
            and shadow.get(HOST) == port[HOST]
            and _ips(shadow) == _ips(port))


def _ips(port: dict) -> set[str]:
    return {ip["ip_address"] for ip in port.get("fixed_ips", [])}


def shadow_body(port: dict, region_name: str, tunnel_ip: str) -> dict:
    """The shadow of ``port`` (living in ``region_name``) for another region."""
    return {
        "network_id": port["network_id"],
        "project_id": port["project_id"],
        "name": f"shadow_{port['id']}",
        "mac_address": port["mac_address"],
        "fixed_ips": [{"subnet_id": ip["subnet_id"], "ip_address": ip["ip_address"]}
                      for ip in port.get("fixed_ips", [])],
        "device_owner": constants.DEVICE_OWNER_SHADOW,
        "device_id": port["id"],
        HOST: port[HOST],
        PROFILE: {"shadow_of": port["id"], "shadow_region": region_name,
                  "tunnel_ip": tunnel_ip, "agent_type": AGENT_TYPE},
    }


def tunnel_ip(port: dict, region_name: str, endpoint: str) -> str:
    """Where ``port``'s host ends its tunnels; see the module docstring."""
    recorded = (port.get(PROFILE) or {}).get("tunnel_ip")
    if recorded:
        return recorded
    if region_name in CONF.xjob.tunnel_ips:
        return CONF.xjob.tunnel_ips[region_name]
    return socket.gethostbyname(urllib.parse.urlsplit(endpoint).hostname or "localhost")


# --- shadow_agents ----------------------------------------------------------------

@db_api.writer
def _save_agent(session: Session, pod_id: str, host: str, ip: str) -> None:
    agent = session.scalar(sa.select(models.ShadowAgent).where(
        models.ShadowAgent.host == host, models.ShadowAgent.type == AGENT_TYPE))
    if agent is None:
        session.add(models.ShadowAgent(id=uuidutils.generate_uuid(), pod_id=pod_id,
                                       host=host, type=AGENT_TYPE, tunnel_ip=ip))
    else:
        agent.pod_id, agent.tunnel_ip = pod_id, ip


@db_api.reader
def _agents_of(session: Session, pod_id: str) -> list[tuple[str, str]]:
    return [(row.id, row.host) for row in session.execute(
        sa.select(models.ShadowAgent.id, models.ShadowAgent.host)
        .where(models.ShadowAgent.pod_id == pod_id))]


@db_api.writer
def _forget_agent(session: Session, agent_id: str) -> None:
    session.execute(sa.delete(models.ShadowAgent).where(models.ShadowAgent.id == agent_id))


def record_agent(pod_id: str, host: str, ip: str) -> None:
    """Upsert the shadow agent of ``host``; a concurrent insert of the same one wins."""
    try:
        _save_agent(pod_id, host, ip)
    except db_exc.DBDuplicateEntry:
        _save_agent(pod_id, host, ip)


# --- the regions ------------------------------------------------------------------

def _ports(region: pod_obj.Region, network_id: str, **filters: str) -> list[dict]:
    return regions.neutron(region.pod_id).find("port", network_id=network_id, **filters)


def _shadows_in(region: pod_obj.Region, network_id: str, mirrored_region: str) -> dict[str, dict]:
    return shadowed_by(_ports(region, network_id, device_owner=constants.DEVICE_OWNER_SHADOW),
                       mirrored_region)


def _create_shadow(dst: pod_obj.Region, body: dict) -> None:
    try:
        regions.neutron(dst.pod_id).create("port", body)
    except RemoteConflict:
        # MAC or IP taken: fine if a concurrent run made this very shadow.
        if body["device_id"] not in _shadows_in(dst, body["network_id"],
                                                body[PROFILE]["shadow_region"]):
            raise
    LOG.info("shadow of port %s created in pod %s", body["device_id"], dst.pod_id)


def sync(src: pod_obj.Region, dst: pod_obj.Region, network_id: str, ports: list[dict]) -> None:
    """Make ``dst``'s shadows of ``src``'s ports on the network match ``ports``."""
    shadows = _shadows_in(dst, network_id, src.region_name)
    wanted = {port["id"]: port for port in ports}
    for port_id, shadow in shadows.items():
        if port_id not in wanted or not matches(shadow, wanted[port_id]):
            regions.neutron(dst.pod_id).delete("port", shadow["id"])
            LOG.info("stale shadow of port %s removed from pod %s", port_id, dst.pod_id)
    endpoint = regions.neutron(src.pod_id).endpoint
    for port_id, port in wanted.items():
        if port_id in shadows and matches(shadows[port_id], port):
            continue
        ip = tunnel_ip(port, src.region_name, endpoint)
        record_agent(src.pod_id, port[HOST], ip)
        _create_shadow(dst, shadow_body(port, src.region_name, ip))


def prune_agents(region: pod_obj.Region) -> None:
    """Forget the shadow agents of ``region``'s hosts that hold no VM port any more.

    A run that shadows a port on such a host later records the agent again.
    """
    for agent_id, host in _agents_of(region.pod_id):
        if not vm_ports(regions.neutron(region.pod_id).find("port", **{HOST: host})):
            _forget_agent(agent_id)
            LOG.info("shadow agent of host %s in pod %s forgotten: no VM port left",
                     host, region.pod_id)


def setup(pod_id: str, network_id: str) -> None:
    """Reconcile the shadows between pod ``pod_id`` and every other pod with the network."""
    pods = pod_obj.regional()
    src = next((pod for pod in pods if pod.pod_id == pod_id), None)
    if src is None:
        LOG.info("pod %s is gone or central: no shadows to set up", pod_id)
        return
    # The pods holding the network by their routings, never by asking each region:
    # a region's local plugin answers a lookup of a central network by making a
    # bottom network, which would stretch it everywhere.
    holders = routing.pods_holding("network", network_id)
    here = src.pod_id in holders
    own = vm_ports(_ports(src, network_id)) if here else []
    for dst in pods:
        if dst.pod_id == src.pod_id or dst.pod_id not in holders:
            continue
        sync(src, dst, network_id, own)
        if here:
            sync(dst, src, network_id, vm_ports(_ports(dst, network_id)))
    prune_agents(src)
