from modeltranslation.translator import TranslationOptions, register

from .models import Country, Official, Organization, Post


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ja", "en")


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "short_name")
    required_languages = ("ja",)


@register(Official)
class OfficialTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ja",)


@register(Post)
class PostTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("ja",)
