"""What the lab puts into its clouds once the services run: Keystone's regions,
projects, users and catalog; an image; flavors and an AZ per region; a demo
tenant network per region; Tricircle's pods. Everything is get-or-create, so
`up` can run again.

openstacksdk does it all from one process: the `openstack` CLI costs 1-2 s of
start-up per call.
"""

import time

import openstack
from keystoneauth1 import exceptions as ks_exc

from tricircle.lab import LabError
from tricircle.lab.layout import (
    CENTRAL_NEUTRON_PORT,
    CENTRAL_REGION,
    GLANCE_PORT,
    HOST,
    REGIONS,
    TRICIRCLE_API_PORT,
)
from tricircle.lab.services import (
    CINDER_PORT,
    KEYSTONE_URL,
    NEUTRON_PORT,
    NOVA_PORT,
    PLACEMENT_PORT,
)

SERVICE_USERS = ("glance", "placement", "nova", "neutron", "cinder", "tricircle")
# (user, project): the tenants the tests use; "alt" proves tenant isolation.
TENANTS = (("demo", "demo"), ("alt", "alt"))
# service type -> service name
SERVICES = {"image": "glance", "placement": "placement", "compute": "nova",
            "network": "neutron", "block-storage": "cinderv3", "tricircle": "tricircle"}
GATEWAY = f"http://{HOST}:{TRICIRCLE_API_PORT}"
# Same flavor ids in every region: a request through the gateway names one
# id, whichever region it lands in.
FLAVORS = (("1", "m1.tiny", 1, 128, 1), ("2", "m1.small", 1, 256, 2))
IMAGE_NAME = "tiny"


def endpoints(with_gateway: bool) -> list[tuple[str, str, str]]:
    """(region, service type, url) of every endpoint the lab registers."""
    glance = f"http://{HOST}:{GLANCE_PORT}"
    result = [(CENTRAL_REGION, "identity", f"{KEYSTONE_URL}/v3"),
              (CENTRAL_REGION, "image", glance),
              (CENTRAL_REGION, "network", f"http://{HOST}:{CENTRAL_NEUTRON_PORT}"),
              (CENTRAL_REGION, "tricircle", f"{GATEWAY}/v1.0")]
    for region in REGIONS:
        base = f"http://{HOST}:"
        result += [
            (region.name, "identity", f"{KEYSTONE_URL}/v3"),
            (region.name, "image", glance),
            (region.name, "placement", f"{base}{region.port(PLACEMENT_PORT)}"),
            (region.name, "compute", f"{base}{region.port(NOVA_PORT)}/v2.1"),
            (region.name, "network", f"{base}{region.port(NEUTRON_PORT)}"),
            (region.name, "block-storage",
             f"{base}{region.port(CINDER_PORT)}/v3/%(project_id)s"),
        ]
    if with_gateway:
        result += [(CENTRAL_REGION, "compute", f"{GATEWAY}/compute/v2.1"),
                   (CENTRAL_REGION, "block-storage", f"{GATEWAY}/volume/v3/%(project_id)s")]
    return result


def admin_connection(passwords: dict, region: str = "RegionOne") -> openstack.connection.Connection:
    return connect("admin", "admin", passwords["admin"], region)


def connect(user: str, project: str, password: str, region: str) -> openstack.connection.Connection:
    return openstack.connect(
        auth_url=f"{KEYSTONE_URL}/v3", username=user, password=password, project_name=project,
        user_domain_id="default", project_domain_id="default", region_name=region,
        interface="public", identity_api_version="3")


def seed_identity(passwords: dict, with_gateway: bool) -> None:
    identity = admin_connection(passwords).identity
    for region in [CENTRAL_REGION] + [r.name for r in REGIONS]:
        if identity.find_region(region, ignore_missing=True) is None:
            identity.create_region(id=region)
    roles = {name: _get_or_create(identity.find_role, identity.create_role, name)
             for name in ("admin", "member", "reader", "service")}
    service_project = _project(identity, "service")
    for user_name in SERVICE_USERS:
        user = _user(identity, user_name, passwords["service"])
        for role in ("admin", "service"):
            identity.assign_project_role_to_user(service_project, user, roles[role])
    for user_name, project_name in TENANTS:
        user = _user(identity, user_name, passwords["demo"])
        identity.assign_project_role_to_user(_project(identity, project_name), user,
                                             roles["member"])
    services = {"identity": identity.find_service("keystone")}
    for service_type, name in SERVICES.items():
        services[service_type] = (identity.find_service(name, ignore_missing=True)
                                  or identity.create_service(name=name, type=service_type))
    existing = {(e.region_id, e.service_id, e.interface): e for e in identity.endpoints()}
    for region, service_type, url in endpoints(with_gateway):
        service_id = services[service_type].id
        for interface in ("public", "internal", "admin"):
            current = existing.get((region, service_id, interface))
            if current is None:
                identity.create_endpoint(service_id=service_id, interface=interface,
                                         url=url, region_id=region)
            elif current.url != url:
                identity.update_endpoint(current, url=url)


