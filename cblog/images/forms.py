from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from cblog.images.processing import POST_IMAGE, process_image


class CurrentImageInput(forms.ClearableFileInput):
    """The current picture as a thumbnail with a "Remove" box; choosing a file replaces it."""

    template_name = "images/current_image_input.html"


class ImageUploadField(forms.FileField):
    """A file field validated by content: cleans to a ProcessedImage (or False when cleared)."""

    widget = CurrentImageInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def __init__(self, *, spec=POST_IMAGE, **kwargs):
        self.spec = spec
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is False:
            return False
        if not upload or upload is initial:
            return None
        try:
            return process_image(upload, self.spec)
        except ValidationError as error:
            # Browsers never send a file back with the form, so say which one was refused.
            raise ValidationError(
                [f"“{upload.name}” was not saved: {message}" for message in error.messages]
                + ["Choose it again once fixed, or another picture; the rest of the form is kept."]
            ) from error


class ImageUploadMixin:
    """For a model form with one ImageUploadField named after the instance's OwnedImageField.

    The widget shows the current picture's thumbnail with its "Remove" box; `new_image` and
    `image_removed` say what the upload asks for, the same way in every form.
    """

    image_field = "image"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        image = getattr(self.instance, self.image_field)
        field = self.fields[self.image_field]
        field.initial = image.thumbnail if image else None
        # static/js/forms.js refuses a larger file before it is sent.
        field.widget.attrs["data-max-bytes"] = settings.IMAGE_MAX_BYTES

    @property
    def new_image(self):
        return self.cleaned_data.get(self.image_field) or None

    @property
    def image_removed(self):
        return self.cleaned_data.get(self.image_field) is False
