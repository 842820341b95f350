"""App config for movements, exemplars, agencies, localities and plans."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExemplarPagesConfig(AppConfig):
    name = "exemplar_pages"
    verbose_name = _("Movements and exemplars")

    def ready(self):
        from . import signals

        # The library's cached filter menus and the page cache both show locality and tag names.
        signals.connect()
