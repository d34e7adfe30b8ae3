"""Remove the authenticator app and recovery codes of one account (phone and codes both lost)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from konvergensi.accounts import services, two_factor


class Command(BaseCommand):
    help = "Turn off two-factor login for one account, after checking who is asking (audited)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Akun {username!r} tidak ada.")
        if not two_factor.is_enabled(user):
            raise CommandError(f"Verifikasi dua langkah akun {username!r} tidak aktif.")
        two_factor.disable(user)
        membership = getattr(user, "membership", None)
        services.audit(
            by=None,
            action="two_factor.reset",
            target=user,
            region_kode=(membership.region_id or "") if membership else "",
            data={"username": username, "by": "server"},
        )
        self.stdout.write(f"Verifikasi dua langkah akun {username} dinonaktifkan.")
