import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PASSWORD_FILE = Path(settings.BASE_DIR) / ".admin-password"


class Command(BaseCommand):
    help = (
        "Development only: make sure a superuser 'admin' can log into the admin, and print how. "
        "The password is random, kept in .admin-password (git ignores it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", default="http://127.0.0.1:8000", help="where the site is served"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_users is for a development machine (DJANGO_DEBUG=1) only.")
        if PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        user, _ = get_user_model().objects.get_or_create(username="admin")
        user.is_staff = user.is_superuser = user.is_active = True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {options['site']}/admin/  user: admin  password: {password}"
            )
        )
