"""`manage.py load_plan`: the 2021–2025 plan's agencies, plan page, movements and targets; safe to run again."""

from django.core.management.base import BaseCommand

from exemplar_pages.loaders import load_plan


class Command(BaseCommand):
    help = "Load Plan 310/KH-UBND (2021–2025): agencies, the plan page, its 16 movements and their targets."

    def handle(self, *args, **options):
        self.stdout.write(load_plan())
