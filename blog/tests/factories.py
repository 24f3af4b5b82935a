import factory
from django.utils import timezone

from blog.models import Category, Comment, Like, Post
from blog.services import post_render
from users.tests.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    author = factory.SubFactory(UserFactory)
    category = factory.SubFactory(CategoryFactory)
    content = "Some *Markdown* content about the river."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def rendered(post, create, extracted, **kwargs):
        post_render(post)
        if create:
            post.save(update_fields=["content_html", "excerpt"])

    class Params:
        draft = factory.Trait(status=Post.Status.DRAFT, published_at=None)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    content = "Nice post!"


class LikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Like

    post = factory.SubFactory(PostFactory)
    user = factory.SubFactory(UserFactory)
