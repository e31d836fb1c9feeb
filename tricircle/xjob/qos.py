"""qos_sync: a central QoS policy, reconciled in every region that needs it.

Central Neutron queues ``qos_sync`` {policy_id} when a policy or one of its
rules changes or goes, when a port or network gets or loses it, and when a
port using it is bound (tricircle.network.qos). ``sync(policy_id)`` then, in
every region pod:

- finds the central ports and networks using the policy that the pod holds
  (a routing names each copy: tricircle.network.local_plugin records them);
- if any, makes sure the pod has a bottom policy (the ``qos_policy`` routing
  gives its id; Neutron chooses it), with central's name, description and
  sharing, and central's rules by content (tricircle.network.qos_rules), and
  attaches it to those copies;
- takes the bottom policy off every other port and network of the pod, and
  deletes the bottom policy and its routing when nothing there uses it, or
  when central no longer has the policy.

It reconciles with central's state when it runs, so running it twice, late,
or for several changes at once is harmless. A region whose Neutron lacks the
``qos`` extension fails the job naming the region and the extension, before
anything is made there.
"""

from oslo_log import log as logging

from tricircle.common.neutron import Neutron, RemoteError
from tricircle.network import qos_rules
from tricircle.network.qos_rules import POLICY, POLICY_ID
from tricircle.objects import pod as pod_obj
from tricircle.objects import routing
from tricircle.xjob import regions
from tricircle.xjob.registry import Incomplete

LOG = logging.getLogger(__name__)

ATTACHED_KINDS = ("port", "network")


def require_extension(neutron: Neutron, alias: str, purpose: str) -> None:
    """Incomplete naming the region and the extension unless ``neutron`` offers it."""
    aliases = {ext["alias"] for ext in neutron.request("GET", "extensions")["extensions"]}
    if alias not in aliases:
        raise Incomplete(f"{neutron.region_name} Neutron has no {alias!r} extension: "
                         f"{purpose} cannot be made there")


def central_neutron() -> Neutron:
    central = pod_obj.central()
    if central is None:
        raise Incomplete("no central pod is registered: central Neutron cannot be asked")
    return regions.neutron(central.pod_id)


def using(neutron: Neutron, kind: str, policy_id: str, policy: dict) -> list[str]:
    """The ports or networks of ``neutron`` that name ``policy_id`` themselves.

    Neutron cannot filter by ``qos_policy_id``, so the candidates are listed, two
    fields each: the policy's project's, or everyone's when the policy is shared.
    """
    filters = {} if policy.get("shared") else {"project_id": policy["project_id"]}
    found = neutron.find(kind, fields=["id", POLICY_ID], **filters)
    return [item["id"] for item in found if item.get(POLICY_ID) == policy_id]


def attached(central: Neutron, top: dict) -> dict[str, list[str]]:
    """The central ports and networks that name central policy ``top`` themselves."""
    return {kind: using(central, kind, top["id"], top) for kind in ATTACHED_KINDS}


def sync(policy_id: str) -> None:
    """Reconcile the bottom policies of central policy ``policy_id`` in every region pod."""
    central = central_neutron()
    top = central.get(POLICY, policy_id)
    users = attached(central, top) if top else {kind: [] for kind in ATTACHED_KINDS}
    errors = []
    for pod in pod_obj.regional():
        try:
            sync_pod(pod.pod_id, policy_id, top, users)
        except (RemoteError, Incomplete) as exc:
            errors.append(str(exc))
    if errors:
        raise Incomplete("; ".join(errors))


def sync_pod(pod_id: str, policy_id: str, top: dict | None,
             users: dict[str, list[str]]) -> None:
    """Reconcile one pod's bottom policy of ``policy_id`` (``top``: central's, or None)."""
    held = {kind: [id_ for id_ in ids if pod_id in routing.pods_holding(kind, id_)]
            for kind, ids in users.items()}
    neutron = regions.neutron(pod_id)
    bottom_id = _bottom_id(neutron, pod_id, policy_id)
    wanted = top is not None and any(held.values())
    if wanted:
        require_extension(neutron, "qos", f"QoS policy {policy_id}")
        bottom_id = _make_policy(neutron, pod_id, top, bottom_id)
        _sync_rules(neutron, bottom_id, top.get("rules") or [])
        for kind, ids in held.items():
            _attach(neutron, kind, ids, bottom_id)
    if bottom_id is None:
        return
    bottom = neutron.get(POLICY, bottom_id) or {}
    for kind in ATTACHED_KINDS:
        _detach_others(neutron, kind, bottom, held[kind] if wanted else [])
    if not wanted:
        neutron.delete(POLICY, bottom_id)
        routing.forget(POLICY, policy_id, pod_id)
        LOG.info("bottom QoS policy %s of %s deleted in pod %s", bottom_id, policy_id, pod_id)


def _bottom_id(neutron: Neutron, pod_id: str, policy_id: str) -> str | None:
    """The pod's bottom policy of ``policy_id`` by its routing; a routing whose policy
    is gone (deleted in the region by hand) is forgotten."""
    found = next((r for r in routing.of_top(POLICY, policy_id) if r["pod_id"] == pod_id),
                 None)
    if found is None:
        return None
    if neutron.get(POLICY, found["bottom_id"]) is None:
        routing.forget_id(found["id"])
        return None
    return found["bottom_id"]


def _make_policy(neutron: Neutron, pod_id: str, top: dict, bottom_id: str | None) -> str:
    if bottom_id is None:
        made = neutron.create(POLICY, qos_rules.policy_body(top))
        # Recorded at once: a run that stops here leaves a policy the routing names.
        routing.record(POLICY, top["id"], pod_id, top["project_id"], made["id"])
        LOG.info("bottom QoS policy %s of %s made in pod %s", made["id"], top["id"], pod_id)
        return made["id"]
    changes = qos_rules.policy_changes(top, neutron.get(POLICY, bottom_id) or {})
    if changes:
        neutron.update(POLICY, bottom_id, changes)
    return bottom_id


def _sync_rules(neutron: Neutron, bottom_id: str, rules: list[dict]) -> None:
    unknown = qos_rules.unknown_types(rules)
    if unknown:
        raise Incomplete(f"QoS rule types {', '.join(unknown)} are not synced by Tricircle")
    held = neutron.get(POLICY, bottom_id).get("rules") or []
    create, update, delete = qos_rules.diff_rules(rules, held)
    for rule in delete:
        neutron.request("DELETE", qos_rules.rules_path(bottom_id, rule["type"], rule["id"]),
                        missing_ok=True)
    for rule_id, rule in update:
        body = {f"{rule['type']}_rule": qos_rules.rule_body(rule)}
        neutron.request("PUT", qos_rules.rules_path(bottom_id, rule["type"], rule_id), body)
    for rule in create:
        body = {f"{rule['type']}_rule": qos_rules.rule_body(rule)}
        neutron.request("POST", qos_rules.rules_path(bottom_id, rule["type"]), body)


def _attach(neutron: Neutron, kind: str, ids: list[str], bottom_id: str) -> None:
    if not ids:
        return
    # Listed, never looked up by id: a region answers a lookup by id of a central
    # object it lacks by copying it.
    for found in neutron.find(kind, id=ids):
        if found.get(POLICY_ID) != bottom_id:
            neutron.update(kind, found["id"], {POLICY_ID: bottom_id})


def _detach_others(neutron: Neutron, kind: str, bottom: dict, keep: list[str]) -> None:
    if not bottom:
        return
    for found_id in using(neutron, kind, bottom["id"], bottom):
        if found_id not in keep:
            neutron.update(kind, found_id, {POLICY_ID: None})
