import io
import random
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from PIL import Image as PILImage
from PIL import ImageDraw
from tqdm import tqdm

from blog.images import process_image
from blog.models import Category, Comment, Like, Post
from blog.services import post_create

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

    def handle(self, *args, posts, users, no_images, seed, **options):
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
        for number in tqdm(
            range(posts), desc="posts", unit="post", disable=options["verbosity"] == 0
        ):
            title = " ".join(rng.sample(WORDS, 4)).capitalize()
            paragraphs = [" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(4)]
            image = None if no_images else process_image(demo_photo(seed * 100_000 + number))
            post = post_create(
                author=rng.choice(authors),
                data={
                    "title": title,
                    "content": "\n\n".join(paragraphs),
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
        self.stdout.write(
            self.style.SUCCESS(f"Created {posts} posts by {len(authors)} demo users.")
        )
        if created_any:
            self.stdout.write(f"New demo users (demo1…) sign in with the password: {password}")
