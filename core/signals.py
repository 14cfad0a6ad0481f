"""Receivers that keep the shared cache exact: a change to content the public sees, by whoever
makes it (admin, history restore, a shell, a command), gives a new content version on commit."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache


def _saved_or_deleted(sender, using, **kwargs):
    cache.content_changed(using)


def _m2m_changed(sender, action, using, **kwargs):
    if action.startswith("post_"):
        cache.content_changed(using)


def watch(app_config, schedule=None, followed=()):
    """Every model of `app_config` (many-to-many tables too) is content shown to the public,
    but those in `followed`, whose app calls `cache.content_changed` itself when a change is
    public (a draft's is not). `schedule()` returns (the latest publication moment passed, the
    next scheduled one)."""
    for model in app_config.get_models(include_auto_created=True):
        if model in followed:
            continue
        uid = f"content-cache-{model._meta.label_lower}"
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=uid)
        m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=uid)
    if schedule is not None and schedule not in cache.schedules:
        cache.schedules.append(schedule)