def _get_or_create(find, create, name: str, **attrs):
    return find(name, ignore_missing=True) or create(name=name, **attrs)


def _project(identity, name: str):
    return _get_or_create(identity.find_project, identity.create_project, name,
                          domain_id="default")


def _user(identity, name: str, password: str):
    # Never update an existing user's password: Keystone would revoke every
    # token the user holds, under the feet of whoever uses the lab. A new lab
    # home starts from empty databases, so existing users have this password.
    return _get_or_create(identity.find_user, identity.create_user, name,
                          password=password, domain_id="default")


def seed_image(passwords: dict) -> None:
    image = admin_connection(passwords).image
    if image.find_image(IMAGE_NAME, ignore_missing=True) is None:
        # The fake virt driver accepts raw images only; 1 MiB of zeros will do.
        image.create_image(name=IMAGE_NAME, disk_format="raw", container_format="bare",
                           visibility="public", data=b"\0" * (1024 * 1024))


def seed_region(passwords: dict, region) -> None:
    admin = admin_connection(passwords, region.name)
    compute = admin.compute
    for flavor_id, name, vcpus, ram, disk in FLAVORS:
        flavor = compute.find_flavor(name, ignore_missing=True)
        if flavor is not None and flavor.id != flavor_id:
            compute.delete_flavor(flavor)
            flavor = None
        if flavor is None:
            compute.create_flavor(id=flavor_id, name=name, vcpus=vcpus, ram=ram, disk=disk)
    host = f"nova-{region.short}-compute"
    aggregate = compute.find_aggregate(region.az, ignore_missing=True)
    if aggregate is None:
        aggregate = compute.create_aggregate(name=region.az, availability_zone=region.az)
    if host not in (aggregate.hosts or []):
        compute.add_host_to_aggregate(aggregate, host)
    demo = connect("demo", "demo", passwords["demo"], region.name)
    network = demo.network
    net_name = f"demo-net-{region.short}"
    net = network.find_network(net_name, ignore_missing=True) or network.create_network(
        name=net_name)
    if not list(network.subnets(network_id=net.id)):
        network.create_subnet(network_id=net.id, name=f"demo-subnet-{region.short}",
                              ip_version=4, cidr=region.cidr)


def wait_services(passwords: dict, region, timeout: float = 240) -> None:
    """Wait until Nova's and Cinder's services report up in ``region``."""
    admin = admin_connection(passwords, region.name)
    deadline = time.monotonic() + timeout
    nova_up = cinder_up = []
    while time.monotonic() < deadline:
        try:
            nova_up = [s.binary for s in admin.compute.services() if s.state == "up"]
            cinder_up = [s.binary for s in admin.block_storage.services() if s.state == "up"]
            hypervisors = list(admin.compute.hypervisors())
        except ks_exc.ClientException:
            nova_up = cinder_up = hypervisors = []
        if len(nova_up) >= 3 and len(cinder_up) >= 2 and hypervisors:
            return
        time.sleep(2)
    raise LabError(f"{region.name}: services still down after {timeout:.0f} s "
                   f"(nova up: {nova_up}, cinder up: {cinder_up}); see "
                   "`tricircle-lab logs nova-...` / `cinder-...`")


def seed_pods(passwords: dict) -> None:
    """Register CentralRegion and each region as Tricircle pods."""
    admin = admin_connection(passwords, CENTRAL_REGION)
    session = admin.session
    filt = {"service_type": "tricircle", "interface": "public", "region_name": CENTRAL_REGION}
    pods = session.get("/pods", endpoint_filter=filt).json()["pods"]
    known = {pod["region_name"] for pod in pods}
    wanted = [{"region_name": CENTRAL_REGION}] + [
        {"region_name": r.name, "az_name": r.az, "pod_az_name": r.az, "dc_name": r.short}
        for r in REGIONS]
    for pod in wanted:
        if pod["region_name"] not in known:
            session.post("/pods", json={"pod": pod}, endpoint_filter=filt)
