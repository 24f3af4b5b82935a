from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.views.generic import DeleteView

from blog.comments import services
from blog.comments.forms import CommentForm
from blog.models import Comment
from blog.views import PostDetailView
from cblog.throttles import THROTTLED_MESSAGE, throttled


class CommentCreateView(LoginRequiredMixin, PostDetailView):
    """Adds a comment or a reply to a published post; an invalid one re-renders the post with
    the errors and the text as typed."""

    http_method_names = ["post"]

    def get_queryset(self):
        return super().get_queryset().published()

    def post(self, request, *args, **kwargs):
        self.object = post = self.get_object()
        form = CommentForm(request.POST, post=post, user=request.user)
        if throttled(request, ["comment"]):
            form.add_error(None, THROTTLED_MESSAGE)  # shown above the comment as it was typed
            return self.render_to_response(self.get_context_data(comment_form=form), status=429)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(comment_form=form), status=400)
        comment = services.comment_create(
            post=post,
            author=request.user,
            content=form.cleaned_data["content"],
            parent=form.cleaned_data["parent"],
        )
        if comment.is_approved:
            messages.success(request, "Your comment was added.")
        else:
            messages.info(
                request, "Thanks! Your first comment is shown once a moderator approves it."
            )
        return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")


class CommentDeleteView(LoginRequiredMixin, DeleteView):
    """GET asks for confirmation, POST deletes: the comment's writer, the post's author, staff."""

    queryset = Comment.objects.select_related("post", "author")
    template_name = "blog/comment_confirm_delete.html"

    def get_object(self, queryset=None):
        comment = super().get_object(queryset)
        if not comment.can_delete(self.request.user):
            raise PermissionDenied("Only the post's author or staff can delete this comment.")
        return comment

    def get_success_url(self):
        return f"{self.object.post.get_absolute_url()}#comments"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reply_count=self.object.replies.count(), **kwargs)

    def form_valid(self, form):
        self.object.delete()  # its replies go with it
        messages.success(self.request, "The comment was deleted.")
        return HttpResponseRedirect(self.get_success_url())
