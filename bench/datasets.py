"""Builds the benchmark database at a given scale and returns the URLs each scenario reads.

Run inside Django (bench/run.py calls `python bench/datasets.py SCALE` with the bench settings). Each area adds a
builder to BUILDERS; a builder takes the scale's numbers and returns {scenario name: path}.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

SCALES = {
    "tiny": {"exemplars": 10, "entries": 20, "judges": 3},
    "small": {"exemplars": 100, "entries": 500, "judges": 7},
    "large": {"exemplars": 10_000, "entries": 5_000, "judges": 7},
}


def build_home(numbers):
    from home.demo import ensure_site

    ensure_site()
    return {"home": "/", "search": "/tim-kiem/?q=nguoi+tot"}


BUILDERS = [build_home]


def build(scale):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    numbers = SCALES[scale]
    paths = {}
    for builder in BUILDERS:
        paths.update(builder(numbers))
    return paths


if __name__ == "__main__":
    print(json.dumps(build(sys.argv[1])))
