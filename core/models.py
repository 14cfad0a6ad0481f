from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
