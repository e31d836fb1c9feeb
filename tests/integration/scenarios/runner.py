"""A runner of declarative networking scenarios: YAML steps, then the state each
region's own Neutron must show.

A scenario file holds ``steps``; each step runs ``do`` (``openstack`` commands
against the central region, as the scenario's user, or as the admin after
``admin:``), then waits until every check of ``expect`` holds (they are polled:
xjob works asynchronously), or fails naming the check and what it saw.

``refused`` lists commands that must fail (``do``) with an error that says
``says``. A command ending in ``=> name`` is run with ``-f json`` and its answer kept as
``name``; ``{name.field.0.key}`` in later text is a path into a kept answer
(``{name}`` alone is its ``id``), ``{prefix}`` a name unique to the run and
``{net}`` a free 10.x.y prefix per run (``{net}.1.0/24``...), ``{v6}`` an IPv6
one (``{v6}::/64``).

Checks (each one is a mapping):

- ``router: <central id>, region: R`` with ``absent: true``, or with
  ``interfaces`` (subnet ids, ``bridge`` for the project's bridge subnet;
  ``<subnet id> at <address>`` for an interface at a port, off the gateway),
  ``routes`` ([destination, nexthop]; a nexthop ``bridge of R2`` is the bridge
  address of R2's bottom router) and ``gateway`` (external network id, or
  null): the bottom router named by the central id in R's Neutron. Each
  interface on a tenant subnet must sit at the gateway IP of R's copy of the
  subnet; a gateway must carry the central router's addresses and SNAT choice.
- ``stretched: <subnet id>, regions: [R1, R2]``: each region's copy has a
  gateway IP of its own, outside its pools, unlike central's.
- ``floatingip: <address>, region: R`` with ``fixed_ip: <address>`` or
  ``absent: true``: R's ``GET /floatingips?floating_ip_address=``.
- ``located: <id>``: ``openstack multiregion resource locate`` finds no routing.
- ``network: <id>, region: R, external: true|false``, ``name: <name>``, ``mtu``,
  or ``absent: true``: R's copy of a network, listed (a lookup by id would make
  the copy).
- ``subnet: <id>, region: R`` with any of ``host_routes`` ([destination,
  nexthop], in any order), ``dns_nameservers``, ``enable_dhcp``, ``gateway_ip``:
  R's copy of a subnet.
- ``shadow_of: <port id>, region: R`` (``absent: true``): R holds xjob's shadow
  of the port.

The runner only needs a way to run the CLI and each region's openstacksdk
network proxy, so an operator can point it at their own clouds.
"""

import dataclasses
import ipaddress
import json
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import yaml

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclasses.dataclass
class Clouds:
    """How the runner reaches the clouds."""

    cli: Callable[[list[str], str], str]       # (openstack args, user) -> stdout
    multiregion: Callable[[list[str]], tuple[int, str]]  # args -> (exit status, output)
    network: Callable[[str], object]           # region name -> admin sdk network proxy
    regions: tuple[str, ...]
    bridge_cidr: str = "100.0.0.0/9"
    timeout: float = 120.0
    user: str = "demo"


class CheckFailed(AssertionError):
    pass


