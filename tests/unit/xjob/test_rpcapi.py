"""The run_job cast: skipped when fake:// has no worker in this process to hear it."""

from tricircle.common import config
from tricircle.xjob import rpcapi


def test_fake_transport_without_a_local_worker_sends_nothing(db, monkeypatch):
    assert config.CONF.transport_url == "fake://"
    monkeypatch.setattr(rpcapi, "local_servers", 0)
    assert rpcapi.run_job("some-job") is False


def test_fake_transport_with_a_local_worker_casts(db, monkeypatch):
    sent = []

    class Client:
        def cast(self, ctxt, method, **kwargs):
            sent.append((method, kwargs))

    monkeypatch.setattr(rpcapi, "local_servers", 1)
    monkeypatch.setattr(rpcapi, "_get_client", Client)
    assert rpcapi.run_job("some-job") is True
    assert sent == [("run_job", {"job_id": "some-job"})]
