from contextlib import suppress
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.views import View
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView
from django.views.generic.detail import SingleObjectMixin

from blog import cache as keys
from blog import services
from blog.comments.forms import CommentForm
from blog.comments.threads import comment_threads
from blog.feeds import feed_links
from blog.forms import PostForm
from blog.models import Category, Post, Tag
from blog.navigation import public_author_or_404, read_next
from blog.search import post_search, search_words
from cblog.client import visitor_key
from cblog.images.services import ImageStorageError
from cblog.layout import with_reader_header
from cblog.page_cache import (
    keep_current,
    made_once,
    page_key,
    read_current,
    seconds_until_next_change,
    shared_reads,
    shared_until_changed,
)
from cblog.throttles import ThrottledFormMixin, ThrottleMixin, wants_json

SEARCH_MAX_LENGTH = 100
MAX_PAGES = 100


class BoundedPaginator(Paginator):
    """Pages up to MAX_PAGES: counting and the deepest OFFSET cost the same at any size.

    Older posts stay reachable through the sitemap, the categories, the authors and search.
    """

    @property
    def limit(self):
        return MAX_PAGES * self.per_page

    def __init__(self, *args, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    def _check_object_list_is_ordered(self):
        """Not checked: every list is ordered (Post.Meta), and asking would build the query that
        a page whose size and cards are kept never needs."""

    @cached_property
    def count(self):
        """Shared by every reader of the list until the next write, when it has a `count_key`."""

        def read():
            served = self.object_list.select_related(None).prefetch_related(None)
            return served[: self.limit].count()

        return shared_until_changed(self.count_key, read) if self.count_key else read()

    def page(self, number):
        """Ten posts chosen by id first, so that the OFFSET walks the list's index alone. Their
        query is built when they are first read: a page whose cards are kept never builds it."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        shown = SimpleLazyObject(
            lambda: self.object_list.among(self.object_list[bottom : bottom + self.per_page])
        )
        return self._get_page(shown, number, self)


class PostListMixin:
    """Published posts with their counts, newest first, ten a page."""

    model = Post
    paginate_by = 10
    paginator_class = BoundedPaginator
    template_name = "blog/post_list.html"
    context_object_name = "post_list"
    heading = "Latest posts"

    # Whether every reader of a URL sees the same list (not so for someone's drafts).
    same_for_everyone = True
    query = ""  # the search in the header's box
    header_slot = False  # drawn with a slot for each reader's own header (signed_in_page)

    @cached_property
    def list_key(self) -> str | None:
        """Names the list in the shared cache (its size, each page's posts), if it may be shared."""
        if not self.same_for_everyone:
            return None
        return keys.post_list(self.request.path, self.request.GET.get("q", ""))

    def get_queryset(self):
        return Post.objects.published().cards()

    def get(self, request, *args, **kwargs):
        if self.is_kept_for_signed_in():
            return self.signed_in_page()
        return self.rendered()

    def rendered(self):
        # Built when first read: a page whose size and cards are kept never builds its query. An
        # empty list that must not be (allow_empty) is a 404 from the paginator's first page.
        self.object_list = SimpleLazyObject(self.get_queryset)
        # The page is rendered inside the block: its shared fragments come in one Redis round trip.
        with shared_reads(*self.shared_keys()):
            return self.render_to_response(self.get_context_data()).render()

    def get_template_names(self):
        # Named, as is context_object_name: ListView guesses both from the list, building it.
        return [self.template_name]

    def is_kept_for_signed_in(self) -> bool:
        """A signed-in reader sees what everyone sees, but for the header and the messages, which
        are shown once, in the page: without any, their page is the one kept for the URL."""
        return bool(
            settings.PAGE_CACHE_SECONDS
            and self.same_for_everyone
            and self.request.user.is_authenticated
            and not messages.get_messages(self.request)
        )

    def signed_in_page(self) -> HttpResponse:
        """The page every signed-in reader of this URL is shown, kept like an anonymous one
        (cblog.page_cache) until the next write, and as long as its cards' view counts stay fresh;
        each reader's own header (their name, their CSRF token) is put in on every request."""
        key = page_key(self.request, kind="signed-in-page")
        version, kept = read_current([key])
        with made_once(key, version, kept) as kept:
            page = kept.get(key)
            if page is None:
                self.header_slot = True
                page = self.rendered().content.decode()
                lifetime = min(settings.PAGE_CACHE_SECONDS, settings.VIEW_COUNT_SECONDS)
                keep_current(key, version, page, seconds_until_next_change(lifetime))
        return HttpResponse(with_reader_header(page, self.request, self.query))

    def shared_keys(self) -> list[str]:
        """The keys of the fragments this page shows alike to every reader."""
        shared = [keys.category_menu()]
        if self.list_key:
            shared.append(keys.list_count(self.list_key))
            with suppress(ValueError):  # "last" or nonsense: the paginator answers it
                shared.append(keys.list_page(self.list_key, int(self.request.GET.get("page", 1))))
        return shared

    def get_paginator(self, *args, **kwargs):
        if self.list_key:
            kwargs["count_key"] = keys.list_count(self.list_key)
        return super().get_paginator(*args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("words", ())  # the search's, marked on its cards
        return super().get_context_data(
            heading=self.heading,
            list_key=self.list_key,
            query=self.query,
            header_slot=self.header_slot,
            **kwargs,
        )


class PostListView(PostListMixin, ListView):
    pass


def shared_by_slug_or_404(model, slug: str):
    """The category or tag at this address, shared by its readers until the next write (every
    write to either bumps the version); an unknown address is a 404, and nothing is kept."""
    key = keys.by_slug(model._meta.label_lower, slug)
    return shared_until_changed(key, partial(get_object_or_404, model, slug=slug))


class CategoryPostListView(PostListMixin, ListView):
    @cached_property
    def category(self):
        return shared_by_slug_or_404(Category, self.kwargs["slug"])

    @property
    def heading(self):
        return f"Posts in {self.category}"

    def get_queryset(self):
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        feeds = feed_links("category", f"posts in {self.category}", slug=self.category.slug)
        return super().get_context_data(feeds=feeds, **kwargs)


class TagPostListView(PostListMixin, ListView):
    @cached_property
    def tag(self):
        return shared_by_slug_or_404(Tag, self.kwargs["slug"])

    @property
    def heading(self):
        return f"Posts tagged “{self.tag}”"

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        feeds = feed_links("tag", f"posts tagged {self.tag}", slug=self.tag.slug)
        return super().get_context_data(feeds=feeds, **kwargs)


class AuthorPostListView(PostListMixin, ListView):
    template_name = "blog/author_detail.html"

    @cached_property
    def author(self):
        return public_author_or_404(self.kwargs["username"])

    @property
    def heading(self):
        return f"Posts by {self.author.display_name}"

    def get_queryset(self):
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        feeds = feed_links(
            "author", f"posts by {self.author.display_name}", username=self.author.username
        )
        return super().get_context_data(author=self.author, feeds=feeds, **kwargs)


class SearchView(PostListMixin, ListView):
    """Posts ranked by relevance: title matches first (blog.search)."""

    template_name = "blog/search.html"

    @cached_property
    def query(self):
        return self.request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]

    @cached_property
    def words(self):
        return search_words(self.query)

    @property
    def heading(self):
        return f"Search results for “{self.query}”" if self.query else "Search"

    def get_queryset(self):
        return post_search(Post.objects.published().cards().with_body_start(), self.words)

    def get_paginator(self, *args, **kwargs):
        return Paginator(*args, **kwargs)  # the results are bounded and counted already

    def get_context_data(self, **kwargs):
        return super().get_context_data(words=self.words, **kwargs)


class DraftListView(LoginRequiredMixin, PostListMixin, ListView):
    heading = "Your drafts and scheduled posts"
    same_for_everyone = False

    def get_queryset(self):
        return (
            Post.objects.drafts().filter(author=self.request.user).cards().order_by("-updated_at")
        )


class VisiblePostMixin:
    """Posts the user may see: others' drafts are a 404, as if they did not exist."""

    slug_url_kwarg = "slug"

    def get_queryset(self):
        return Post.objects.visible_to(self.request.user).with_counts()


class EditablePostMixin(LoginRequiredMixin, VisiblePostMixin):
    """Only the author and staff may change a post; others get a 403."""

    def get_object(self, queryset=None):
        post = super().get_object(queryset)
        if not post.can_edit(self.request.user):
            raise PermissionDenied("Only the author or staff can change this post.")
        return post


def count_view(request, *, post_id: int) -> bool:
    """Counts this reader's view of a published post; True when it is a new one."""
    visitor = visitor_key(request)
    return bool(visitor) and services.post_count_view(post=Post(pk=post_id), visitor=visitor)


class PostDetailView(VisiblePostMixin, DetailView):
    def get_queryset(self):
        # One post by its unique slug: joining its author saves with_counts()'s separate query.
        return super().get_queryset().with_liked_by(self.request.user).select_related("author")

    def get(self, request, *args, **kwargs):
        self.object = post = self.get_object()
        if post.is_published and count_view(request, post_id=post.pk):
            post.view_count += 1
        # Rendered inside the block: its shared fragments come with one read of the version.
        with shared_reads(keys.category_menu(), keys.read_next(post.pk)):
            response = self.render_to_response(self.get_context_data(object=post)).render()
        if not post.is_published:
            add_never_cache_headers(response)  # drafts must not sit in a shared cache
        # A reader served this page from the page cache is counted too.
        response.on_cache_hit = partial(count_view, post_id=post.pk)
        return response

    def get_context_data(self, **kwargs):
        post = self.object
        comments, threads = comment_threads(post=post, user=self.request.user)
        return super().get_context_data(
            **read_next(post),
            comments=comments,
            threads=threads,
            comment_form=kwargs.pop("comment_form", CommentForm()),
            can_edit=post.can_edit(self.request.user),
            **kwargs,
        )


class PostFormMixin:
    """Saves the form through a service; a failing object store re-renders the form with a 503."""

    form_class = PostForm
    template_name = "blog/post_form.html"

    def form_valid(self, form):
        try:
            post = self.save(form)
        except ImageStorageError:
            field = "inline_image" if form.new_picture and not form.new_image else "image"
            form.add_error(field, "The image could not be stored right now. Please try again.")
            return self.render_to_response(self.get_context_data(form=form), status=503)
        messages.success(self.request, self.success_message)
        return redirect(post)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PostCreateView(LoginRequiredMixin, ThrottledFormMixin, PostFormMixin, CreateView):
    throttle_scopes = ("post", "upload")
    success_message = "Your post was saved."

    def save(self, form):
        return services.post_create(
            author=self.request.user,
            data=form.post_data,
            image=form.new_image,
            picture=form.new_picture,
            tags=form.cleaned_data["tags"],
        )


class PostUpdateView(EditablePostMixin, ThrottledFormMixin, PostFormMixin, UpdateView):
    throttle_scopes = ("upload",)
    success_message = "Your changes were saved."

    def save(self, form):
        return services.post_update(
            post=self.object,
            data=form.post_data,
            image=form.new_image,
            remove_image=form.image_removed,
            picture=form.new_picture,
            editor=self.request.user,
            tags=form.cleaned_data["tags"],
        )


class PostDeleteView(EditablePostMixin, DeleteView):
    success_url = reverse_lazy("blog:post-list")

    def form_valid(self, form):
        services.post_delete(post=self.object)
        messages.success(self.request, f"“{self.object}” was deleted.")
        return HttpResponseRedirect(self.success_url)


class LikeToggleView(LoginRequiredMixin, ThrottleMixin, SingleObjectMixin, View):
    throttle_scopes = ("like",)
    http_method_names = ["post"]

    def get_queryset(self):
        return Post.objects.published()  # per request: "published" depends on the time

    def post(self, request, *args, **kwargs):
        post = self.get_object()
        liked = services.like_toggle(post=post, user=request.user)
        if wants_json(request):  # static/js/likes.js: the button changes in place
            post.refresh_from_db(fields=["like_count"])
            return JsonResponse({"liked": liked, "count": post.like_count})
        return redirect(post)
