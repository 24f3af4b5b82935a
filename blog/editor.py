"""The editor's endpoints: the live preview, the autosave of drafts (static/js/editor.js) and
tag suggestions (static/js/tags.js).

Both answer JSON to the page's script, with a message a person can read when they refuse.
"""

from django.db.models import OuterRef, Subquery
from django.http import JsonResponse
from django.urls import reverse
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from blog import services
from blog.forms import DraftAutosaveForm, PreviewForm
from blog.models import Post, Tag
from blog.revisions.models import Revision
from blog.tags import tag_key
from blog.views import EditablePostMixin
from cblog.markdown import render_markdown
from cblog.throttles import THROTTLED_MESSAGE, throttled


def refused(message, status):
    return JsonResponse({"error": message}, status=status)


def form_refused(form):
    messages = [f"{field.label}: {error}" for field in form for error in field.errors]
    return refused(" ".join(messages), 400)


class EditorEndpoint(View):
    """Signed in, counted against `throttle_scopes` before any work."""

    http_method_names = ["post"]
    throttle_scopes = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return refused("Your session has ended. Sign in again to keep writing.", 403)
        allowed = request.method.lower() in self.http_method_names
        if allowed and throttled(request, self.throttle_scopes):
            return refused(THROTTLED_MESSAGE, 429)
        return super().dispatch(request, *args, **kwargs)


class PreviewView(EditorEndpoint):
    """The post body as the post page will show it: the same sanitizing renderer."""

    throttle_scopes = ("preview",)

    def post(self, request):
        form = PreviewForm(request.POST)
        if not form.is_valid():
            return form_refused(form)
        return JsonResponse({"html": render_markdown(form.cleaned_data["content"])})


def saved(post: Post):
    return JsonResponse(
        {
            "saved_at": post.updated_at.isoformat(),
            "edit_url": reverse("blog:post-update", args=[post.slug]),
            "autosave_url": reverse("blog:post-autosave", args=[post.slug]),
            "pictures_url": reverse("blog:picture-add", args=[post.slug]),
        }
    )


class DraftCreateAutosaveView(EditorEndpoint):
    """The first autosave of a new post creates it, as a draft; it counts as writing a post."""

    throttle_scopes = ("autosave", "post")

    def post(self, request):
        form = DraftAutosaveForm(request.POST)
        if not form.is_valid():
            return form_refused(form)
        post = services.post_create(
            author=request.user,
            data={**form.cleaned_data, "status": Post.Status.DRAFT},
            kind=Revision.Kind.AUTOSAVE,
        )
        return saved(post)


class DraftAutosaveView(EditorEndpoint, EditablePostMixin, SingleObjectMixin):
    """Saves the title and text of a draft; a published post changes only when its author
    presses Update, so that half-typed words never go live."""

    throttle_scopes = ("autosave",)

    def post(self, request, slug):
        post = self.get_object()
        if post.is_published:
            return refused("Published posts are saved with Update.", 409)
        form = DraftAutosaveForm(request.POST, instance=post)
        if not form.is_valid():
            return form_refused(form)
        return saved(
            services.post_update(
                post=post,
                data=form.cleaned_data,
                editor=request.user,
                kind=Revision.Kind.AUTOSAVE,
            )
        )


SUGGESTIONS = 10


class TagAutocompleteView(EditorEndpoint):
    """`?q=` → up to SUGGESTIONS tag names starting with it (any case), among the tags of posts
    the author can see, so that no one learns the tags of another's drafts."""

    http_method_names = ["get"]
    throttle_scopes = ("tags",)

    def get(self, request):
        start = tag_key(request.GET.get("q", "")[:50])
        if not start:
            return JsonResponse({"tags": []})
        # A scalar subquery per matching tag, which stops at the tag's first visible post:
        # MariaDB makes EXISTS a semi-join that first lists the tags of every visible post.
        seen = Post.objects.visible_to(request.user).filter(tags=OuterRef("pk"))
        first_seen = Subquery(seen.order_by().values("pk")[:1])
        tags = (
            Tag.objects.filter(key__startswith=start)
            .alias(first_seen=first_seen)
            .filter(first_seen__isnull=False)
            .order_by("name")
        )
        return JsonResponse({"tags": list(tags.values_list("name", flat=True)[:SUGGESTIONS])})
