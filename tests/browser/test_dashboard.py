"""Horizon on CentralRegion as the demo tenant and the operator see it."""

import subprocess
import uuid

import pytest
from keystoneauth1 import loading
from keystoneauth1 import session as ks_session

from tests.browser.conftest import (
    StaleElementReferenceException,
    TimeoutException,
    lab_command,
    poll,
)
from tricircle.lab import procs
from tricircle.lab.layout import CENTRAL_REGION, REGIONS, Layout
from tricircle.lab.services import KEYSTONE_URL
from tricircleclient.client import Client

AZ1, AZ2 = REGIONS[0].az, REGIONS[1].az


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def demo_cloud(lab):
    """openstacksdk as demo through CentralRegion, with a central network of its own;
    everything made through it is deleted afterwards."""
    cloud = lab.sdk("demo", CENTRAL_REGION)
    network = cloud.network.create_network(name=unique("web-net"))
    cloud.network.create_subnet(network_id=network.id, ip_version=4, cidr="10.77.0.0/24",
                                name=f"{network.name}-subnet")
    servers, volumes = [], []
    cloud.test_network, cloud.test_servers, cloud.test_volumes = network, servers, volumes
    yield cloud
    for volume in volumes:
        for attachment in cloud.block_storage.get_volume(volume).attachments or []:
            cloud.compute.delete_volume_attachment(attachment["server_id"], volume.id)
    for server in servers:
        cloud.compute.delete_server(server, ignore_missing=True)
    for server in servers:
        cloud.compute.wait_for_delete(server, wait=180)
    for volume in volumes:
        cloud.block_storage.wait_for_status(volume, "available", wait=120)
        cloud.block_storage.delete_volume(volume, ignore_missing=True)
    cloud.network.delete_network(network, ignore_missing=True)


def boot(cloud, name: str, az: str):
    """A server of the central network in ``az``, ACTIVE, through the gateway."""
    image = cloud.image.find_image("tiny")
    flavor = cloud.compute.find_flavor("m1.tiny")
    server = cloud.compute.create_server(name=name, image_id=image.id, flavor_id=flavor.id,
                                         networks=[{"uuid": cloud.test_network.id}],
                                         availability_zone=az)
    cloud.test_servers.append(server)
    return cloud.compute.wait_for_server(server, wait=240)


def test_demo_is_offered_its_multi_region_panels_and_no_admin_ones(dashboard, passwords):
    dashboard.login("demo", passwords["demo"])
    dashboard.open("/project/tricircle_routings/", "demo-routings")
    assert "Resource Routings" in dashboard.text()
    links = dashboard.menu_links()
    assert any("/project/tricircle_jobs/" in link for link in links), links
    assert not any("/admin/" in link for link in links), links
    dashboard.open("/admin/tricircle_regions/", "demo-admin-regions-refused")
    assert "/admin/tricircle_regions/" not in dashboard.driver.current_url or \
        "RegionTwo" not in dashboard.text()


def allocate_network(dashboard, network: str, tries: int = 3) -> None:
    """Have ``network`` in the wizard's Allocated table. Horizon allocates a
    project's only network by itself; otherwise the network's button in the
    Available table moves it, and that table may be drawn again once its
    networks have loaded, which drops a click made just before: so look first,
    click only while the network is still available, and look again."""
    allocated = ("//div[contains(@class, 'transfer-allocated')]"
                 f"//tr[td[normalize-space()='{network}']]")
    available = ("//div[contains(@class, 'transfer-available')]"
                 f"//tr[td[normalize-space()='{network}']]//button")
    for _ in range(tries):
        try:
            dashboard.visible(allocated, timeout=5)
            return
        except TimeoutException:
            pass
        try:
            dashboard.click(available, timeout=10)
        except (TimeoutException, StaleElementReferenceException):
            continue  # redrawn, or allocated meanwhile: look again
    dashboard.visible(allocated)


def launch_from_wizard(dashboard, name: str, az: str, network: str) -> None:
    """Launch one server from Horizon's Launch Instance wizard, with the security
    group it offers (the project's default, which the wizard names by central id)."""
    dashboard.open("/project/instances/", "instances-before")
    dashboard.click("//*[@id='instances__action_launch-ng' or "
                    "((self::a or self::button) and normalize-space()='Launch Instance')]")
    dashboard.visible("//input[@id='name']").send_keys(name)
    dashboard.select("//select[@id='availability-zone']", az)
    dashboard.shot("wizard-details")
    dashboard.click("//button[contains(normalize-space(), 'Next')]")
    dashboard.click("//tr[td[normalize-space()='tiny']]//button")
    dashboard.shot("wizard-source")
    dashboard.click("//button[contains(normalize-space(), 'Next')]")
    dashboard.click("//tr[td[normalize-space()='m1.tiny']]//button")
    dashboard.shot("wizard-flavor")
    dashboard.click("//button[contains(normalize-space(), 'Next')]")
    allocate_network(dashboard, network)
    dashboard.shot("wizard-networks")
    dashboard.click("//div[contains(@class, 'modal-footer')]//button"
                    "[contains(normalize-space(), 'Launch Instance')][not(@disabled)]")


