from django import forms

from cblog.forms import HoneypotForm
from cblog.pages.models import ContactMessage


class ContactForm(HoneypotForm, forms.ModelForm):
    spam_message = "This message looks automated, so it was not sent."

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "message"]
        labels = {"name": "Your name", "email": "Your email address", "message": "Your message"}
        help_texts = {"email": "We answer to this address and use it for nothing else."}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def clean_name(self):
        # The name goes into the mail's subject, where a line break would start a header.
        name = self.cleaned_data["name"]
        if any(character in name for character in "\r\n"):
            raise forms.ValidationError("Write your name on one line.", code="line_break")
        return name
