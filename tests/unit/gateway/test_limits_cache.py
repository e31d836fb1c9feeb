"""Central quota's cache of Keystone limits and its over-limit arithmetic."""

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


def test_a_limit_is_read_again_only_after_its_period():
    clock, keystone = Clock(), Keystone()
    cache = unified_limits.LimitsCache(clock)
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 10}
    keystone.limits = {"servers": 2}  # lowered in Keystone
    clock.now += 9.9
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 10}
    assert keystone.reads == 1
    clock.now += 0.2  # the staleness bound has passed
    assert cache.get(("compute", None), keystone.read, 10) == {"servers": 2}
    assert keystone.reads == 2


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
