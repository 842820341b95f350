"""The second sign-in step for staff: set up an authenticator app, enter a code, print backup codes."""

import base64
import io
from base64 import b32encode

import django_otp
from axes.helpers import get_cool_off, get_failure_limit
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .forms import AuthenticatorCodeForm, SecondFactorForm
from .services.two_factor import confirm_authenticator, pending_authenticator, renew_backup_codes

FRESH_CODES_SESSION_KEY = "accounts_fresh_backup_codes"


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


def qr_code_data_uri(text):
    """The QR code as an SVG data URI: drawn on the server, so no image is fetched from anywhere else."""
    # Imported here: qrcode costs every worker ~10 MiB, and only staff setting up two-factor sign-in use it.
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@never_cache
@sensitive_post_parameters("token")
@login_required
def setup(request):
    """Show the QR code of a new authenticator and confirm it with the first code the app shows."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        # A stolen password must not be enough to replace the owner's authenticator.
        return redirect(f"{reverse('accounts:verify')}?next={_next_url(request)}")
    device = pending_authenticator(user=user)
    form = AuthenticatorCodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        codes = confirm_authenticator(user=user, device=device)
        django_otp.login(request, device)
        request.session[FRESH_CODES_SESSION_KEY] = codes
        return redirect(f"{reverse('accounts:backup_codes')}?next={_next_url(request)}")
    secret = b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "qr_code": qr_code_data_uri(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "next": _next_url(request),
    }
    return TemplateResponse(request, "accounts/setup.html", context)


@never_cache
@sensitive_post_parameters("token")
@login_required
def verify(request):
    """Ask for a code after the password; a backup code works once."""
    user = request.user
    if not django_otp.user_has_device(user):
        return redirect(f"{reverse('accounts:setup')}?next={_next_url(request)}")
    if getattr(user, "is_verified", lambda: False)():
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        django_otp.login(request, form.device)
        return redirect(_next_url(request))
    return TemplateResponse(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def backup_codes(request):
    """Show freshly issued backup codes once; a POST replaces them all with new ones."""
    user = request.user
    if settings.STAFF_2FA_REQUIRED and not user.is_verified():
        return redirect(f"{reverse('accounts:verify')}?next={request.get_full_path()}")
    if request.method == "POST":
        if not django_otp.user_has_device(user):
            return redirect(reverse("accounts:setup"))
        request.session[FRESH_CODES_SESSION_KEY] = renew_backup_codes(user=user)
        return redirect(reverse("accounts:backup_codes"))
    codes = request.session.pop(FRESH_CODES_SESSION_KEY, None)
    context = {"codes": codes, "has_device": django_otp.user_has_device(user), "next": _next_url(request)}
    return TemplateResponse(request, "accounts/backup_codes.html", context)


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: a Vietnamese page with 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
    }
    return TemplateResponse(request, "accounts/lockout.html", context, status=429).render()
