"""The cache answers over a real connection: Redis when REDIS_URL is set (CI's second pass), local memory otherwise."""

import os
import uuid

from django.conf import settings
from django.core.cache import cache


def test_cache_backend_follows_the_environment():
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "").startswith("redis"):
        assert backend == "django.core.cache.backends.redis.RedisCache"
    else:
        assert backend.endswith("LocMemCache")


def test_cache_round_trip_and_atomic_increment():
    key = f"test:{uuid.uuid4()}"
    cache.set(key, 41, timeout=30)
    assert cache.incr(key) == 42
    assert cache.get(key) == 42
    cache.delete(key)
    assert cache.get(key) is None
