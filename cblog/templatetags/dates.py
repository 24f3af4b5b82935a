from django import template
from django.template.defaultfilters import date

register = template.Library()


@register.filter
def datetime_attr(value):
    """The value for a <time datetime> attribute: HTML allows at most three digits of a second,
    so whole seconds with the offset ('c' would print microseconds)."""
    return date(value, r"Y-m-d\TH:i:sO")
