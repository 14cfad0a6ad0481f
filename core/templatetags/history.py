from django import template

from core.history import comment_text

register = template.Library()


@register.filter
def history_comment(revision):
    """A revision's comment in the reader's language."""
    return comment_text(revision)
