"""`manage.py personal_data export|erase EMAIL`: an organiser answers one person's request about their data."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from contest.services.privacy import erase_personal_data, export_personal_data


class Command(BaseCommand):
    help = (
        "Export (as JSON) or erase everything held about one person, found by e-mail address, as author and as "
        "voter. Erasing keeps entries, published stories, votes and counts. Both are recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument("--reason", default="", help="Why the data is erased (required for erase).")
        parser.add_argument("--output", help="Write the export to this file instead of standard output.")
        parser.add_argument("--by", help="Username of the organiser handling the request (for the audit log).")

    def handle(self, *args, action, email, reason, output, by, **options):
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user named {by!r}.")
        if action == "export":
            text = json.dumps(export_personal_data(email=email, user=user), ensure_ascii=False, indent=2)
            if output:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
                self.stdout.write(f"Written to {output}")
            else:
                self.stdout.write(text)
            return
        if not reason.strip():
            raise CommandError("Give the reason for erasing with --reason.")
        entries, voters = erase_personal_data(email=email, reason=reason, user=user)
        self.stdout.write(f"Erased: {entries} entries' author data, {voters} voter records.")
