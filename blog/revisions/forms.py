from django import forms


class CompareForm(forms.Form):
    """Two revisions of one post, older and newer by their ids (any order is accepted)."""

    old = forms.ModelChoiceField(queryset=None, label="From", error_messages={
        "invalid_choice": "Choose a revision of this post to compare from.",
        "required": "Choose a revision to compare from.",
    })  # fmt: skip
    new = forms.ModelChoiceField(queryset=None, label="To", error_messages={
        "invalid_choice": "Choose a revision of this post to compare to.",
        "required": "Choose a revision to compare to.",
    })  # fmt: skip

    def __init__(self, *args, revisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].queryset = self.fields["new"].queryset = revisions

    def clean(self):
        data = super().clean()
        old, new = data.get("old"), data.get("new")
        if old and new and old.pk > new.pk:
            data["old"], data["new"] = new, old
        return data
