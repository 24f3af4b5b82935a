import io
import random
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from tqdm import tqdm

from blog.models import Category, Comment, Like, Post, Tag, TaggedPost
from blog.months import published_months_rebuild
from blog.services import post_create, post_prepare
from cblog.images.models import Image
from cblog.images.processing import process_image

WORDS = [
    "river",
    "mountain",
    "coffee",
    "journey",
    "light",
    "city",
    "harbour",
    "morning",
    "garden",
    "code",
    "market",
    "sunset",
    "bridge",
    "winter",
    "recipe",
    "island",
    "library",
    "train",
    "festival",
    "forest",
    "window",
    "story",
]


def demo_photo(seed: int, size=(1600, 1067)) -> io.BytesIO:
    """A colourful generated picture, so demo posts look like photo posts."""
    rng = random.Random(seed)
    top = tuple(rng.randrange(40, 220) for _ in range(3))
    bottom = tuple(rng.randrange(40, 220) for _ in range(3))
    picture = PILImage.linear_gradient("L").resize(size)
    picture = PILImage.composite(
        PILImage.new("RGB", size, bottom), PILImage.new("RGB", size, top), picture
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(40, 260)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    buffer.seek(0)
    buffer.name = f"demo-{seed}.jpg"
    return buffer


class Command(BaseCommand):
    help = "Creates demo users, posts with generated pictures, comments and likes."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=30)
        parser.add_argument("--users", type=int, default=5)
        parser.add_argument("--no-images", action="store_true", help="Posts without pictures.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="Insert in batches --posts published posts (and a draft for every six), with "
            "pictures' rows but no files: for large data sets.",
        )

    def handle(self, *args, posts, users, no_images, seed, bulk, **options):
        rng = random.Random(seed)
        User = get_user_model()
        password = secrets.token_urlsafe(12)
        authors, created_any = [], False
        for number in range(1, users + 1):
            user, created = User.objects.get_or_create(
                username=f"demo{number}", defaults={"email": f"demo{number}@example.com"}
            )
            if created:
                user.set_password(password)
                user.save()
                created_any = True
            authors.append(user)
        categories = list(Category.objects.all())
        progress = tqdm(total=posts, desc="posts", unit="post", disable=options["verbosity"] == 0)
        if bulk:
            BulkSeeder(rng, authors, categories, with_images=not no_images).run(posts, progress)
        else:
            self.create_posts(rng, authors, categories, posts, no_images, seed, progress)
        progress.close()
        self.stdout.write(
            self.style.SUCCESS(f"Created {posts} posts by {len(authors)} demo users.")
        )
        if created_any:
            self.stdout.write(f"New demo users (demo1…) sign in with the password: {password}")

    def create_posts(self, rng, authors, categories, posts, no_images, seed, progress):
        """One post at a time through the services, with real pictures."""
        for number in range(posts):
            title = " ".join(rng.sample(WORDS, 4)).capitalize()
            image = None if no_images else process_image(demo_photo(seed * 100_000 + number))
            post = post_create(
                author=rng.choice(authors),
                data={
                    "title": title,
                    "content": demo_content(rng),
                    "category": rng.choice(categories) if categories else None,
                    "status": Post.Status.PUBLISHED if rng.random() < 0.85 else Post.Status.DRAFT,
                },
                image=image,
            )
            for reader in rng.sample(authors, rng.randrange(len(authors) + 1)):
                Like.objects.get_or_create(post=post, user=reader)
            Comment.objects.bulk_create(
                Comment(
                    post=post,
                    author=rng.choice(authors),
                    content=" ".join(rng.choices(WORDS, k=12)),
                )
                for _ in range(rng.randrange(4))
            )
            progress.update()


