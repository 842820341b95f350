"""Audit-log actions for two-factor authentication and the account menu entry for backup codes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks


@hooks.register("register_log_actions")
def register_two_factor_actions(actions):
    actions.register_action(
        "accounts.2fa.enabled", _("Enable two-factor authentication"), _("Two-factor authentication enabled")
    )
    actions.register_action(
        "accounts.2fa.backup_codes_renewed", _("Renew backup codes"), _("Two-factor backup codes renewed")
    )
    actions.register_action(
        "accounts.2fa.reset", _("Reset two-factor authentication"), _("Two-factor authentication reset")
    )


@hooks.register("register_account_menu_item")
def register_backup_codes_menu_item(request):
    return {
        "url": reverse("accounts:backup_codes"),
        "label": _("Two-factor backup codes"),
        "help_text": _("Print new one-time codes for signing in when your phone is not at hand."),
    }
