"""Security headers beyond Django's own: the Content Security Policy per area, Permissions-Policy, client IPs."""

import re

from csp.constants import HEADER
from csp.middleware import CSPMiddleware

from django.conf import settings

FRAME_ANCESTORS = re.compile(r"frame-ancestors[^;]*")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two policies: a strict one for the public site and a wider one for the Wagtail admin.

    Wagtail 8's admin still writes inline scripts (date choosers, inline panels) and inline styles, so the admin
    policy allows them, while scripts from any other origin stay refused. The public site allows no inline
    script or style at all.

    Framing: every response refuses it (`frame-ancestors 'none'`), except one that marks itself
    `X-Frame-Options: SAMEORIGIN`. Wagtail's preview does so after rendering the page through the whole
    middleware stack (with the public policy already set), so the directive is rewritten here, on the way out.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.CSP_ADMIN_PATH_PREFIXES))
        ):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if HEADER in response and response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            response[HEADER] = FRAME_ANCESTORS.sub("frame-ancestors 'self'", response[HEADER])
        return response


class PermissionsPolicyMiddleware:
    """Turn off browser features the site never uses, so injected content cannot use them either."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED_FEATURES)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def client_ip(request):
    """The visitor's address as the trusted reverse proxies saw it (for login throttling and rate limits).

    `TRUSTED_PROXY_COUNT` proxies append to X-Forwarded-For; the entry they added for the visitor is the
    count-th from the right. Entries further left were sent by the client and can be forged, so they are ignored.
    With no trusted proxy (development), the socket's address is the only truth.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= count:
        return forwarded[-count]
    return remote
