"""How every form renders: invalid fields marked, the others left alone (django-bootstrap5)."""

from django import forms
from django_bootstrap5.renderers import FieldRenderer


class ErrorsOnlyFieldRenderer(FieldRenderer):
    """Marks a field only when it has an error: a ✓ on a field the person did not get wrong
    (an emptied password box included) says nothing and draws the eye away from the problem."""

    def get_server_side_validation_classes(self):
        return "is-invalid" if self.field_errors else ""


class HoneypotForm(forms.Form):
    """Adds `website`, a honeypot: hidden from people by the stylesheet (`.form-trap`), filled in
    by bots. A filled-in form is refused with `spam_message`, said above the form."""

    spam_message = "This looks automated, so it was not sent."

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(self.spam_message, code="honeypot")
        return super().clean()
