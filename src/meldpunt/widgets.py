"""Form widgets the apps' forms share."""

from __future__ import annotations

from functools import cache
from html import escape  # the standard library's: Django's wraps it for lazy texts, per call

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A select rendered in Python instead of one template include per option: the queue's
    filter lists every organisation, and Django's option templates were the page's largest
    cost. Same markup and attributes; flat choices only."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = []
        for option, text in self.choices:
            key = "" if option is None else str(option)
            mark = " selected" if key in chosen else ""
            options.append(f'<option value="{escape(key)}"{mark}>{escape(str(text))}</option>')
        return mark_safe(f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>'
                         + "".join(options) + "</select>")


def plain_options(field: forms.ModelChoiceField, label: str) -> None:
    """Give a model choice field's select its options from one ``values_list`` query (the
    primary key and the ``label`` column, which must be what the model's ``str`` shows)
    instead of a model instance per option. Validation still goes through the field's
    queryset; only the rendering changes."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    @cache
    def options() -> list:
        return empty + list(field.queryset.values_list("pk", label))

    # A callable: Django calls it when the select is rendered, so a form built only to validate
    # or normalise input (a saved view's query) never reads the options; read once per form.
    field.widget.choices = options
