"""Production settings: refuse to start without secrets, and pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

COMPLETE_ENVIRONMENT = {
    "SECRET_KEY": "k3y-" + "q8Zr7Vw2Lp5Xs9Tn4Mb6Hc1Jd0Gf3Ky8Ua5Ie2Oo7Pi4" * 2,
    "ALLOWED_HOSTS": "guongnguoitot.tayninh.gov.vn",
    "RECAPTCHA_PUBLIC_KEY": "public-key-for-tests",
    "RECAPTCHA_PRIVATE_KEY": "private-key-for-tests",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
}


def run_manage(*args, env_overrides, drop=()):
    # The test process allows async-unsafe ORM calls for the browser tests; production must not inherit that.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in COMPLETE_ENVIRONMENT and k not in drop and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'tmp-never-created.sqlite3'}")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in COMPLETE_ENVIRONMENT.items() if k != "SECRET_KEY"}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_names_every_missing_variable():
    result = run_manage("check", env_overrides={})
    assert result.returncode != 0
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "RECAPTCHA_PUBLIC_KEY", "RECAPTCHA_PRIVATE_KEY"):
        assert name in result.stderr


def test_check_deploy_is_clean_with_a_complete_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=COMPLETE_ENVIRONMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper()
