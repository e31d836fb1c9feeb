"""Writes that go to every region: the request bodies each region receives."""

import json
import types

import pytest
import webob

from tricircle.gateway import everywhere
from tricircle.gateway.call import GatewayError


def call_with(method: str, body: dict | bytes) -> types.SimpleNamespace:
    req = webob.Request.blank("/", method=method)
    req.body = body if isinstance(body, bytes) else json.dumps(body).encode()
    return types.SimpleNamespace(req=req)


class Reply:
    def __init__(self, data: dict):
        self._data = data

    def json(self) -> dict:
        return self._data


def test_a_flavor_without_an_id_gets_one_id_for_every_region():
    call = call_with("POST", {"flavor": {"name": "f", "ram": 64, "vcpus": 1, "disk": 1}})
    sent = json.loads(everywhere._with_shared_id(call))
    assert len(sent["flavor"]["id"]) == 36
    assert sent["flavor"]["name"] == "f"


def test_a_flavor_with_an_id_keeps_it():
    call = call_with("POST", {"flavor": {"id": "42", "name": "f"}})
    assert json.loads(everywhere._with_shared_id(call))["flavor"]["id"] == "42"


@pytest.mark.parametrize("raw", [b"{not json", b"[" * 100000, b'{"flavor": "\xff"}',
                                 b'{"flavor": {"name": "\\ud800"}}', b'{"ram": NaN}'])
def test_a_body_no_region_could_read_is_400_before_any_region_is_asked(raw):
    call = call_with("POST", raw)
    with pytest.raises(GatewayError) as refused:
        everywhere._with_shared_id(call)
    assert refused.value.status == 400
    assert refused.value.message.startswith("Malformed request body")


def test_other_writes_reach_the_regions_as_they_came():
    call = call_with("PUT", b"{not json")
    assert everywhere._with_shared_id(call) == b"{not json"


def test_a_generated_key_pair_is_imported_elsewhere():
    call = call_with("POST", {"keypair": {"name": "k", "type": "ssh"}})
    first = Reply({"keypair": {"name": "k", "public_key": "ssh-ed25519 AAAA", "type": "ssh",
                               "private_key": "SECRET"}})
    sent = json.loads(everywhere._same_key_pair(call, first, call.req.body))
    assert sent == {"keypair": {"name": "k", "public_key": "ssh-ed25519 AAAA",
                                "type": "ssh"}}


def test_an_imported_key_pair_goes_everywhere_as_it_came():
    body = {"keypair": {"name": "k", "public_key": "ssh-rsa BBBB"}}
    call = call_with("POST", body)
    sent = everywhere._same_key_pair(call, Reply({"keypair": body["keypair"]}), call.req.body)
    assert json.loads(sent) == body
