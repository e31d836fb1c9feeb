"""A tricircle client whose HTTP layer is a table of canned answers, and a fake OSC app."""

import io
from types import SimpleNamespace

from tricircleclient.v1 import bindings, jobs, pods, routings, usages


class TableHTTP:
    """Answers ``(method, path)`` from ``answers``; a callable answer gets the params/body."""

    def __init__(self, answers: dict):
        self.answers = answers
        self.calls: list[tuple] = []

    def _answer(self, method, path, data):
        self.calls.append((method, path, data))
        answer = self.answers[(method, path)]
        if isinstance(answer, BaseException):
            raise answer
        return answer(data) if callable(answer) else answer

    def get(self, path, params=None):
        return self._answer("GET", path, params)

    def post(self, path, body):
        return self._answer("POST", path, body)

    def put(self, path, body=None):
        return self._answer("PUT", path, body)

    def delete(self, path, params=None):
        return self._answer("DELETE", path, params)


def make_client(answers: dict, session=None) -> SimpleNamespace:
    http = TableHTTP(answers)
    return SimpleNamespace(http=http, session=session, pods=pods.PodManager(http),
                           routings=routings.RoutingManager(http),
                           jobs=jobs.JobManager(http), bindings=bindings.BindingManager(http),
                           usages=usages.UsageManager(http))


def run(command_class, argv: list[str], client) -> str:
    """Parse ``argv`` as OSC would, run the command, return what it printed."""
    stdout = io.StringIO()
    app = SimpleNamespace(client_manager=SimpleNamespace(multiregion_networking=client),
                          stdout=stdout, stdin=io.StringIO(), stderr=io.StringIO(),
                          options=SimpleNamespace(debug=False))
    command = command_class(app, None)
    args = command.get_parser("openstack test").parse_args(argv)
    command.run(args)
    return stdout.getvalue()
