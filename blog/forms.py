from datetime import datetime

from django import forms
from django.conf import settings
from django.urls import reverse_lazy

from blog.models import Post
from blog.pictures.forms import PictureForm
from blog.tags import TagsField, tags_string
from cblog.images.forms import ImageUploadField, ImageUploadMixin


def clean_title(title: str) -> str:
    title = title.strip()
    if not any(char.isalnum() for char in title):
        raise forms.ValidationError("The title needs at least one letter or digit.")
    return title


class DateTimeLocalInput(forms.widgets.Input):
    """A browser's date-time picker; not a TextInput, so that no placeholder is added to it."""

    input_type = "datetime-local"
    FORMAT = "%Y-%m-%dT%H:%M"

    def format_value(self, value):
        if isinstance(value, datetime):  # already in the current time zone (DateTimeField)
            return value.strftime(self.FORMAT)
        return super().format_value(value)


class PostForm(ImageUploadMixin, PictureForm, forms.ModelForm):
    # Not a model field: the upload becomes an Image row through the service.
    image = ImageUploadField(help_text="JPEG, PNG, WebP or GIF, up to 10 MB.")
    publish_at = forms.DateTimeField(
        required=False,
        label="Publish at",
        widget=DateTimeLocalInput,
        help_text=f"Time zone {settings.TIME_ZONE}. With status Published, a future time schedules "
        "the post; blank means now.",
    )
    tags = TagsField(
        widget=forms.TextInput(
            attrs={"data-tag-input": reverse_lazy("blog:tag-autocomplete"), "autocomplete": "off"}
        )
    )
    field_order = [
        *("title", "content", "inline_image", "inline_image_alt"),
        *("image", "category", "tags", "status", "publish_at"),
    ]

    class Meta:
        model = Post
        fields = ["title", "content", "category", "status"]
        widgets = {"content": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "content": "Markdown: **bold**, _italic_, [links](https://…), lists, tables. "
            "Images show only from this site's uploads; others become links."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("publish_at", self.instance.published_at)
        self.picture_post = self.instance
        if self.instance.pk:
            self.initial.setdefault("tags", tags_string(self.instance.tags.all()))
        self.was_public = self.instance.is_published

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])

    @property
    def post_data(self):
        data = {
            field: self.cleaned_data[field] for field in ("title", "content", "category", "status")
        }
        publish_at = self.cleaned_data["publish_at"]
        stored = self.instance.published_at
        if publish_at is None and self.was_public:
            publish_at = stored  # a blank field never re-dates a public post
        elif stored and publish_at == stored.replace(second=0, microsecond=0):
            publish_at = stored  # the field shows minutes: an unchanged one keeps the seconds
        data["published_at"] = publish_at
        return data


class DraftAutosaveForm(forms.ModelForm):
    """What an autosave keeps: the title and the text, never the status."""

    class Meta:
        model = Post
        fields = ["title", "content"]

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])


class PreviewForm(forms.Form):
    content = forms.CharField(
        required=False, strip=False, max_length=Post._meta.get_field("content").max_length
    )
