"""`manage.py ensure_superuser`: a development administrator, created once with a generated password."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = settings.BASE_DIR / ".dev-superuser"


class Command(BaseCommand):
    help = "Create the development superuser if none exists and print its name and password once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_superuser is for development (DEBUG) only.")
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            hint = f" (saved in {CREDENTIALS_FILE.name})" if CREDENTIALS_FILE.exists() else ""
            self.stdout.write(f"Superuser exists: {User.objects.filter(is_superuser=True).first().username}{hint}")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(
            username=username,
            email=f"{username}@localhost",
            password=password,
            first_name="Quản trị",
            last_name="viên",
        )
        CREDENTIALS_FILE.write_text(f"{username}\n{password}\n")
        CREDENTIALS_FILE.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Superuser created: username {username}, password {password} (also in {CREDENTIALS_FILE.name})"
            )
        )
