"""Pure rules of trunks across regions, shared by central Neutron and xjob.

A trunk made centrally lives in its parent port's region: that region holds a
*bottom* trunk on the parent port's copy, whose subports are the copies (same
ids) of the central subports with the same segmentation type and id. Neutron
gives the bottom trunk its own id, so the pair is a routing (``trunk``). No
Neutron import: the tests run in the default tier.
"""

from collections.abc import Iterable, Mapping

TRUNK = "trunk"
SUB_PORTS = "sub_ports"
TRUNK_KEYS = ("name", "description", "admin_state_up")


def subport(entry: Mapping) -> dict:
    return {key: entry[key] for key in ("port_id", "segmentation_type", "segmentation_id")}


def trunk_body(top: Mapping) -> dict:
    """The bottom trunk of central trunk ``top`` (the parent and subports keep their ids)."""
    body = {key: top[key] for key in TRUNK_KEYS if key in top}
    body.update(port_id=top["port_id"], project_id=top["project_id"],
                sub_ports=[subport(entry) for entry in top.get(SUB_PORTS) or []])
    return body


def trunk_changes(top: Mapping, bottom: Mapping) -> dict:
    return {key: top[key] for key in TRUNK_KEYS if key in top and top[key] != bottom.get(key)}


def diff_subports(wanted: Iterable[Mapping], held: Iterable[Mapping]
                  ) -> tuple[list[dict], list[dict]]:
    """(subports to add, subports to remove) that make ``held`` what ``wanted`` says; a
    subport whose segmentation changed is removed and added again."""
    want = {entry["port_id"]: subport(entry) for entry in wanted}
    have = {entry["port_id"]: subport(entry) for entry in held}
    remove = [entry for port_id, entry in have.items() if want.get(port_id) != entry]
    add = [entry for port_id, entry in want.items() if have.get(port_id) != entry]
    return add, remove


def trunk_of_port(port: Mapping | None) -> str | None:
    """The trunk whose parent ``port`` is (Neutron's ``trunk_details``), if any."""
    return ((port or {}).get("trunk_details") or {}).get("trunk_id")
