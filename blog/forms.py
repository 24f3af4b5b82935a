from django import forms

from blog.models import Comment, Post
from cblog.images.forms import ImageUploadField, ImageUploadMixin


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
        title = self.cleaned_data["title"].strip()
        if not any(char.isalnum() for char in title):
            raise forms.ValidationError("The title needs at least one letter or digit.")
        return title

    @property
    def post_data(self):
        return {
            field: self.cleaned_data[field] for field in ("title", "content", "category", "status")
        }


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["content"]
        labels = {"content": "Your comment"}
        widgets = {"content": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}
