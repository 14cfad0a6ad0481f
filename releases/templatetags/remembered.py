"""`{% url %}`, `{% static %}`, `{% translate %}` and `|date`: Django's, with what they make
remembered.

The same tags and filter as Django's, with the same arguments, `as` form and errors;
`{% load remembered %}` puts them in place of Django's in that template (after `i18n` and
`static`). A page asks for the same dozen addresses, labels and dates on every request, and
Django makes each again: `url` reverses (some 15 µs), `translate` looks the message up in the
language's catalogues and escapes it (10 µs), `date` reads the language's formats and walks the
format string (25 µs for a day, 50 for a moment). Here an address is looked up by name,
arguments, language, namespace and URLconf (`core.links.reverse`), a static file's by path
(`core.links.static`), a date's text by value, time zone, format and language
(`core.links.date`), a label written in the template by message and language (`_labels`).
"""

import datetime

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Variable, defaultfilters, defaulttags
from django.templatetags import i18n
from django.templatetags import static as django_static
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from core import links

register = template.Library()


class URLNode(defaulttags.URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:  # as Django's tag finds it
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = links.reverse(view_name, *args, current_app=current_app, **kwargs)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        except TypeError:  # an argument that cannot be a key (a list): Django's own tag
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)


class StaticNode(django_static.StaticNode):
    def url(self, context):
        return links.static(self.path.resolve(context))


@register.tag
def static(parser, token):
    return StaticNode.handle_token(parser, token)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if isinstance(value, datetime.date | datetime.time):
        try:
            return links.date(value, arg)
        except TypeError:  # a format that cannot be a key
            pass
    return defaultfilters.date(value, arg)


# {(message, noop, language, autoescape): text} of the messages written in templates: as many
# as the templates hold, times the languages.
_labels = {}


class TranslateNode(i18n.TranslateNode):
    def render(self, context):
        var = self.filter_expression.var
        if (
            self.message_context
            or self.filter_expression.filters
            or not isinstance(var, Variable)
            or var.literal is None
        ):
            return super().render(context)  # a variable, a filter, a context: as Django does
        key = (var.literal, self.noop, get_language(), context.autoescape)
        text = _labels.get(key)
        if text is None:
            text = _labels[key] = self.text(context)
        if self.asvar:
            context[self.asvar] = text
            return ""
        return text

    def text(self, context):
        """What Django's tag shows (`i18n.TranslateNode.render` without `as`)."""
        self.filter_expression.var.translate = not self.noop
        value = template.base.render_value_in_context(
            self.filter_expression.resolve(context), context
        )
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value  # noqa: S308 - safe as Django had it


@register.tag("translate")
@register.tag("trans")
def translate(parser, token):
    node = i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


@receiver(setting_changed)
def _forget(**kwargs):
    _labels.clear()  # languages, catalogues (LOCALE_PATHS): any of them
