from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Left
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from blog.tags import tag_key
from cblog.images.models import OwnedImageField


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", args=[self.slug])


class Tag(TagBase):
    """A taggit tag, one per name whatever its case: `key` is the casefolded name, unique."""

    key = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.key = tag_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:tag", args=[self.slug])

    def slugify(self, tag, i=None):
        # A name of signs only ("C++" aside, "!!!") still gets an address.
        slug = super().slugify(tag)
        return f"{slug or 'tag'}_{i}" if i is not None else slug or "tag"


class TaggedPost(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_posts")
    content_object = models.ForeignKey("Post", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="one_tag_per_post")
        ]


class PostTagManager(_TaggableManager):
    """Resolves names by their casefolded key, so "Django" finds "django" on every database
    (SQLite compares only ASCII letters case-insensitively)."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        names = [tag for tag in tags if isinstance(tag, str)]
        found = tags_for_names(names)
        resolved = [found[tag_key(tag)] if isinstance(tag, str) else tag for tag in tags]
        return list(dict.fromkeys(resolved))


def tags_for_names(names) -> dict:
    """The Tag for each name's key, created when missing; a name's first spelling is kept."""
    keys = {tag_key(name): name for name in reversed(names)}
    found = {tag.key: tag for tag in Tag.objects.filter(key__in=keys)}
    for key, name in keys.items():
        if key not in found:
            # Under a case- and accent-blind collation (MariaDB) "café" may find "cafe".
            found[key], _ = Tag.objects.get_or_create(key=key, defaults={"name": name})
    return found


# Words that routes under /post/ use (/post/new/): a post's slug must never shadow a page.
RESERVED_SLUGS = frozenset({"new"})


def validate_slug_not_reserved(slug):
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is the address of one of the site's pages; choose another slug.",
            code="reserved",
            params={"slug": slug},
        )


# Search snippets come from the start of a body, so that a list never reads 50,000 characters a post.
BODY_START = 4000


def public_condition() -> Q:
    """What makes a post public: every published/draft query is built from this one condition.

    A published post whose publication time is still ahead is scheduled: it turns public by
    itself when the clock passes that time, so no job has to flip it. The time is read when the
    query is built, so querysets must be built per request, never once at import.
    """
    return Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


class DerivedTable(Subquery):
    """A subquery read as a derived table, which MySQL accepts with a LIMIT inside IN. Compiled
    only when the outer query runs: a page whose posts come from the cache never builds it."""

    template = "(SELECT * FROM (%(subquery)s) AS chosen)"


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(public_condition())

    def drafts(self):
        """Everything readers cannot see yet: drafts and scheduled posts."""
        return self.exclude(public_condition())

    def scheduled(self):
        # The rest of public_condition()'s published posts (post_prepare dates every one),
        # written as a range so that it is read off the post_published_order index.
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def visible_to(self, user):
        """Published posts, plus the user's own drafts; staff see every draft."""
        if user.is_staff:
            return self.all()
        if user.is_authenticated:
            return self.filter(public_condition() | Q(author=user))
        return self.published()

    def with_counts(self):
        """Author, category, image and tags in three queries, so lists never run N+1 queries.

        The like and comment counts are stored on the post (kept by blog.services.post_counts_refresh),
        so no list ever counts rows per post.
        """
        # Authors come in a second query by primary key: an INNER JOIN would let MariaDB drive
        # the query from the small users table, then sort every published post in a temporary
        # table. With only LEFT JOINs the newest rows are read off the posts' index.
        return self.select_related("category", "image").prefetch_related("author", "tags")

    def cards(self):
        """What a post card shows, without the bodies: lists never load content or its HTML."""
        return self.with_counts().defer("content", "content_html")

    def among(self, chosen):
        """These posts, kept to those of `chosen`: a sliced queryset of posts, such as one page.

        MySQL refuses LIMIT in an IN subquery, so the slice is read as a derived table. Choosing
        ids first lets a deep OFFSET walk an index alone, then read only the chosen rows.
        """
        return self.filter(pk__in=DerivedTable(chosen.values("pk")))

    def with_body_start(self):
        """Annotates `body_start`: the first BODY_START characters of the HTML, for snippets."""
        return self.annotate(body_start=Left("content_html", BODY_START))

    def with_liked_by(self, user):
        """Annotates `liked`: whether this user likes each post."""
        if not user.is_authenticated:
            return self.annotate(liked=models.Value(False))
        return self.annotate(liked=Exists(Like.objects.filter(post=OuterRef("pk"), user=user)))


