from django import forms

from cblog.images.processing import POST_IMAGE, process_image


class ImageUploadField(forms.FileField):
    """A file field validated by content: cleans to a ProcessedImage (or False when cleared)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

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
        return process_image(upload, self.spec)


class ImageUploadMixin:
    """For a model form with one ImageUploadField named after the instance's OwnedImageField.

    The widget shows the current picture with its "Clear" box; `new_image` and `image_removed`
    say what the upload asks for, the same way in every form.
    """

    image_field = "image"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        image = getattr(self.instance, self.image_field)
        self.fields[self.image_field].initial = image.display if image else None

    @property
    def new_image(self):
        return self.cleaned_data.get(self.image_field) or None

    @property
    def image_removed(self):
        return self.cleaned_data.get(self.image_field) is False
