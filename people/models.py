from babel import Locale
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import TranslationTracked, Versioned


class Country(Versioned):
    """A country, as ISO 3166-1 lists it. All of them are loaded by a migration."""

    code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2, upper case, e.g. KZ."),
    )
    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(
        _("region"),
        max_length=3,
        blank=True,
        help_text=_("UN M49 sub-region code, e.g. 143 for Central Asia."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_is_alpha2"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:country", kwargs={"code": self.code.lower()})

    @property
    def region(self):
        """The region's name in the active language, from CLDR."""
        if not self.region_code:
            return ""
        locale = Locale.parse(get_language() or "ja", sep="-")
        return locale.territories.get(self.region_code, "")


class Organization(TranslationTracked, Versioned):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        MINISTRY = "ministry", _("Ministry")
        PRESIDENTIAL_OFFICE = "presidential_office", _("Presidential office")
        STATE_COMPANY = "state_company", _("State company")
        COMPANY = "company", _("Company")
        AGENCY = "agency", _("Agency")
        ASSOCIATION = "association", _("Association")
        INTERNATIONAL = "international", _("International organisation")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=80, blank=True, help_text=_("e.g. JOGMEC, ROTOBO.")
    )
    other_names = models.TextField(
        _("other spellings"),
        blank=True,
        help_text=_("One per line: names in other scripts or transliterations, for search."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text=_("Leave empty for international organisations."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Official(TranslationTracked, Versioned):
    """A person the agency meets or signs with. Their posts over time are `Post` rows."""

    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, help_text=_("Used in the official's public URL.")
    )
    name = models.CharField(_("name"), max_length=200)
    other_names = models.TextField(
        _("other spellings"),
        blank=True,
        help_text=_("One per line, e.g. Latin and Cyrillic spellings, so visitors can find them."),
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="officials"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:official", kwargs={"slug": self.slug})

    def post_on(self, day):
        """The post this official held on `day`, or None."""
        posts = self.posts.filter(Q(start_date__isnull=True) | Q(start_date__lte=day))
        posts = posts.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        return (
            posts.select_related("organization")
            .order_by(F("start_date").desc(nulls_last=True))
            .first()
        )


class Post(Versioned):
    """A position an official held, for a period: 大統領 / President, from a date to a date."""

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.CASCADE, related_name="posts"
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. 大統領 / President."))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
    )
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Leave empty while the post is held.")
    )

    class Meta:
        ordering = [
            F("end_date").desc(nulls_first=True),
            F("start_date").desc(nulls_last=True),
            "id",
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="post_ends_after_it_starts",
                violation_error_message=_("A post cannot end before it starts."),
            ),
        ]

    def __str__(self):
        if self.organization_id:
            return f"{self.title}, {self.organization}"
        return self.title