def test_demo_launches_in_az2_from_the_wizard_beside_a_server_of_az1(
        dashboard, passwords, demo_cloud):
    first = boot(demo_cloud, unique("web-az1"), AZ1)
    name = unique("web-az2")
    dashboard.login("demo", passwords["demo"])
    launch_from_wizard(dashboard, name, AZ2, demo_cloud.test_network.name)
    launched = poll(lambda: demo_cloud.compute.find_server(name, ignore_missing=True), 60)
    assert launched is not None, "the wizard's launch made no server"
    demo_cloud.test_servers.append(launched)
    dashboard.open("/project/instances/", "instances-after")
    dashboard.wait_row_status("instances", name, "Active")
    row = dashboard.row("instances", name).text
    assert AZ2 in row, row
    assert AZ1 in dashboard.row("instances", first.name).text
    dashboard.shot("instances-both-azs")
    server = demo_cloud.compute.get_server(launched.id)
    assert server.availability_zone == AZ2
    assert [group["name"] for group in server.security_groups] == ["default"]
    # The Overview pages the usage with a marker (Nova 2.40+): both servers, no error.
    dashboard.open("/project/", "overview")
    for shown_name in (first.name, name):  # the usage table, one row per server
        dashboard.visible(f"//table//tr[td[contains(., '{shown_name}')]]")
    assert "Unable to retrieve usage" not in dashboard.text()


def test_demo_creates_a_volume_and_attaches_it_to_a_server(dashboard, passwords,
                                                          demo_cloud):
    server = boot(demo_cloud, unique("vol-host"), AZ1)
    name = unique("web-vol")
    dashboard.login("demo", passwords["demo"])
    dashboard.open("/project/volumes/", "volumes-before")
    dashboard.click("//a[@id='volumes__action_create']")
    dashboard.visible("//input[@id='id_name']").send_keys(name)
    size = dashboard.visible("//input[@id='id_size']")
    size.clear()
    size.send_keys("1")
    dashboard.choose("availability_zone", AZ1)
    dashboard.shot("volume-create-form")
    dashboard.click("//div[contains(@class, 'modal-footer')]//*[@type='submit']")
    volume = poll(lambda: demo_cloud.block_storage.find_volume(name, ignore_missing=True), 60)
    assert volume is not None, "the form made no volume"
    demo_cloud.test_volumes.append(volume)
    dashboard.wait_row_status("volumes", name, "Available")
    dashboard.click(f"//tr[contains(., '{name}')]//a[contains(@class, 'dropdown-toggle')]")
    dashboard.click(f"//tr[contains(., '{name}')]//a[contains(normalize-space(), "
                    "'Manage Attachments')]")
    offered = dashboard.choices("instance")
    assert any(server.name in option for option in offered), offered
    dashboard.choose("instance", server.name)
    dashboard.shot("volume-attach-form")
    dashboard.click("//div[contains(@class, 'modal-footer')]//*[@type='submit']")
    dashboard.wait_row_status("volumes", name, "In-use")
    assert server.name in dashboard.row("volumes", name).text


def test_admin_finds_a_servers_region_on_the_routings_panel(dashboard, passwords,
                                                             demo_cloud):
    server = boot(demo_cloud, unique("where"), AZ2)
    dashboard.login("admin", passwords["admin"])
    dashboard.open("/admin/tricircle_regions/", "admin-regions")
    for region in REGIONS:
        row = dashboard.row("regions", region.name).text
        assert region.az in row and "Up" in row, row
    dashboard.open("/admin/tricircle_routings/", "admin-routings")
    dashboard.choose("routings__filter__q_field", "Resource ID =")
    dashboard.visible("//input[@name='routings__filter__q']").send_keys(server.id)
    dashboard.click("//button[@id='routings__action_filter']")
    row = dashboard.row("routings", server.id).text
    dashboard.shot("admin-routings-search")
    assert REGIONS[1].name in row, row


class Outage:
    """Services of the lab stopped, as in an outage; ``end()`` (and the
    fixture's teardown) brings them back with `tricircle-lab up`."""

    def __init__(self):
        self.stopped: list[str] = []

    def stop(self, name: str) -> None:
        assert procs.stop(Layout.default(), name), f"{name} was not running"
        self.stopped.append(name)

    def end(self) -> None:
        if self.stopped:
            self.stopped.clear()
            result = subprocess.run(lab_command() + ["up"], capture_output=True, text=True,
                                    timeout=900)
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.fixture
def outage(lab):
    stopped = Outage()
    yield stopped
    stopped.end()


