"""Personal API tokens: the secret is shown once and only its SHA-256 is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama token"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)  # the first characters, to recognise a token
    hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the whole secret
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires > timezone.now()
