from datetime import datetime

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils import timezone

from blog.models import Post, validate_slug_not_reserved
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


def counted(limit: int, **attrs):
    """Attributes for static/js/counters.js, which counts the characters typed against `limit`."""
    return {"data-counter": limit, **attrs}


class PostForm(ImageUploadMixin, PictureForm, forms.ModelForm):
    # The buttons' values: Schedule publishes at a future `publish_at`.
    SCHEDULED = "scheduled"

    slug = forms.SlugField(
        required=False,
        allow_unicode=True,
        max_length=200,
        label="Address (slug)",
        help_text="The post's address, as in /post/its-slug/: letters, digits and hyphens; "
        "blank makes it from the title. It can change until the post is first published.",
    )
    # Not a model field: the upload becomes an Image row through the service.
    image = ImageUploadField(help_text="JPEG, PNG, WebP or GIF, up to 10 MB.")
    status = forms.ChoiceField(
        choices=[*Post.Status.choices, (SCHEDULED, "Scheduled")], initial=Post.Status.DRAFT
    )
    publish_at = forms.DateTimeField(
        required=False,
        label="Publish at",
        widget=DateTimeLocalInput,
        help_text=f"Time zone {settings.TIME_ZONE}. Schedule publishes the post at this time; "
        "with Publish, blank means now.",
    )
    tags = TagsField(
        widget=forms.TextInput(
            attrs={"data-tag-input": reverse_lazy("blog:tag-autocomplete"), "autocomplete": "off"}
        )
    )
    excerpt = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs=counted(300, rows=3)),
        help_text="Shown on cards and in link previews; blank uses the start of the text.",
    )
    field_order = [
        *("title", "slug", "content", "inline_image", "inline_image_alt"),
        *("image", "image_alt", "image_decorative", "image_caption", "category", "tags"),
        *("excerpt", "meta_title", "meta_description", "status", "publish_at"),
    ]

    class Meta:
        model = Post
        fields = [
            *("title", "content", "category", "image_alt", "image_decorative", "image_caption"),
            *("meta_title", "meta_description"),
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 14}),
            "meta_title": forms.TextInput(attrs=counted(60)),
            "meta_description": forms.Textarea(attrs=counted(155, rows=2)),
        }
        help_texts = {
            "content": "Markdown: **bold**, _italic_, [links](https://…), lists, tables. "
            "Images show only from this site's uploads; others become links.",
            "image_alt": "What the picture shows, for people who cannot see it.",
            "image_decorative": "It adds nothing to the text: readers of screens skip it "
            "(no alt text).",
            "image_caption": "Shown under the picture on the post's page.",
            "meta_title": "The title search engines and link previews show; blank uses the "
            "title. Up to about 60 characters show in search results.",
            "meta_description": "For search results; blank uses the excerpt. Up to about 155 "
            "characters show.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        post = self.instance
        self.initial.setdefault("status", post.status)
        self.initial.setdefault("publish_at", post.published_at)
        self.initial.setdefault("excerpt", post.custom_excerpt)
        self.picture_post = post
        if post.pk:
            self.initial.setdefault("tags", tags_string(post.tags.all()))
            self.initial.setdefault("slug", post.slug)
        if post.slug_locked:
            slug = self.fields["slug"]
            slug.disabled = True
            slug.help_text = (
                "Readers have seen this post at this address, so it stays: links to it keep "
                "working whatever the title becomes."
            )
        self.was_public = post.is_published

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if self.instance.slug_locked or not slug:
            return self.instance.slug if self.instance.pk else ""
        validate_slug_not_reserved(slug)
        if Post.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another post has this address; choose another slug.")
        return slug

    def clean(self):
        cleaned = super().clean()
        has_picture = self.new_image or (self.instance.image_id and not self.image_removed)
        if has_picture and not cleaned.get("image_decorative") and not cleaned.get("image_alt"):
            self.add_error(
                "image_alt",
                "Describe the picture for people who cannot see it, or mark it as decorative.",
            )
        if cleaned.get("status") == self.SCHEDULED:
            publish_at = cleaned.get("publish_at")
            if publish_at is None:
                self.add_error("publish_at", "Choose the date and time to publish the post at.")
            elif publish_at <= timezone.now():
                self.add_error(
                    "publish_at",
                    f"{publish_at:%d %B %Y, %H:%M} has passed: choose a time in the future to "
                    "schedule the post, or publish it now.",
                )
            # The model knows two statuses: a scheduled post is a published one, dated ahead.
            cleaned["status"] = Post.Status.PUBLISHED
        return cleaned

    @property
    def post_data(self):
        fields = [*self._meta.fields, "status", "slug"]
        data = {field: self.cleaned_data[field] for field in fields}
        data["custom_excerpt"] = " ".join(self.cleaned_data["excerpt"].split())
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
