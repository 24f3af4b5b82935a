from django import forms

from blog.models import Comment, Post
from cblog.forms import HoneypotForm

SPAM_MESSAGE = "This comment looks automated, so it was not saved."


class CommentForm(HoneypotForm, forms.ModelForm):
    """A comment, or a reply when `parent` names a comment shown on the same post."""

    spam_message = SPAM_MESSAGE
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["content"]
        labels = {"content": "Your comment"}
        widgets = {"content": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}

    def __init__(self, *args, post: Post | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post, self.user = post, user

    def clean_parent(self):
        """The comment replied to: on this post and shown to this user, else an error."""
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        parent = (
            Comment.objects.shown_to(self.user)
            .filter(post=self.post, pk=parent_id)
            .only("pk", "parent_id", "author_id")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                "The comment you replied to is not on this post any more.", code="parent"
            )
        if parent.parent_id:  # a reply to a reply joins its thread
            return Comment.objects.only("pk", "parent_id", "author_id").get(pk=parent.parent_id)
        return parent
