from django import forms

from blog.models import Post
from cblog.images.forms import ImageUploadField, ImageUploadMixin


def clean_title(title: str) -> str:
    title = title.strip()
    if not any(char.isalnum() for char in title):
        raise forms.ValidationError("The title needs at least one letter or digit.")
    return title


class PostForm(ImageUploadMixin, forms.ModelForm):
    # Not a model field: the upload becomes an Image row through the service.
    image = ImageUploadField(help_text="JPEG, PNG, WebP or GIF, up to 10 MB.")
    field_order = ["title", "content", "image", "category", "status"]

    class Meta:
        model = Post
        fields = ["title", "content", "category", "status"]
        widgets = {"content": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "content": "Markdown: **bold**, _italic_, [links](https://…), lists, tables. "
            "Images show only from this site's uploads; others become links."
        }

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])

    @property
    def post_data(self):
        return {
            field: self.cleaned_data[field] for field in ("title", "content", "category", "status")
        }


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
