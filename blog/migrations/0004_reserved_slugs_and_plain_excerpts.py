from django.db import migrations, models

import blog.models
from cblog.markdown import plain_text_excerpt


def move_posts_off_reserved_slugs(apps, schema_editor):
    """A post that took a route's word (/post/new/) moves to the first free "<word>-N"."""
    Post = apps.get_model("blog", "Post")
    for post in Post.objects.filter(slug__in=blog.models.RESERVED_SLUGS):
        number = 2
        while Post.objects.filter(slug=f"{post.slug}-{number}").exists():
            number += 1
        post.slug = f"{post.slug}-{number}"
        post.save(update_fields=["slug"])


def rederive_excerpts(apps, schema_editor):
    """Excerpts were stored HTML-escaped; they become plain text, escaped once at render."""
    Post = apps.get_model("blog", "Post")
    posts = list(Post.objects.only("pk", "content_html"))
    for post in posts:
        post.excerpt = plain_text_excerpt(post.content_html)
    Post.objects.bulk_update(posts, ["excerpt"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_default_categories"),
    ]

    operations = [
        migrations.RunPython(move_posts_off_reserved_slugs, migrations.RunPython.noop),
        migrations.RunPython(rederive_excerpts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="post",
            name="slug",
            field=models.SlugField(
                allow_unicode=True,
                max_length=220,
                unique=True,
                validators=[blog.models.validate_slug_not_reserved],
            ),
        ),
    ]
