from django import forms

from blog.images import POST_IMAGE, process_image
from blog.models import Comment, Post


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


class PostForm(forms.ModelForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].initial = self.instance.image.display if self.instance.image else None

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not any(char.isalnum() for char in title):
            raise forms.ValidationError("The title needs at least one letter or digit.")
        return title

    @property
    def post_data(self):
        return {
            field: self.cleaned_data[field] for field in ("title", "content", "category", "status")
        }

    @property
    def new_image(self):
        return self.cleaned_data.get("image") or None

    @property
    def image_removed(self):
        return self.cleaned_data.get("image") is False


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["content"]
        labels = {"content": "Your comment"}
        widgets = {"content": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}