def count_of(related):
    """A correlated COUNT(*) subquery over rows that point at the outer post."""
    counts = (
        related.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(total=Count("*"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=models.IntegerField()), 0)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=220, unique=True, allow_unicode=True, validators=[validate_slug_not_reserved]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    content = models.TextField(max_length=50_000, help_text="Markdown.")
    content_html = models.TextField(editable=False)
    # What cards and descriptions show: the author's excerpt, else the start of the text.
    excerpt = models.CharField(max_length=300, editable=False)
    custom_excerpt = models.CharField(max_length=300, blank=True)
    meta_title = models.CharField("SEO title", max_length=100, blank=True)
    meta_description = models.CharField(max_length=300, blank=True)
    image = OwnedImageField(related_name="post")
    image_alt = models.CharField("alt text", max_length=250, blank=True)
    image_decorative = models.BooleanField("decorative picture", default=False)
    image_caption = models.CharField("caption", max_length=300, blank=True)
    # Set once readers could see the post: from then on its address never changes.
    was_public = models.BooleanField(default=False, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    like_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Visible ones."
    )
    tags = TaggableManager(
        through=TaggedPost, manager=PostTagManager, blank=True, ordering=["name"]
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        # Each list's filter, then its ORDER BY: the newest ten are read straight off an index.
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-created_at"], name="post_published_order"
            ),
            models.Index(
                fields=["category", "status", "-published_at", "-created_at"],
                name="post_category_order",
            ),
            models.Index(
                fields=["author", "status", "-published_at", "-created_at"],
                name="post_author_order",
            ),
            # The sitemap's pages are id ranges: whether a range holds a published post is one
            # read of this index, however many drafts the range holds.
            models.Index(fields=["status", "id"], name="post_status_id"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:post-detail", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        post = super().from_db(db, field_names, values)
        # As stored: a post moved to another month leaves its old month's count (blog.months).
        post.stored_published_at = post.__dict__.get("published_at")
        return post

    @property
    def is_published(self):
        # The in-memory twin of public_condition(): a change to one is a change to both.
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_published

    @property
    def slug_locked(self):
        return self.was_public or self.is_published

    @property
    def seo_title(self):
        return self.meta_title or self.title

    @property
    def seo_description(self):
        return self.meta_description or self.excerpt

    def can_edit(self, user):
        return user.is_authenticated and (user.is_staff or user.pk == self.author_id)


class PublishedMonth(models.Model):
    """How many published posts (scheduled ones included) each month holds, kept by blog.months
    so that the archive never counts every post."""

    month = models.DateField(primary_key=True)  # its first day, in TIME_ZONE
    posts = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.month:%Y-%m}: {self.posts}"


def next_publication():
    """When the next scheduled post turns public (None when none is scheduled)."""
    return Post.objects.scheduled().aggregate(next=Min("published_at"))["next"]


class CommentQuerySet(models.QuerySet):
    def shown_to(self, user):
        """Comments readers see, plus the user's own awaiting approval; staff see those of all."""
        shown = self.filter(is_hidden=False)
        if user.is_staff:
            return shown
        if user.is_authenticated:
            return shown.filter(Q(is_approved=True) | Q(author=user))
        return shown.filter(is_approved=True)


class Comment(models.Model):
    # Replies hang under a top-level comment: a reply to a reply joins the same thread.
    MAX_DEPTH = 1

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    content = models.TextField(max_length=2000)
    is_hidden = models.BooleanField(default=False, help_text="Hidden comments are not shown.")
    is_approved = models.BooleanField(
        default=True, help_text="A new account's first comment waits for a moderator."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the job that mails its notifications, so that they go out once.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            # A post's visible comments in order; the moderation list, newest first.
            models.Index(fields=["post", "is_hidden", "created_at"], name="comment_post_order"),
            models.Index(fields=["created_at"], name="comment_created"),
            models.Index(fields=["is_approved", "-created_at"], name="comment_moderation_queue"),
        ]

    def __str__(self):
        return f"{self.author} on {self.post}"

    def can_delete(self, user):
        return user.is_authenticated and (
            user.is_staff or user.pk in (self.author_id, self.post.author_id)
        )

    @property
    def thread_root_id(self):
        """The comment a reply to this one hangs under, at most MAX_DEPTH levels down."""
        return self.parent_id or self.pk


class Like(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_like_per_user")]

    def __str__(self):
        return f"{self.user} likes {self.post}"
