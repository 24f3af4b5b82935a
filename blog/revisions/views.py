"""A post's revisions, for its author and staff only (anyone else gets a 404): the list, a diff of
two, and restoring one."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.views.generic import DetailView, ListView, TemplateView

from blog import services
from blog.models import Post
from blog.revisions.diff import revisions_diff
from blog.revisions.forms import CompareForm

PER_PAGE = 50


class RevisionsMixin(LoginRequiredMixin):
    @cached_property
    def revised_post(self):
        posts = Post.objects.all()
        if not self.request.user.is_staff:
            posts = posts.filter(author=self.request.user)
        return get_object_or_404(posts, slug=self.kwargs["slug"])

    def revisions(self):
        return self.revised_post.revisions.select_related("author")

    def get_context_data(self, **kwargs):
        return super().get_context_data(post=self.revised_post, **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        add_never_cache_headers(response)  # drafts' text: never in a shared cache
        return response


class RevisionListView(RevisionsMixin, ListView):
    template_name = "revisions/revision_list.html"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return self.revisions().defer("content", "metadata")


class RevisionCompareView(RevisionsMixin, TemplateView):
    """GET ?old=<id>&new=<id>: a 400 with the reason when either is not a revision of the post."""

    template_name = "revisions/revision_compare.html"

    def get(self, request, *args, **kwargs):
        form = CompareForm(request.GET, revisions=self.revisions())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        lines = revisions_diff(old, new)
        return self.render_to_response(
            self.get_context_data(form=form, old=old, new=new, lines=lines)
        )


class RevisionRestoreView(RevisionsMixin, DetailView):
    """GET asks to confirm; POST restores, which keeps a revision of its own."""

    template_name = "revisions/revision_confirm_restore.html"
    context_object_name = "revision"
    pk_url_kwarg = "pk"

    def get_queryset(self):
        return self.revisions()

    def post(self, request, *args, **kwargs):
        revision = self.get_object()
        revision.post = self.revised_post
        services.post_restore(revision=revision, editor=request.user)
        when = localtime(revision.created_at)
        messages.success(request, f"Restored the revision of {when:%d %b %Y, %H:%M}.")
        return redirect("blog:post-update", slug=self.revised_post.slug)
