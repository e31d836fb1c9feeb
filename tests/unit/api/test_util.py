"""Request validation answers with a message that names what is wrong."""

import pytest
import webob

from tricircle.api import util
from tricircle.api.schemas import job as job_schema
from tricircle.api.schemas import pod as pod_schema
from tricircle.common import exceptions


def _json_request(body: bytes, content_type="application/json") -> webob.Request:
    req = webob.Request.blank("/v1.0/pods", method="POST")
    req.body = body
    req.content_type = content_type
    return req


def test_missing_required_field_is_named():
    with pytest.raises(exceptions.Invalid, match="region_name"):
        util.read_body(_json_request(b'{"pod": {"az_name": "az1"}}'), pod_schema.CREATE)


def test_wrong_type_names_the_field_path():
    with pytest.raises(exceptions.Invalid, match="field 'pod/az_name'"):
        util.read_body(_json_request(b'{"pod": {"region_name": "R", "az_name": 5}}'),
                       pod_schema.CREATE)


def test_body_that_is_not_json_is_invalid():
    with pytest.raises(exceptions.Invalid, match="not valid JSON"):
        util.read_body(_json_request(b'{"pod": '), pod_schema.CREATE)
    with pytest.raises(exceptions.Invalid, match="Content-Type"):
        util.read_body(_json_request(b"{}", "text/plain"), pod_schema.CREATE)


def test_job_resource_keys_depend_on_the_type():
    body = b'{"job": {"type": "port_delete", "project_id": "p", "resource": {"pod_id": "x"}}}'
    with pytest.raises(exceptions.Invalid, match="port_id"):
        util.read_body(_json_request(body), job_schema.CREATE)


def test_query_parameters_unknown_or_repeated_are_refused():
    with pytest.raises(exceptions.Invalid, match="bogus"):
        util.read_query(webob.Request.blank("/v1.0/pods?bogus=1"), pod_schema.LIST_QUERY)
    with pytest.raises(exceptions.Invalid, match="more than once"):
        util.read_query(webob.Request.blank("/v1.0/pods?az_name=a&az_name=b"),
                        pod_schema.LIST_QUERY)


def test_next_link_keeps_filters_and_replaces_marker():
    req = webob.Request.blank("/v1.0/pods?az_name=az%201&marker=old&limit=5")
    link = util.next_link(req, "new", 5)
    assert link["rel"] == "next"
    assert link["href"] == "http://localhost/v1.0/pods?az_name=az+1&limit=5&marker=new"


def test_a_full_page_announces_a_next_one_and_a_short_page_does_not():
    req = webob.Request.blank("/v1.0/pods")
    full = util.page_body(req, "pods", [{"pod_id": "a"}, {"pod_id": "b"}], 2, "pod_id")
    short = util.page_body(req, "pods", [{"pod_id": "a"}], 2, "pod_id")
    assert "pods_links" in full and "pods_links" not in short
