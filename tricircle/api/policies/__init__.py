"""Policy defaults in code, one module per resource."""

import itertools

from tricircle.api.policies import base, binding, job, pod, routing, usage


def list_rules() -> list:
    return list(itertools.chain(base.rules, pod.rules, routing.rules, job.rules,
                                binding.rules, usage.rules))
