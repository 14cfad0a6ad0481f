import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

# (user name, group, superuser): one of each role, so a newcomer can try the two-person workflow
# (an editor drafts, a publisher publishes) at once. The groups come from a migration.
ACCOUNTS = [
    ("admin", None, True),
    ("editor", "Editors", False),
    ("publisher", "Publishers", False),
]


def password_file(username):
    return Path(settings.BASE_DIR) / f".{username}-password"


class Command(BaseCommand):
    help = (
        "Development only: make sure an administrator, an editor and a publisher can log into "
        "the admin, and print how. Passwords are random, each kept in .<user>-password (git "
        "ignores them), and stay the same from one run to the next."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", default="http://127.0.0.1:8000", help="where the site is served"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_users is for a development machine (DJANGO_DEBUG=1) only.")
        self.stdout.write(f"Admin: {options['site']}/admin/")
        for username, group, superuser in ACCOUNTS:
            password = self.password(username)
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.is_staff = user.is_active = True
            user.is_superuser = superuser
            if not user.check_password(password):
                user.set_password(password)
            user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            role = group or "superuser"
            self.stdout.write(
                self.style.SUCCESS(f"  user: {username:<10} password: {password}  ({role})")
            )

    def password(self, username):
        path = password_file(username)
        if path.exists():
            return path.read_text().strip()
        password = secrets.token_urlsafe(12)
        path.write_text(password + "\n")
        path.chmod(0o600)
        return password
