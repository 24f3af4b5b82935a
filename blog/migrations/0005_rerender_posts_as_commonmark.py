from django.db import migrations

from cblog.markdown import plain_text_excerpt, render_markdown

BATCH = 200


def rerender_posts(apps, schema_editor):
    """Stored HTML is rendered again as CommonMark, so that images from elsewhere become links."""
    Post = apps.get_model("blog", "Post")
    batch = []
    for post in Post.objects.only("pk", "content").iterator(chunk_size=BATCH):
        post.content_html = render_markdown(post.content)
        post.excerpt = plain_text_excerpt(post.content_html)
        batch.append(post)
        if len(batch) == BATCH:
            Post.objects.bulk_update(batch, ["content_html", "excerpt"])
            batch = []
    Post.objects.bulk_update(batch, ["content_html", "excerpt"])


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_reserved_slugs_and_plain_excerpts"),
    ]

    operations = [
        migrations.RunPython(rerender_posts, migrations.RunPython.noop, elidable=True),
    ]