def refresh_statistics(models):
    """Index statistics as the optimizer would find them after a bulk load settles: without them
    it may join a large table from the wrong side."""
    if connection.in_atomic_block:
        return  # MySQL commits before ANALYZE TABLE, which would end the caller's transaction
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"ANALYZE TABLE {tables}")
            cursor.fetchall()
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def demo_content(rng) -> str:
    return "\n\n".join(" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(4))


class BulkSeeder:
    """Posts, pictures' rows, comments and likes inserted in batches: 100,000 posts in minutes.

    Bodies come from a small pool rendered once; the pictures' rows name objects that are not
    uploaded, which is enough for pages that only build their URLs.
    """

    BATCH = 1000
    BODIES = 50

    def __init__(self, rng, authors, categories, *, with_images):
        self.rng = rng
        self.authors = authors
        self.categories = categories
        self.with_images = with_images
        self.bodies = []
        for _ in range(self.BODIES):
            body = Post(content=demo_content(rng))
            post_prepare(body)
            self.bodies.append(body)
        # A few tags, saved one by one so that each gets its case-folded key.
        self.tags = [Tag.objects.get_or_create(name=word)[0] for word in WORDS[:12]]
        # Unique slugs without a query per post: the run's start time makes them unique.
        self.prefix = timezone.now().strftime("%Y%m%d%H%M%S%f")

    def run(self, count, progress):
        """`count` published posts, newest first, then one draft for every six of them."""
        start = timezone.now()
        total = count + count // 6
        progress.total = total
        for first in range(0, total, self.BATCH):
            numbers = range(first, min(first + self.BATCH, total))
            posts = [
                self.post(number, start - timedelta(minutes=number) if number < count else None)
                for number in numbers
            ]
            if self.with_images:
                images = Image.objects.bulk_create(self.image(number) for number in numbers)
                for post, image in zip(posts, images, strict=True):
                    post.image = image
            # Drawn before the insert, so that each post's stored counts match its rows.
            comments = [[self.comment_row() for _ in range(self.rng.randrange(4))] for _ in posts]
            readers = [
                self.rng.sample(self.authors, self.rng.randrange(min(4, len(self.authors) + 1)))
                for _ in posts
            ]
            for post, its_comments, its_readers in zip(posts, comments, readers, strict=True):
                post.comment_count, post.like_count = len(its_comments), len(its_readers)
            posts = Post.objects.bulk_create(posts)
            for post, its_comments in zip(posts, comments, strict=True):
                for comment in its_comments:
                    comment.post = post
            Comment.objects.bulk_create(comment for its in comments for comment in its)
            Like.objects.bulk_create(
                Like(post=post, user=reader)
                for post, its_readers in zip(posts, readers, strict=True)
                for reader in its_readers
            )
            TaggedPost.objects.bulk_create(
                TaggedPost(content_object=post, tag=tag)
                for post in posts
                for tag in self.rng.sample(self.tags, self.rng.randrange(4))
            )
            progress.update(len(posts))
        published_months_rebuild()  # bulk rows send no signal
        refresh_statistics([Post, Image, Comment, Like, Tag, TaggedPost])

    def post(self, number, when):
        body = self.rng.choice(self.bodies)
        title = " ".join(self.rng.sample(WORDS, 4)).capitalize()
        return Post(
            title=title,
            slug=f"{slugify(title)}-{self.prefix}-{number}",
            author=self.rng.choice(self.authors),
            category=self.rng.choice(self.categories) if self.categories else None,
            content=body.content,
            content_html=body.content_html,
            excerpt=body.excerpt,
            status=Post.Status.PUBLISHED if when else Post.Status.DRAFT,
            published_at=when,
        )

    def image(self, number):
        folder = f"blog/demo-{self.prefix}-{number}"
        return Image(
            original=f"{folder}/original.jpg",
            width=1600,
            height=1067,
            display=f"{folder}/display.jpg",
            display_width=1200,
            display_height=800,
            thumbnail=f"{folder}/thumbnail.jpg",
            thumbnail_width=480,
            thumbnail_height=320,
        )

    def comment_row(self):
        return Comment(
            author=self.rng.choice(self.authors), content=" ".join(self.rng.choices(WORDS, k=12))
        )
