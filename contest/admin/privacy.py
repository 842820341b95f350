"""Audit-log actions for personal data: exports and erasures on request, purges after the retention period."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from ..services import privacy


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    actions.register_action(privacy.EXPORTED, _("Export personal data"), _("Exported personal data on request"))
    actions.register_action(privacy.ERASED, _("Erase personal data"), _("Erased personal data on request"))
    actions.register_action(
        privacy.AUTHOR_DATA_PURGED, _("Purge authors' data"), _("Removed authors' contact data after retention")
    )
