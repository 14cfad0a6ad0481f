"""Abstract models that every app's models may build on."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .translations import updated_marks


class Versioned(models.Model):
    """A row staff edit: every save increments `version`, so a form opened before a colleague's
    save can tell and be refused (core.locking). Queryset `update()` and `bulk_update()` leave it
    alone: they are for derived columns (search text), not for edits.
    """

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    # Fields a history restore leaves as they are (core.history.restore): they change only
    # through their own path. `version` itself is counted on by the restore.
    restore_keeps = ()
    # What those fields become when a restore brings back a row that had been deleted.
    recovered_as = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version += 1
        if kwargs.get("update_fields") is not None:
            stamps = {f.name for f in self._meta.concrete_fields if getattr(f, "auto_now", False)}
            kwargs["update_fields"] = {*kwargs["update_fields"], "version", *stamps}
        super().save(*args, **kwargs)


class TranslationTracked(models.Model):
    """A row with translated fields that knows which of its English texts are missing or older
    than their Japanese (core.translations): each save records what changed."""

    translation_marks = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.translation_marks = updated_marks(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "translation_marks"}
        super().save(*args, **kwargs)


class EditorPreference(models.Model):
    """How one staff member likes the admin's bilingual forms, kept between visits and devices."""

    class Mode(models.TextChoices):
        JAPANESE = "ja", _("Japanese")
        ENGLISH = "en", _("English")
        BOTH = "both", _("Side by side")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="editor_preference",
    )
    translation_mode = models.CharField(
        _("languages shown in forms"), max_length=4, choices=Mode.choices, default=Mode.JAPANESE
    )

    class Meta:
        verbose_name = _("editor preference")
        verbose_name_plural = _("editor preferences")

    def __str__(self):
        return f"{self.user}: {self.get_translation_mode_display()}"

    @classmethod
    def mode_for(cls, user):
        """The translation mode `user` chose last, Japanese until they choose."""
        mode = cls.objects.filter(user_id=user.pk).values_list("translation_mode", flat=True)
        return mode.first() or cls.Mode.JAPANESE


class Review(models.Model):
    """A publisher read the changes to one record (any model with a history) up to one of its
    saved versions (django-reversion's Version id): later versions are the changes still to
    review. One row per review, so who reviewed what, and when, stays known."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE, related_name="+"
    )
    # As reversion's Version keeps it: text, whatever the primary key.
    object_id = models.CharField(_("record"), max_length=191)
    up_to_version = models.PositiveIntegerField(_("reviewed up to version"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("review of changes")
        verbose_name_plural = _("changes to shared records")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-up_to_version"], name="review_latest_idx"
            )
        ]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id} ≤ {self.up_to_version}"
