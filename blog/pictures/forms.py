from django import forms
from django.conf import settings

from blog.pictures.services import NewPicture, check_room
from cblog.images.forms import ImageUploadField

ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/gif"


class PictureForm(forms.Form):
    """A picture for the post's text and its alt text; a base of the post form, where the
    picture is added at the end of the text when the form is saved (no script needed)."""

    inline_image = ImageUploadField(
        label="Picture for the text",
        widget=forms.FileInput(attrs={"accept": ACCEPTED_TYPES}),
        help_text="Added at the end of the text when the post is saved. "
        "JPEG, PNG, WebP or GIF, up to 10 MB.",
    )
    inline_image_alt = forms.CharField(
        label="Alt text",
        max_length=200,
        required=False,
        help_text="What the picture shows, for people who cannot see it.",
    )

    # The post the picture goes to (None: a new one) and who uploads it, for the per-post limit.
    picture_post = None
    picture_uploader = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # static/js/forms.js refuses a larger file before it is sent.
        self.fields["inline_image"].widget.attrs["data-max-bytes"] = settings.IMAGE_MAX_BYTES

    def clean_inline_image(self):
        processed = self.cleaned_data["inline_image"]
        if processed:
            check_room(post=self.picture_post, uploader=self.picture_uploader)
        return processed

    def clean_inline_image_alt(self):
        alt = " ".join(self.cleaned_data["inline_image_alt"].split())
        if self.cleaned_data.get("inline_image") and not alt:
            raise forms.ValidationError("Describe the picture: its alt text is required.")
        return alt

    @property
    def new_picture(self) -> NewPicture | None:
        processed = self.cleaned_data.get("inline_image")
        if not processed:
            return None
        return NewPicture(processed=processed, alt=self.cleaned_data["inline_image_alt"])


class PictureUploadForm(PictureForm):
    """The editor's upload (blog.pictures.views): the picture is required."""

    def __init__(self, *args, post, uploader, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inline_image"].required = True
        self.picture_post, self.picture_uploader = post, uploader
