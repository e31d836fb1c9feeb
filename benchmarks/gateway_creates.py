"""Creates through the gateway and directly to RegionOne, for benchmarks/gateway.py:
with central quota on (``--creates N``), and POST /servers with each input
that ties a server to a region (``--placement N``).

Every input but the server group names something in RegionOne, so both sides
make the same server in the same region: an availability zone alone, a volume attached at boot, a
port made in RegionOne's Neutron, a central network hinted to RegionOne's AZ,
a server group (each side's made through its own root: the gateway makes its
group in demo's bound region, else the default one, and the direct side then
makes its group and boots in that region). The port and the network belong to a central
network made for the run (``bench-place-net``, availability_zone_hints: az1):
the lab's own demo-net-r1 is RegionOne's alone, and a port on it has no
routing, so the gateway would send that server wherever demo's binding
points. What differs is what the gateway looks up first (the volume's routing
or Cinder, the port's routing, the group's routing; the network only when
``[gateway] place_by_network_hints`` is on, which the lab leaves off, so the
network input is refused there: ``--own-api --set
gateway.place_by_network_hints=true`` measures it). Gateway and direct
creates take turns; everything made is deleted after each input.
"""

import time

from tricircle.lab import catalog
from tricircle.lab.infra import passwords
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout

GROUP_MEMBERS = 10  # Nova's default server_group_members quota
# Microversion 2.37: `networks: none` and the server group's `policies` list.
HEADERS = {"OpenStack-API-Version": "compute 2.37", "X-OpenStack-Nova-API-Version": "2.37"}
PREFIX = "bench-place-"
# Seconds after each create with central quota: long enough for the gateway's
# settle thread (one /limits call to the region, 60-110 ms at p50 in the lab) to
# be done before the next create, so the direct create does not pay for it.
CREATE_PAUSE = 0.3


