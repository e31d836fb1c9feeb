"""The admin API: pods, routings, jobs and bindings, as an admin and as a member."""

from oslo_utils import uuidutils
from tempest import config
from tempest.lib import decorators
from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from tricircle_tempest_plugin.tests import base

CONF = config.CONF


class AdminApiTest(base.TricircleTest):

    @decorators.idempotent_id("6a0f54a4-3d0b-4bb4-9f51-6f7b3c1d0a01")
    def test_every_configured_region_and_the_central_one_has_a_pod(self):
        regions = {pod["region_name"] for pod in self.admin_api.list_pods()["pods"]}
        expected = {CONF.tricircle.region, *CONF.tricircle.regions.values()}
        self.assertTrue(expected <= regions, f"{expected - regions} missing in {regions}")

    @decorators.idempotent_id("6a0f54a4-3d0b-4bb4-9f51-6f7b3c1d0a02")
    def test_pod_create_show_update_delete(self):
        # A pod names a Keystone region: make one for this test.
        name = data_utils.rand_name("tricircle-region")
        self.os_admin.regions_client.create_region(region_id=name)
        self.addCleanup(self.os_admin.regions_client.delete_region, name)
        pod = self.admin_api.create_pod(region_name=name, az_name=data_utils.rand_name("az"),
                                        dc_name="dc1")["pod"]
        self.addCleanup(self._delete_quietly, self.admin_api.delete_pod, pod["pod_id"])
        self.assertEqual(name, self.admin_api.show_pod(pod["pod_id"])["pod"]["region_name"])
        updated = self.admin_api.update_pod(pod["pod_id"], dc_name="dc2")["pod"]
        self.assertEqual("dc2", updated["dc_name"])
        self.admin_api.delete_pod(pod["pod_id"])
        self.assertRaises(lib_exc.NotFound, self.admin_api.show_pod, pod["pod_id"])

    @decorators.idempotent_id("6a0f54a4-3d0b-4bb4-9f51-6f7b3c1d0a03")
    def test_routing_create_show_update_list_delete(self):
        (_, region), = self.zones()[:1]
        pod_id = self.pod_of(region)["pod_id"]
        project_id = self.os_primary.credentials.project_id
        routing = self.admin_api.create_routing(
            top_id=uuidutils.generate_uuid(), bottom_id=uuidutils.generate_uuid(),
            pod_id=pod_id, project_id=project_id, resource_type="port")["routing"]
        self.addCleanup(self._delete_quietly, self.admin_api.delete_routing, routing["id"])
        shown = self.admin_api.show_routing(routing["id"])["routing"]
        self.assertEqual(routing["top_id"], shown["top_id"])
        bottom = uuidutils.generate_uuid()
        self.admin_api.update_routing(routing["id"], bottom_id=bottom)
        listed = self.admin_api.list_routings(top_id=routing["top_id"])["routings"]
        self.assertEqual([bottom], [r["bottom_id"] for r in listed])
        # The member sees its own project's routing.
        mine = self.member_api.list_routings(top_id=routing["top_id"])["routings"]
        self.assertEqual([routing["id"]], [r["id"] for r in mine])
        self.admin_api.delete_routing(routing["id"])
        self.assertRaises(lib_exc.NotFound, self.admin_api.show_routing, routing["id"])

    @decorators.idempotent_id("6a0f54a4-3d0b-4bb4-9f51-6f7b3c1d0a04")
    def test_a_job_posted_is_shown_and_listed(self):
        schemas = {s["type"]: s for s in self.admin_api.list_job_schemas()["schemas"]}
        if "resource_recycle" not in schemas or not schemas["resource_recycle"]["handled"]:
            raise self.skipException("no worker handles resource_recycle jobs")
        # Recycling a project without resources is harmless wherever it runs.
        project_id = uuidutils.generate_uuid(dashed=False)
        resource = {field: project_id for field in schemas["resource_recycle"]["resource"]}
        job = self.admin_api.create_job(type="resource_recycle", project_id=project_id,
                                        resource=resource)["job"]
        self.assertEqual(job["id"], self.admin_api.show_job(job["id"])["job"]["id"])
        listed = self.admin_api.list_jobs(project_id=project_id)["jobs"]
        self.assertIn(job["id"], [j["id"] for j in listed])

    @decorators.idempotent_id("6a0f54a4-3d0b-4bb4-9f51-6f7b3c1d0a05")
    def test_binding_create_show_update_delete(self):
        (_, first), (_, second) = self.two_zones()
        project_id = uuidutils.generate_uuid(dashed=False)
        binding = self.admin_api.create_binding(
            tenant_id=project_id, pod_id=self.pod_of(first)["pod_id"])["binding"]
        self.addCleanup(self._delete_quietly, self.admin_api.delete_binding, binding["id"])
        self.assertEqual(project_id, self.admin_api.show_binding(binding["id"])["binding"][
            "tenant_id"])
        moved = self.admin_api.update_binding(binding["id"],
                                              pod_id=self.pod_of(second)["pod_id"])["binding"]
        self.assertEqual(self.pod_of(second)["pod_id"], moved["pod_id"])
        self.admin_api.delete_binding(binding["id"])
        self.assertRaises(lib_exc.NotFound, self.admin_api.show_binding, binding["id"])

    @decorators.idempotent_id("6a0f54a4-3d0b-4bb4-9f51-6f7b3c1d0a06")
    def test_a_member_may_not_manage_pods_routings_or_bindings(self):
        (_, region), = self.zones()[:1]
        pod_id = self.pod_of(region)["pod_id"]
        project_id = self.os_primary.credentials.project_id
        self.assertRaises(lib_exc.Forbidden, self.member_api.list_pods)
        self.assertRaises(lib_exc.Forbidden, self.member_api.create_pod, region_name="x")
        self.assertRaises(lib_exc.Forbidden, self.member_api.create_routing,
                          top_id=uuidutils.generate_uuid(),
                          bottom_id=uuidutils.generate_uuid(), pod_id=pod_id,
                          project_id=project_id, resource_type="port")
        self.assertRaises(lib_exc.Forbidden, self.member_api.create_binding,
                          tenant_id=project_id, pod_id=pod_id)

    @staticmethod
    def _delete_quietly(delete, resource_id):
        try:
            delete(resource_id)
        except lib_exc.NotFound:
            pass
