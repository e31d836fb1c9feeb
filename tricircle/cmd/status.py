"""tricircle-status upgrade check: is this deployment ready to serve?"""

import sys

from keystoneauth1 import exceptions as ks_exc
from oslo_policy import _checks
from oslo_upgradecheck import common_checks, upgradecheck

from tricircle.api import policy
from tricircle.common import client, config
from tricircle.db import migration
from tricircle.objects import pod as pod_obj

CONF = config.CONF
Code = upgradecheck.Code
Result = upgradecheck.Result


def _check_database() -> Result:
    try:
        current, head = migration.current_version(), migration.head_version()
    except Exception as exc:  # any driver error means "cannot reach the database"
        return Result(Code.FAILURE, f"Cannot read the database: {exc}")
    if current != head:
        return Result(Code.FAILURE, f"Database schema is at {current}, the code needs "
                      f"{head}: run 'tricircle-manage db sync'.")
    return Result(Code.SUCCESS, f"Database schema is at {head}.")


def _check_policy_file() -> Result:
    """The policy file, if any, must parse and name only rules this code knows."""
    enforcer = policy.get_enforcer()
    try:
        enforcer.load_rules(force_reload=True)
    except Exception as exc:  # oslo.policy raises several kinds for a bad file
        return Result(Code.FAILURE, f"Policy file {CONF.oslo_policy.policy_file} is "
                      f"invalid: {exc}")
    # oslo.policy turns a rule it cannot parse into "never allowed" and only
    # logs it; an operator wants to hear about that before the upgrade.
    unparsable = sorted(name for name, rule in enforcer.file_rules.items()
                        if isinstance(enforcer.rules.get(name), _checks.FalseCheck)
                        and rule.check_str.strip() != "!")
    if unparsable or not enforcer.check_rules(raise_on_violation=False):
        names = ", ".join(unparsable) or "see the log for the rule names"
        return Result(Code.FAILURE, f"Policy file {CONF.oslo_policy.policy_file} is "
                      f"invalid: rules that cannot be parsed or refer to undefined "
                      f"rules: {names}")
    unknown = sorted(set(enforcer.file_rules) - set(enforcer.registered_rules))
    if unknown:
        return Result(Code.WARNING, "Policy file overrides rules this version does not "
                      f"know (typo or removed): {', '.join(unknown)}")
    return Result(Code.SUCCESS, f"{len(enforcer.file_rules)} policy overrides, all valid.")


def _check_pods_reachable() -> Result:
    if migration.current_version() is None:
        return Result(Code.WARNING, "No database schema yet, so no pods to check.")
    pods = pod_obj.get_all({}, limit=10000, marker=None)
    if not pods:
        return Result(Code.WARNING, "No pods registered yet: create them with "
                      "POST /v1.0/pods (openstack multiregion networking pod create).")
    if not client.is_configured():
        return Result(Code.WARNING, f"{len(pods)} pods registered, but [client] has no "
                      "service account, so their regions cannot be checked.")
    session = client.get_session()
    failures = [problem for pod in pods if (problem := _pod_problem(session, pod))]
    if failures:
        return Result(Code.FAILURE, "Unreachable pods: " + "; ".join(failures))
    return Result(Code.SUCCESS, f"All {len(pods)} pods answer on their identity "
                  "or compute endpoints.")


def _pod_problem(session, pod: dict) -> str | None:
    """Why the pod's region cannot be reached, None when it answers."""
    region = pod["region_name"]
    for service_type in ("compute", "network", "volumev3", "identity"):
        url = client.endpoint_for(session, region, service_type)
        if url is None:
            continue
        try:
            session.get(url, authenticated=False, raise_exc=False,
                        connect_retries=0, timeout=CONF.client.connect_timeout)
        except ks_exc.ConnectFailure as exc:
            return f"{region} ({service_type} at {url}): {exc}"
        return None
    return f"{region}: no endpoint in the Keystone catalog"


class Checks(upgradecheck.UpgradeCommands):
    _upgrade_checks = (
        ("Database schema", lambda self: _check_database()),
        ("Policy file", lambda self: _check_policy_file()),
        ("Policy File JSON to YAML Migration", (common_checks.check_policy_json,
                                                {"conf": CONF})),
        ("Pods reachable", lambda self: _check_pods_reachable()),
    )


def main() -> None:
    config.register_opts()
    policy.get_enforcer()  # registers [oslo_policy], which the policy check reads
    sys.exit(upgradecheck.main(CONF, project="tricircle", upgrade_command=Checks()))
