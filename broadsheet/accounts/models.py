import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_avatar_seed() -> str:
    return secrets.token_hex(8)


class Member(models.Model):
    """A reader's public identity and preferences, beside Django's user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    display_name = models.CharField(_("display name"), max_length=40)
    # Equal for names a reader could not tell apart (accounts/names.py).
    name_key = models.CharField(max_length=80, unique=True, editable=False)
    handle = models.SlugField(max_length=60, unique=True, editable=False)
    bio = models.TextField(_("about you"), max_length=500, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    avatar_seed = models.CharField(max_length=16, default=new_avatar_seed)
    notify_replies = models.BooleanField(
        _("email me when someone replies to my comments"), default=False
    )
    banned_at = models.DateTimeField(null=True, blank=True)
    ban_reason = models.CharField(max_length=200, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("accounts:member", args=[self.handle])

    @property
    def avatar_url(self) -> str:
        return reverse("accounts:avatar", args=[self.avatar_seed])

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None
