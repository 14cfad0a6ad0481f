"""`{% url %}`, `{% static %}` and `|date`, with what they make remembered.

The same tags as Django's, with the same arguments, `as` form and errors; `{% load links %}`
puts them in place of Django's in that template (after `static`). A page asks for the same
dozen addresses on every request: Django's `url` reverses each (some 15 µs), this one looks it
up by name, arguments, language, namespace and URLconf (`core.links.reverse`); a static file's
address is remembered by path (`core.links.static`). The `date` filter is Django's, its text
remembered by value, time zone, format and language (`core.links.date`).
"""

import datetime

from django import template
from django.template import defaultfilters, defaulttags
from django.templatetags import static as django_static
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

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
