"""Fixtures and settings every test package shares.

Hypothesis: no check may depend on how fast the machine is. A fresh clone has no ``.hypothesis``
folder and builds its caches on the first run, and CI runs on a shared, busy machine, so the
speed-based health check (``too_slow``) and the per-example deadline are off for every test. What a
test can find does not change; only how long it may take.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "prongsai",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("prongsai")