class Runner:
    def __init__(self, clouds: Clouds) -> None:
        self.clouds = clouds
        self.kept: dict[str, object] = {"prefix": f"sc-{uuid.uuid4().hex[:6]}",
                                        "net": f"10.{uuid.uuid4().int % 150 + 100}",
                                        "v6": f"fd00:{uuid.uuid4().hex[:4]}"}
        self.log: list[str] = []

    def note(self, line: str) -> None:
        self.log.append(line)
        print(line, flush=True)  # progress, shown with the failure

    # --- text -----------------------------------------------------------------

    def resolve(self, text):
        if isinstance(text, list):
            return [self.resolve(item) for item in text]
        if isinstance(text, dict):
            return {self.resolve(key): self.resolve(value) for key, value in text.items()}
        if not isinstance(text, str):
            return text
        return PLACEHOLDER.sub(lambda match: str(self._lookup(match.group(1))), text)

    def _lookup(self, path: str):
        name, *keys = path.split(".")
        value = self.kept[name]
        if not keys and isinstance(value, dict):
            return value["id"]
        for key in keys:
            value = value[int(key)] if isinstance(value, list) else value[key]
        return value

    # --- steps ----------------------------------------------------------------

    def run_file(self, path: Path, cleanup: bool = True) -> None:
        scenario = yaml.safe_load(path.read_text())
        try:
            for step in scenario["steps"]:
                self.step(step)
        finally:
            if cleanup:
                for command in scenario.get("cleanup", []):
                    self.command(command, check=False)

    def step(self, step: dict) -> None:
        self.note(f"step: {step.get('title', '')}")
        for command in step.get("do", []):
            self.command(command)
        for refused in step.get("refused", []):
            self.refused(refused["do"], refused["says"])
        for check in step.get("expect", []):
            self.wait(self.resolve(check))

    def command(self, line: str, check: bool = True) -> None:
        user = self.clouds.user
        if line.startswith("admin:"):
            user, line = "admin", line.removeprefix("admin:").strip()
        line, _, keep = line.partition("=>")
        try:
            args = self.resolve(line).split()
        except KeyError:
            if check:
                raise
            return  # a clean-up naming what the run never made

        if keep.strip():
            args += ["-f", "json"]
        self.note(f"openstack {' '.join(args)} ({user})")
        try:
            out = self.clouds.cli(args, user)
        except AssertionError:
            if check:
                raise
            return
        if keep.strip():
            self.kept[keep.strip()] = json.loads(out)

    def refused(self, line: str, says: str) -> None:
        """``line`` must fail, its error saying ``says``."""
        args = self.resolve(line).split()
        try:
            self.clouds.cli(args, self.clouds.user)
        except AssertionError as exc:
            if self.resolve(says) not in str(exc):
                raise CheckFailed(f"openstack {' '.join(args)} failed without saying "
                                  f"{says!r}: {exc}") from None
            return
        raise CheckFailed(f"openstack {' '.join(args)} was accepted")

    def wait(self, check: dict) -> None:
        deadline = time.monotonic() + self.clouds.timeout
        while True:
            try:
                self.verify(check)
                return
            except CheckFailed as exc:
                if time.monotonic() > deadline:
                    raise CheckFailed(f"{check}: {exc}") from None
            time.sleep(2)

    # --- checks ---------------------------------------------------------------

    def verify(self, check: dict) -> None:
        for kind in ("router", "stretched", "floatingip", "located", "network", "subnet",
                     "shadow_of"):
            if kind in check:
                return getattr(self, f"_check_{kind}")(check)
        raise ValueError(f"unknown check {check}")

    def _bottom_router(self, region: str, router_id: str):
        found = list(self.clouds.network(region).routers(name=router_id))
        if len(found) > 1:
            raise CheckFailed(f"{len(found)} bottom routers of {router_id} in {region}")
        return found[0] if found else None

    def _interfaces(self, region: str, bottom) -> dict[str, str]:
        return {ip["subnet_id"]: ip["ip_address"]
                for port in self.clouds.network(region).ports(
                    device_id=bottom.id, device_owner="network:router_interface")
                for ip in port.fixed_ips}

    def _in_bridge(self, address: str) -> bool:
        return ipaddress.ip_address(address) in ipaddress.ip_network(self.clouds.bridge_cidr)

    def _bridge_of(self, region: str, router_id: str) -> str:
        bottom = self._bottom_router(region, router_id)
        if bottom is None:
            raise CheckFailed(f"no bottom router of {router_id} in {region}")
        found = [ip for ip in self._interfaces(region, bottom).values() if self._in_bridge(ip)]
        if len(found) != 1:
            raise CheckFailed(f"bottom router in {region} has bridge addresses {found}")
        return found[0]

    def _check_router(self, check: dict) -> None:
        region, router_id = check["region"], check["router"]
        bottom = self._bottom_router(region, router_id)
        if check.get("absent"):
            if bottom is not None:
                raise CheckFailed(f"{region} still has bottom router {bottom.id}")
            return
        if bottom is None:
            raise CheckFailed(f"{region} has no bottom router named {router_id}")
        interfaces = self._interfaces(region, bottom)
        network = self.clouds.network(region)
        if "interfaces" in check:
            at = dict(entry.split(" at ") if " at " in entry else (entry, None)
                      for entry in check["interfaces"])
            seen = {"bridge" if self._in_bridge(ip) else subnet
                    for subnet, ip in interfaces.items()}
            if seen != set(at):
                raise CheckFailed(f"interfaces on {sorted(seen)}, not {sorted(at)}")
            for subnet_id, address in interfaces.items():
                if self._in_bridge(address):
                    continue
                if at[subnet_id] is not None:
                    if address != at[subnet_id]:
                        raise CheckFailed(f"interface at {address} on {subnet_id}, not at "
                                          f"{at[subnet_id]}")
                    continue
                copy = network.get_subnet(subnet_id)
                if copy.gateway_ip != address:
                    raise CheckFailed(f"interface at {address} on {subnet_id}, whose "
                                      f"gateway in {region} is {copy.gateway_ip}")
        if "routes" in check:
            wanted = sorted((dest, self._nexthop(hop, router_id)) for dest, hop in check["routes"])
            current = sorted((r["destination"], r["nexthop"]) for r in bottom.routes or [])
            if current != wanted:
                raise CheckFailed(f"routes {current}, not {wanted}")
        if "gateway" in check:
            self._check_gateway(bottom, check)

    def _nexthop(self, hop: str, router_id: str) -> str:
        if hop.startswith("bridge of "):
            return self._bridge_of(hop.removeprefix("bridge of ").strip(), router_id)
        return hop

    def _check_gateway(self, bottom, check: dict) -> None:
        gateway = bottom.external_gateway_info or {}
        if check["gateway"] is None:
            if gateway:
                raise CheckFailed(f"bottom router has gateway {gateway}")
            return
        central = self.kept["central_router"] = json.loads(self.clouds.cli(
            ["router", "show", check["router"], "-f", "json"], "admin"))
        top = central["external_gateway_info"] or {}
        def addresses(info):
            return sorted(ip["ip_address"] for ip in info.get("external_fixed_ips") or [])
        if gateway.get("network_id") != check["gateway"] or addresses(gateway) != addresses(top):
            raise CheckFailed(f"gateway {gateway}, central's {top}")
        if gateway.get("enable_snat") != top.get("enable_snat"):
            raise CheckFailed(f"SNAT {gateway.get('enable_snat')}, central's "
                              f"{top.get('enable_snat')}")

    def _check_stretched(self, check: dict) -> None:
        subnet_id = check["stretched"]
        central = json.loads(self.clouds.cli(["subnet", "show", subnet_id, "-f", "json"],
                                             "admin"))
        gateways = {}
        for region in check["regions"]:
            found = list(self.clouds.network(region).subnets(id=subnet_id))
            if not found:
                raise CheckFailed(f"{region} has no copy of subnet {subnet_id}")
            copy = found[0]
            address = ipaddress.ip_address(copy.gateway_ip)
            for pool in copy.allocation_pools:
                if ipaddress.ip_address(pool["start"]) <= address <= \
                        ipaddress.ip_address(pool["end"]):
                    raise CheckFailed(f"{region}'s gateway {address} is inside its pool {pool}")
            gateways[region] = copy.gateway_ip
        if len(set(gateways.values())) != len(gateways) or \
                central["gateway_ip"] in gateways.values():
            raise CheckFailed(f"gateways {gateways}, central's {central['gateway_ip']}")

    def _check_floatingip(self, check: dict) -> None:
        found = list(self.clouds.network(check["region"]).ips(
            floating_ip_address=check["floatingip"]))
        if check.get("absent"):
            if found:
                raise CheckFailed(f"{check['region']} still has {check['floatingip']}")
            return
        if len(found) != 1 or found[0].fixed_ip_address != check["fixed_ip"] \
                or not found[0].port_id:
            raise CheckFailed(f"floating IPs {[(f.fixed_ip_address, f.port_id) for f in found]}")

    def _check_located(self, check: dict) -> None:
        # `resource locate` finding nothing is an error saying so (scripts test for it).
        status, output = self.clouds.multiregion(["resource", "locate", check["located"]])
        if status == 0 or "No routing has" not in output:
            raise CheckFailed(f"routings left: {output}")

    def _check_network(self, check: dict) -> None:
        listed = [net for net in self.clouds.network(check["region"]).networks()
                  if net.id == check["network"]]
        if check.get("absent"):
            if listed:
                raise CheckFailed(f"{check['region']} still holds network {check['network']}")
            return
        if not listed:
            raise CheckFailed(f"{check['region']} holds no copy of {check['network']}")
        if "external" in check and listed[0].is_router_external != check["external"]:
            raise CheckFailed(f"router:external is {listed[0].is_router_external}")
        for key, attribute in (("name", "name"), ("mtu", "mtu")):
            if key in check and getattr(listed[0], attribute) != check[key]:
                raise CheckFailed(f"{key} is {getattr(listed[0], attribute)!r}")

    def _check_subnet(self, check: dict) -> None:
        found = list(self.clouds.network(check["region"]).subnets(id=check["subnet"]))
        if not found:
            raise CheckFailed(f"{check['region']} has no copy of subnet {check['subnet']}")
        copy = found[0]
        if "host_routes" in check:
            current = sorted((r["destination"], r["nexthop"]) for r in copy.host_routes or [])
            wanted = sorted((dest, hop) for dest, hop in check["host_routes"])
            if current != wanted:
                raise CheckFailed(f"host routes {current}, not {wanted}")
        for key, attribute in (("dns_nameservers", "dns_nameservers"),
                               ("enable_dhcp", "is_dhcp_enabled"),
                               ("gateway_ip", "gateway_ip")):
            if key in check and getattr(copy, attribute) != check[key]:
                raise CheckFailed(f"{key} is {getattr(copy, attribute)!r}")

    def _check_shadow_of(self, check: dict) -> None:
        shadows = [port for port in self.clouds.network(check["region"]).ports(
                       device_owner="compute:shadow")
                   if (port.binding_profile or {}).get("shadow_of") == check["shadow_of"]]
        if check.get("absent"):
            if shadows:
                raise CheckFailed(f"{check['region']} still shadows {check['shadow_of']}")
        elif len(shadows) != 1:
            raise CheckFailed(f"{len(shadows)} shadows of {check['shadow_of']} in "
                              f"{check['region']}")
