"""Central quota's cache of Keystone limits and its over-limit arithmetic."""

from tests.unit.gateway.fakes import Later
from tricircle.gateway import unified_limits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Keystone:
    """Counts the reads the cache makes; answers the current limits."""

    def __init__(self) -> None:
        self.reads = 0
        self.limits = {"servers": 10}

    def read(self) -> dict[str, int]:
        self.reads += 1
        return dict(self.limits)


def test_a_limit_is_never_kept_past_its_period():
    # Its read in the background is held (Keystone slow): the period still holds.
    clock, keystone = Clock(), Keystone()
    cache = unified_limits.LimitsCache(clock, Later())
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 10}
    keystone.limits = {"servers": 2}  # lowered in Keystone
    clock.now += 9.9
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 10}
    assert keystone.reads == 1
    clock.now += 0.2  # the staleness bound has passed
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 2}
    assert keystone.reads == 2


def test_a_limit_in_the_second_half_of_its_life_is_read_again_off_the_path():
    clock, keystone, later = Clock(), Keystone(), Later()
    cache = unified_limits.LimitsCache(clock, later)
    cache.get(("compute", None), keystone.read, 10)
    clock.now += 4.9
    cache.get(("compute", None), keystone.read, 10)
    assert later.work == []
    keystone.limits = {"servers": 2}
    clock.now += 0.2
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 10}
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 10}
    assert later.work == []  # due, but started only once the answer is written
    cache.start_due()
    assert len(later.work) == 1  # one read at a time per key
    assert keystone.reads == 1
    later.run()
    assert keystone.reads == 2
    clock.now += 9  # 14.1 s after the first read, 9 after the second
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 2}
    assert keystone.reads == 2


def test_a_failed_read_in_the_background_leaves_the_limit_to_expire():
    clock, keystone, later = Clock(), Keystone(), Later()
    cache = unified_limits.LimitsCache(clock, later)
    cache.get(("compute", None), keystone.read, 10)
    clock.now += 6

    def keystone_down():
        raise unified_limits.Unavailable("Keystone is down")

    assert cache.get(("compute", None), keystone_down, 10) == {"servers": 10}
    cache.start_due()
    later.run()  # fails; logged
    clock.now += 4.1
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 10}
    assert keystone.reads == 2  # expired: read on the path again
    clock.now += 6
    cache.get(("compute", None), keystone.read, 10)
    cache.start_due()
    assert len(later.work) == 1  # due again: the failed read did not stay in the way


def test_zero_seconds_reads_keystone_every_time():
    keystone = Keystone()
    cache = unified_limits.LimitsCache(Clock())
    for _ in range(3):
        cache.get(("compute", "demo"), keystone.read, 0)
    assert keystone.reads == 3


def test_projects_and_services_are_cached_apart():
    keystone = Keystone()
    cache = unified_limits.LimitsCache(Clock())
    for key in (("compute", "a"), ("compute", "b"), ("block-storage", "a")):
        cache.get(key, keystone.read, 30)
    assert keystone.reads == 3


def test_expired_entries_are_dropped_when_the_cache_is_full():
    clock, keystone = Clock(), Keystone()
    cache = unified_limits.LimitsCache(clock)
    cache.most_entries = 3
    for project in ("a", "b", "c"):
        cache.get(("compute", project), keystone.read, 5)
    clock.now += 6
    cache.get(("compute", "d"), keystone.read, 5)
    assert len(cache._entries) == 1


def test_clear_forgets_everything():
    keystone = Keystone()
    cache = unified_limits.LimitsCache(Clock())
    cache.get(("compute", None), keystone.read, 30)
    cache.clear()
    cache.get(("compute", None), keystone.read, 30)
    assert keystone.reads == 2


def test_over_limit_names_every_crossed_limit_and_ignores_unlimited():
    known = {"servers": (2, 1), "class:VCPU": (4, 3), "class:MEMORY_MB": (-1, 10**6)}
    over = unified_limits.over_limit("demo", known, {"servers": 2, "class:VCPU": 2,
                                                     "class:MEMORY_MB": 512})
    assert over is not None
    assert [(i.resource_name, i.limit, i.current_usage, i.delta)
            for i in over.over_limit_info_list] == [("class:VCPU", 4, 3, 2),
                                                    ("servers", 2, 1, 2)]


def test_exactly_at_the_limit_fits():
    known = {"volumes": (3, 2), "gigabytes": (10, 9)}
    assert unified_limits.over_limit("demo", known, {"volumes": 1, "gigabytes": 1}) is None
