"""App config for the site-wide Wagtail pieces."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site")

    def ready(self):
        from home.collation import connect_signals

        # SQLite learns the Vietnamese collation on every new connection (PostgreSQL has ICU's vi-x-icu).
        connect_signals()
