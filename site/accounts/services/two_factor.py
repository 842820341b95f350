"""Turning two-factor authentication on, renewing backup codes and resetting a staff member's devices."""

import secrets

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.conf import settings
from django.db import transaction
from django.utils.functional import LazyObject, empty

from wagtail.log_actions import log

AUTHENTICATOR_NAME = "authenticator"
BACKUP_NAME = "backup"
# Letters and digits that cannot be misread for one another when copied from paper.
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _concrete(user):
    """request.user is a lazy wrapper; the audit log needs the model instance behind it."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def staff_needs_second_factor(user):
    """Anyone who may enter the Wagtail admin signs in with a second factor."""
    return user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin")


def pending_authenticator(*, user):
    """The user's unconfirmed authenticator, created on first need so the QR code stays the same across reloads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def new_backup_code():
    return "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(10))


def _replace_backup_codes(user):
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [new_backup_code() for _ in range(settings.STAFF_2FA_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm_authenticator(*, user, device):
    """Mark a verified authenticator as the user's only one and issue fresh backup codes (returned once).

    Side effects: other authenticators of the user are deleted; one audit-log entry `accounts.2fa.enabled`.
    """
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_backup_codes(user)
    log(_concrete(user), "accounts.2fa.enabled", user=_concrete(user))
    return codes


@transaction.atomic
def renew_backup_codes(*, user):
    """Replace every backup code of the user; the old ones stop working. One audit-log entry."""
    codes = _replace_backup_codes(user)
    log(_concrete(user), "accounts.2fa.backup_codes_renewed", user=_concrete(user))
    return codes


@transaction.atomic
def reset_two_factor(*, user, by=None):
    """Remove every device of the user (lost phone): the next sign-in starts the setup again. One audit-log entry."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log(_concrete(user), "accounts.2fa.reset", user=by)
