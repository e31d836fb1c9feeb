"""Policy enforcement (oslo.policy, defaults from tricircle.api.policies)."""

from oslo_config import cfg
from oslo_policy import policy

from tricircle.api import policies
from tricircle.common import exceptions
from tricircle.common.config import CONF
from tricircle.common.context import RequestContext

_enforcer: policy.Enforcer | None = None


def get_enforcer(conf: cfg.ConfigOpts = CONF) -> policy.Enforcer:
    """The process-wide enforcer; also the entry point oslopolicy-* tools use."""
    global _enforcer
    if _enforcer is None:
        _enforcer = policy.Enforcer(conf)
        _enforcer.register_defaults(policies.list_rules())
    return _enforcer


def reset() -> None:
    global _enforcer
    if _enforcer is not None:
        _enforcer.clear()
    _enforcer = None


def authorize(context: RequestContext, rule: str, target: dict | None = None) -> None:
    """Raise Forbidden unless ``context`` may do ``rule`` on ``target``."""
    target = target or {"project_id": context.project_id}
    try:
        get_enforcer().authorize(rule, target, context, do_raise=True)
    except policy.PolicyNotAuthorized:
        raise exceptions.Forbidden(f"Policy does not allow {rule} to be performed.") from None


def allowed(context: RequestContext, rule: str, target: dict | None = None) -> bool:
    target = target or {"project_id": context.project_id}
    return get_enforcer().authorize(rule, target, context, do_raise=False)
