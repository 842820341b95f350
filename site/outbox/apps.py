"""App config for the outbox: editable e-mail templates and messages queued, sent on commit and retried."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .registry import ensure_templates

        # Every database (development, tests, production after `migrate`) gets the default templates.
        post_migrate.connect(lambda **kwargs: ensure_templates(), sender=self, weak=False, dispatch_uid="outbox")
