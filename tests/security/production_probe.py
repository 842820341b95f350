"""Run inside a subprocess with production settings: request paths over HTTPS and print what came back as JSON."""

import json
import sys

import django


def main(paths):
    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings

    # No collectstatic in a test run: plain static storage instead of the manifest, nothing else changed.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()

    host = settings.ALLOWED_HOSTS[0]
    client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
    report = {"settings": {}, "responses": {}}
    for name in (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "SESSION_COOKIE_AGE",
        "STAFF_2FA_REQUIRED",
        "AXES_ENABLED",
        "TRUSTED_PROXY_COUNT",
        "SECURE_SSL_REDIRECT",
    ):
        report["settings"][name] = getattr(settings, name)
    for path in paths:
        response = client.get(path, secure=True)
        report["responses"][path] = {
            "status": response.status_code,
            "headers": dict(response.headers),
            "cookies": {
                name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"])}
                for name, m in response.cookies.items()
            },
        }
    insecure = client.get(paths[0], secure=False, HTTP_X_FORWARDED_PROTO="http")
    report["plain_http"] = {"status": insecure.status_code, "location": insecure.headers.get("Location", "")}
    sys.stdout.write(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
