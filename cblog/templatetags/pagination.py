"""The pagination bar's links and label (templates/includes/pagination.html), worked out here:
Django's own, {% querystring %} and a localized number, cost more than the rest of the bar."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """This page's query with its page set, as {% querystring page=number %} writes it, without
    deep-copying the query."""
    query = dict(context.request.GET.lists())
    query["page"] = [number]
    return f"?{urlencode(query, doseq=True)}"


@register.simple_tag
def page_of(page) -> str:
    """“Page 3 of 12”: page numbers are no quantities, so they are never localized."""
    return f"Page {page.number} of {page.paginator.num_pages}"
