from modeltranslation.translator import TranslationOptions, register

from .models import (
    Agreement,
    Attachment,
    Contact,
    Meeting,
    MeetingParticipant,
    Photo,
    Release,
    Section,
    TopicalEvent,
)


@register(Release)
class ReleaseTranslation(TranslationOptions):
    fields = ("title", "subtitle", "lead", "department", "withdrawal_reason")
    required_languages = {"ja": ("title",)}


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("heading", "body")


@register(Contact)
class ContactTranslation(TranslationOptions):
    fields = ("department", "persons")
    required_languages = {"ja": ("department",)}


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "place", "summary")


@register(MeetingParticipant)
class MeetingParticipantTranslation(TranslationOptions):
    fields = ("title",)


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("title", "subject")
    required_languages = {"ja": ("title",)}


@register(Photo)
class PhotoTranslation(TranslationOptions):
    fields = ("caption", "credit", "alt_text")


@register(Attachment)
class AttachmentTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = {"ja": ("title",)}


@register(TopicalEvent)
class TopicalEventTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"ja": ("name",)}
