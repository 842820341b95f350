"""`manage.py bootstrap`: the site skeleton, the plan's data and demo content, each step idempotent."""

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each app adds its loader here; order matters (the plan's movements before exemplars, exemplars before entries).
STEPS = [
    "home.demo.load",
    "exemplar_pages.loaders.load_plan",
    "exemplar_pages.demo.load",
    "contest.demo.load",
    "contest.demo_judging.load",
    "contest.demo_voting.load",
]


class Command(BaseCommand):
    help = "Create the site's pages, load the plan's data and the demo content; safe to run again."

    def handle(self, *args, **options):
        for dotted in STEPS:
            result = import_string(dotted)()
            self.stdout.write(f"{dotted}: {result}")
