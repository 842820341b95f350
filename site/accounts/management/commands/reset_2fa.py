"""Remove a staff member's authenticator and backup codes so they can set up a new phone."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services.two_factor import reset_two_factor


class Command(BaseCommand):
    help = "Reset two-factor authentication of one user (lost phone): the next sign-in starts the setup again."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        reset_two_factor(user=user)
        self.stdout.write(self.style.SUCCESS(f"Two-factor authentication reset for {username}."))
