"""Policy enforcement (oslo.policy, defaults from tricircle.api.policies).

Every rule is for project-scoped tokens (secure RBAC). A system- or
domain-scoped token is refused with 403, as a role it lacks would be.
"""

from oslo_config import cfg
from oslo_policy import opts as policy_opts
from oslo_policy import policy

from tricircle.api import policies
from tricircle.common import exceptions
from tricircle.common.config import CONF
from tricircle.common.context import RequestContext

_enforcer: policy.Enforcer | None = None


def set_defaults(conf: cfg.ConfigOpts) -> None:
    """Secure RBAC by default: the new defaults only, and scope checked.

    enforce_scope is gone from recent oslo.policy (always enforced there); it is
    named for older releases, where it still defaults to False.
    """
    policy_opts.set_defaults(conf, policy_file="policy.yaml", enforce_scope=True,
                             enforce_new_defaults=True)


def get_enforcer(conf: cfg.ConfigOpts = CONF) -> policy.Enforcer:
    """The process-wide enforcer; also the entry point oslopolicy-* tools use."""
    global _enforcer
    if _enforcer is None:
        set_defaults(conf)
        _enforcer = policy.Enforcer(conf)
        _enforcer.register_defaults(policies.list_rules())
    return _enforcer


def reset() -> None:
    global _enforcer
    if _enforcer is not None:
        _enforcer.clear()
    _enforcer = None


def _token_scope(context: RequestContext) -> str:
    if context.system_scope:
        return "system"
    return "domain" if context.domain_id else "project"


def authorize(context: RequestContext, rule: str, target: dict | None = None) -> None:
    """Raise Forbidden unless ``context`` may do ``rule`` on ``target``."""
    target = target or {"project_id": context.project_id}
    try:
        get_enforcer().authorize(rule, target, context, do_raise=True)
    except policy.InvalidScope:
        raise exceptions.Forbidden(
            f"Policy does not allow {rule} to be performed with a "
            f"{_token_scope(context)}-scoped token: ask for a project-scoped "
            "token.") from None
    except policy.PolicyNotAuthorized:
        raise exceptions.Forbidden(f"Policy does not allow {rule} to be performed.") from None


def allowed(context: RequestContext, rule: str, target: dict | None = None) -> bool:
    """Whether ``context`` may do ``rule`` on ``target`` (a token of the wrong
    scope may not)."""
    target = target or {"project_id": context.project_id}
    return get_enforcer().authorize(rule, target, context, do_raise=False)