def admin_tricircle(passwords: dict) -> Client:
    """tricircleclient as the lab's admin, on CentralRegion's admin API."""
    auth = loading.get_plugin_loader("password").load_from_options(
        auth_url=f"{KEYSTONE_URL}/v3", username="admin", password=passwords["admin"],
        project_name="admin", user_domain_id="default", project_domain_id="default")
    return Client(session=ks_session.Session(auth=auth), region_name=CENTRAL_REGION)


@pytest.fixture
def failing_job(passwords, outage):
    """The cleanup of a leftover port in RegionTwo (a port_delete job), failed
    after its every attempt because RegionTwo's Neutron is down."""
    down = REGIONS[1]
    outage.stop(f"neutron-{down.short}")
    tricircle = admin_tricircle(passwords)
    pod = next(pod for pod in tricircle.pods.iterate() if pod["region_name"] == down.name)
    job = tricircle.jobs.create("port_delete", tricircle.session.get_project_id(),
                                {"pod_id": pod["pod_id"], "port_id": str(uuid.uuid4())})
    failed = poll(lambda: tricircle.jobs.get(job["id"])["status"] == "FAIL", 300, 2)
    assert failed, tricircle.jobs.get(job["id"])
    yield job, down, outage.end
    if tricircle.jobs.get(job["id"])["status"] not in ("SUCCESS", "RUNNING"):
        tricircle.jobs.delete(job["id"])


def test_admin_sees_a_region_down_reads_its_failed_job_and_redoes_it_to_success(
        dashboard, passwords, failing_job):
    job, down, restore = failing_job
    dashboard.login("admin", passwords["admin"])
    dashboard.open("/admin/tricircle_regions/", "regions-one-down")
    row = dashboard.row("regions", down.name).text
    assert "Degraded" in row and "not answering" in row, row
    assert f"Region {down.name} is degraded: network not answering." in dashboard.text()
    dashboard.open(f"/admin/tricircle_jobs/{job['id']}/", "failed-job-detail")
    error = dashboard.visible("//pre[contains(@class, 'job-error')]").text
    assert f"{down.name} Neutron" in error and "unreachable" in error, error
    restore()
    dashboard.open("/admin/tricircle_jobs/", "admin-jobs")
    assert "Failed" in dashboard.row("jobs", job["id"]).text
    dashboard.click(f"//tr[contains(., '{job['id']}')]//button[contains(normalize-space(), "
                    "'Redo')]")
    # Redo is no "danger" action: Horizon sends it at once, no confirmation.
    dashboard.visible("//div[contains(@class, 'alert-success')]"
                      f"[contains(., 'Queued job again') and contains(., '{job['id']}')]")
    # No reload from here on: a NEW or RUNNING row asks for its job by itself.
    dashboard.wait_for(lambda d: "Success" in dashboard.row("jobs", job["id"]).text, 180)
    dashboard.shot("job-redone")


def test_a_region_down_warns_demo_of_a_partial_list_and_shows_admin_its_breaker(
        dashboard, passwords, demo_cloud, outage):
    server = boot(demo_cloud, unique("web-left"), AZ1)
    down = REGIONS[1]
    outage.stop(f"nova-{down.short}-api")
    dashboard.login("demo", passwords["demo"])
    dashboard.open("/project/instances/", "instances-one-region-down")
    assert AZ1 in dashboard.row("instances", server.name).text
    assert f"This page may be incomplete: {down.name} did not answer" in dashboard.text()

    # More calls through CentralRegion until a tricircle-api process has had
    # [gateway] failure_threshold failures in a row and recorded its breaker open.
    tricircle = admin_tricircle(passwords)
    pod_id = next(p["pod_id"] for p in tricircle.pods.iterate() if p["region_name"] == down.name)

    def compute_breaker() -> dict:
        return tricircle.pods.health(pod_id)["services"].get("compute", {})

    def opened() -> bool:
        list(demo_cloud.compute.servers())
        return compute_breaker().get("state") == "open"

    assert poll(opened, 60, 0.2), compute_breaker()
    assert compute_breaker()["last_error"] == "ConnectFailure"
    dashboard.login("admin", passwords["admin"])
    dashboard.open("/admin/tricircle_regions/", "regions-breaker-open")
    row = dashboard.row("regions", down.name).text
    assert "Degraded" in row and "compute breaker open since" in row, row
    assert "failures: ConnectFailure" in row, row
    assert (f"Region {down.name} is degraded: compute not answering; compute breaker "
            "open since") in dashboard.text()

    # Nova is back: the next call of each process after its cool-down closes its
    # breaker, and the panel shows the region up again.
    outage.end()

    def closed() -> bool:
        list(demo_cloud.compute.servers())
        return compute_breaker().get("state") == "closed"

    assert poll(closed, 120, 0.5), compute_breaker()
    dashboard.open("/admin/tricircle_regions/", "regions-breaker-closed")
    row = dashboard.row("regions", down.name).text
    assert "Up" in row and "no breaker open" in row, row

