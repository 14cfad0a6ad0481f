import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releases.models import Release, ReleaseUpdate


def new_token():
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)

    def expired(self):
        """Requests never confirmed within ALERTS_CONFIRM_HOURS: they are deleted."""
        limit = timezone.now() - datetime.timedelta(hours=settings.ALERTS_CONFIRM_HOURS)
        return self.pending().filter(requested_at__lt=limit)

    def for_address(self, email):
        return self.filter(email=normalize_address(email))


def normalize_address(email):
    """Addresses are kept lower-case: one person, one set of limits and subscriptions."""
    return email.strip().lower()


class Subscription(models.Model):
    """An address that asked for e-mail about the releases a list shows (its filters)."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("at once")
        DAILY = "daily", _("once a day")

    email = models.EmailField(_("e-mail address"))
    query = models.CharField(
        _("filters"),
        max_length=500,
        blank=True,
        help_text=_("The release list's filters, as a query string; empty for every release."),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    updates = models.BooleanField(
        _("also send updates"),
        default=False,
        help_text=_("Also e-mail the major corrections published to releases of the list."),
    )
    # Secret: the confirmation and unsubscribe links carry it.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # Names the subscription in links to manage every subscription of its address: signed and
    # time-stamped there (alerts.mail.manage_token), so those links expire; never the address.
    manage_key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email", "query"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="alerts_one_per_filter"),
            models.CheckConstraint(
                condition=Q(frequency__in=["immediate", "daily"]), name="alerts_frequency_valid"
            ),
        ]
        indexes = [models.Index(fields=["frequency", "confirmed_at"], name="alerts_due_idx")]

    def __str__(self):
        return f"{self.email} ({self.query or '*'})"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class Delivery(models.Model):
    """A release sent to a subscription. The row is written in the transaction that hands the
    message to the mail server, and the constraint refuses a second one: a retry, or a second
    worker, finds it and sends nothing."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "release"], name="alerts_delivery_once"
            ),
        ]

    def __str__(self):
        return f"{self.release_id} → {self.subscription_id}"


class UpdateDelivery(models.Model):
    """A major update of a release sent to a subscription: as a Delivery, written in the
    transaction that hands the message to the mail server, and refused a second time, so a
    retried run sends only what did not go out."""

    update = models.ForeignKey(ReleaseUpdate, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="update_deliveries"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("update delivery")
        verbose_name_plural = _("update deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "update"], name="alerts_update_delivery_once"
            ),
        ]

    def __str__(self):
        return f"{self.update_id} → {self.subscription_id}"
