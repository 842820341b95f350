"""Keep staff who have only typed their password out of the admin until they give a one-time code."""

from urllib.parse import urlencode

import django_otp

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .services.two_factor import staff_needs_second_factor

TWO_FACTOR_PREFIX = "/admin/2fa/"
# Admin URLs that stay open before the second factor: signing in and out, and what the 2FA pages themselves load.
OPEN_URL_NAMES = ("wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_sprite", "wagtailadmin_javascript_catalog")


class StaffTwoFactorMiddleware:
    """With STAFF_2FA_REQUIRED, a staff user reaches protected paths only after a verified device.

    Must come after django_otp's OTPMiddleware, which marks `request.user.is_verified()`. Without a confirmed device
    the user is sent to set one up; with one, to enter a code. Sign-in, sign-out and the 2FA pages stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_2FA_REQUIRED and self.must_verify(request):
            target = "accounts:verify" if django_otp.user_has_device(request.user) else "accounts:setup"
            next_url = request.get_full_path() if request.method == "GET" else reverse("wagtailadmin_home")
            return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
        return self.get_response(request)

    @staticmethod
    def must_verify(request):
        path = request.path_info
        if not path.startswith(tuple(settings.STAFF_2FA_PROTECTED_PATH_PREFIXES)):
            return False
        if path.startswith(TWO_FACTOR_PREFIX) or path in {reverse(name) for name in OPEN_URL_NAMES}:
            return False
        user = request.user
        return staff_needs_second_factor(user) and not user.is_verified()