class PlacementCreates:
    """The five inputs of one run; ``bench`` is benchmarks/gateway.py's Bench."""

    def __init__(self, bench, count: int) -> None:
        self.bench, self.count = bench, count
        self.region = REGIONS[0]
        self.image = bench._image()
        self.central = catalog.connect("demo", "demo", passwords(Layout.default())["demo"],
                                       CENTRAL_REGION).network
        self.network = self._central_network()
        self.roots = {"gateway": f"{bench.gateway}/compute/v2.1",
                      "direct": bench.nova[self.region.name]}

    def _central_network(self):
        """A central network of demo hinted to RegionOne's AZ, made afresh."""
        for stale in self.central.networks(name=f"{PREFIX}net"):
            self.central.delete_network(stale, ignore_missing=True)
        network = self.central.create_network(name=f"{PREFIX}net",
                                              availability_zone_hints=[self.region.az])
        self.central.create_subnet(network_id=network.id, name=f"{PREFIX}subnet",
                                   ip_version=4, cidr="10.251.0.0/24")
        return network

    def _server(self, name: str, **extra) -> dict:
        server = {"name": name, "flavorRef": "1", "imageRef": self.image,
                  "networks": "none", **extra}
        return {"server": server}

    def _az(self, label: str, i: int) -> dict:
        return self._server(f"{PREFIX}{label}-{i}", availability_zone=self.region.az)

    def _volumes(self) -> dict[str, list[str]]:
        storage, made = self.bench.demo.block_storage, {}
        for label in self.roots:
            made[label] = [storage.create_volume(
                size=1, name=f"{PREFIX}{label}-{i}",
                availability_zone=self.region.az).id for i in range(self.count + 1)]
        self.bench._wait_available(made["gateway"] + made["direct"])
        return made

    def _ports(self) -> dict[str, list[str]]:
        network = self.bench.demo.network  # RegionOne's Neutron
        return {label: [network.create_port(network_id=self.network.id,
                                            name=f"{PREFIX}{label}-{i}").id
                        for i in range(self.count + 1)] for label in self.roots}

    def _group(self, root: str) -> str:
        response = self.bench.http.post(
            f"{root}/os-server-groups", headers=HEADERS,
            json={"server_group": {"name": f"{PREFIX}group", "policies": ["affinity"]}})
        if response.status_code != 200:
            raise SystemExit(f"server group: {response.status_code} {response.text[:300]}")
        return response.json()["server_group"]["id"]

    def bodies(self):
        """(input name, body(label, i), cleanup, roots) of each input, made lazily."""
        yield "availability zone", self._az, None, self.roots
        volumes = self._volumes()
        yield "volume (attached at boot)", lambda label, i: self._server(
            f"{PREFIX}{label}-{i}", block_device_mapping_v2=[
                {"boot_index": 0, "uuid": self.image, "source_type": "image",
                 "destination_type": "local"},
                {"boot_index": -1, "uuid": volumes[label][i], "source_type": "volume",
                 "destination_type": "volume"}]), lambda: self._delete_volumes(volumes), \
            self.roots
        ports = self._ports()
        yield "port (made in RegionOne's Neutron)", lambda label, i: self._server(
            f"{PREFIX}{label}-{i}", networks=[{"port": ports[label][i]}]), None, self.roots
        yield "network (hinted to RegionOne's AZ)", lambda label, i: self._server(
            f"{PREFIX}{label}-{i}", networks=[{"uuid": self.network.id}]), None, self.roots
        # A group per GROUP_MEMBERS creates: Nova's server_group_members quota (10)
        # bounds a group, its server_groups quota (10) the groups of the project.
        groups: dict[str, list[str]] = {label: [] for label in self.roots}
        needed = -(-(self.count + 1) // GROUP_MEMBERS)

        # The gateway makes a group in demo's bound region (else the default one):
        # the direct side makes its groups, and boots, in that same region.
        roots = dict(self.roots)

        def delete_groups() -> None:
            for region in REGIONS:
                compute = self.bench._compute(region.name)
                for made in groups.values():
                    for group in made:
                        compute.delete_server_group(group, ignore_missing=True)

        try:
            groups["gateway"].extend(self._group(roots["gateway"]) for _ in range(needed))
            roots["direct"] = self.bench.nova[self._region_of_group(groups["gateway"][0])]
            groups["direct"].extend(self._group(roots["direct"]) for _ in range(needed))
        except SystemExit as exc:  # e.g. Nova's server_groups quota (10 per project)
            delete_groups()  # none left behind to fill the project's quota
            print(f"POST /servers, server group (hint): not measured: {exc}")
            return

        def grouped(label: str, i: int) -> dict:
            hints = {"os:scheduler_hints": {"group": groups[label][i // GROUP_MEMBERS]}}
            return dict(self._server(f"{PREFIX}{label}-{i}"), **hints)

        yield "server group (hint)", grouped, delete_groups, roots

    def _region_of_group(self, group_id: str) -> str:
        """The region whose Nova shows the server group."""
        for region in REGIONS:
            shown = self.bench.http.get(f"{self.bench.nova[region.name]}/os-server-groups/"
                                        f"{group_id}", headers=HEADERS)
            if shown.status_code == 200:
                return region.name
        raise SystemExit(f"server group {group_id} is in no region")

    def run(self, report) -> None:
        try:
            self._run(report)
        finally:
            self.central.delete_network(self.network, ignore_missing=True)

    def _run(self, report) -> None:
        for name, body, cleanup, roots in self.bodies():
            try:
                # The lab runs central quota: pause as the quota creates do, so no
                # create waits for, or shares the region with, the last one's settle.
                self.bench._alternate(roots, "/servers", "server", body, 1, HEADERS,
                                      CREATE_PAUSE)
                def after_warm(label: str, i: int, body=body) -> dict:
                    return body(label, i + 1)  # the warm-up took each side's first input

                samples, _ = self.bench._alternate(roots, "/servers", "server",
                                                   after_warm, self.count, HEADERS,
                                                   CREATE_PAUSE)
                report(f"POST /servers, {name}", samples["gateway"], samples["direct"], 1.10)
            except SystemExit as exc:  # one input refused: say so, measure the others
                print(f"POST /servers, {name}: not measured: {exc}")
            finally:
                self._delete_servers()
                if cleanup is not None:
                    cleanup()

    def _delete_servers(self) -> None:
        """What an input made, in every region: a create the gateway placed
        elsewhere than RegionOne must not stay behind to fill demo's quota."""
        for region in REGIONS:
            compute = self.bench._compute(region.name)
            made = [s for s in compute.servers() if s.name.startswith(PREFIX)]
            for server in made:
                compute.delete_server(server, ignore_missing=True)
            for server in made:
                compute.wait_for_delete(server, wait=120)
        network = self.bench.demo.network
        for port in network.ports(network_id=self.network.id):
            if (port.name or "").startswith(PREFIX):
                network.delete_port(port, ignore_missing=True)

    def _delete_volumes(self, volumes: dict[str, list[str]]) -> None:
        storage = self.bench.demo.block_storage
        ids = volumes["gateway"] + volumes["direct"]
        deadline = time.monotonic() + 120
        for volume_id in ids:  # detached once their servers are gone
            while (storage.get_volume(volume_id).status != "available"
                   and time.monotonic() < deadline):
                time.sleep(1)
            storage.delete_volume(volume_id, ignore_missing=True)
        self.bench._wait_gone(ids)


def quota_creates(bench, report) -> None:
    """POST /servers and POST /volumes with central quota on (``--creates N``), N
    each through the gateway and directly, taking turns."""
    region = REGIONS[0]
    count = bench.args.creates
    image = bench._image()

    def server(label: str, i: int) -> dict:
        return {"server": {"name": f"bench-create-{label}-{i}", "flavorRef": "1",
                           "imageRef": image, "networks": "none",
                           "availability_zone": region.az}}

    def volume(label: str, i: int) -> dict:
        return {"volume": {"size": 1, "availability_zone": region.az,
                           "name": f"bench-create-{label}-{i}"}}

    with bench.central_limits(), bench.region_quotas_lifted():
        roots = {"gateway": f"{bench.gateway}/compute/v2.1", "direct": bench.nova[region.name]}
        _, warm = bench._alternate(roots, "/servers", "server", server, 1, HEADERS)
        bench.warm_processes(["/compute/v2.1/limits",
                              f"/compute/v2.1/servers/{warm['gateway'][0]}"])
        try:
            posts, servers = bench._alternate(roots, "/servers", "server", server, count,
                                             HEADERS, CREATE_PAUSE)
        finally:
            compute = bench._compute(region.name)
            for server_id in [s.id for s in compute.servers()
                              if s.name.startswith("bench-create-")]:
                compute.delete_server(server_id, ignore_missing=True)
        report("POST /servers (central quota)", posts["gateway"], posts["direct"], 1.10)
        bench.breakdown("POST /servers (central quota)", posts)
        roots = {"gateway": f"{bench.gateway}/volume/v3/{bench.project}",
                 "direct": bench.cinder[region.name]}
        made: dict[str, list[str]] = {"gateway": [], "direct": []}
        try:
            _, made = bench._alternate(roots, "/volumes", "volume", volume, 1, {})
            bench.warm_processes([f"/volume/v3/{bench.project}/limits",
                                  f"/volume/v3/{bench.project}/volumes/{made['gateway'][0]}"])
            posts, more = bench._alternate(roots, "/volumes", "volume", volume, count, {},
                                           CREATE_PAUSE)
            for label in made:
                made[label] += more[label]
        finally:
            ids = made["gateway"] + made["direct"]
            bench._wait_available(ids)
            for volume_id in ids:
                bench.demo.block_storage.delete_volume(volume_id, ignore_missing=True)
            bench._wait_gone(ids)
        report("POST /volumes (central quota)", posts["gateway"], posts["direct"], 1.10)
        bench.breakdown("POST /volumes (central quota)", posts)
