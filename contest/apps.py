"""App config for the writing contest: editions, entries, judging, voting, awards, publication."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestConfig(AppConfig):
    name = "contest"
    verbose_name = _("Contest")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import messages  # noqa: F401 - registers the contest's e-mail kinds with the outbox
        from .roles import ensure_groups

        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="contest-groups")

        from wagtail.signals import page_published

        from .services.publication import on_page_published

        # The author hears of the story when it goes live, whichever way it goes live; the rule itself lives in
        # the service (once per entry), the signal is only the one seam every publication path passes through.
        page_published.connect(on_page_published, dispatch_uid="contest-story-published")
