from django import template

register = template.Library()


@register.inclusion_tag("includes/form_errors.html")
def error_summary(*forms):
    """The field errors of `forms`, each with the id of the field it links to."""
    errors = [
        (field.id_for_label, f"{field.label}: {error}")
        for form in forms
        if form is not None
        for field in form
        for error in field.errors
    ]
    return {"errors": errors}
