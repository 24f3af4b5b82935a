from importlib import import_module

from django.db import migrations

# The same pass as 0005: every stored post rendered again by the current renderer.
rerender_posts = import_module("blog.migrations.0005_rerender_posts_as_commonmark").rerender_posts


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0008_comment_replies_and_moderation"),
    ]

    operations = [
        migrations.RunPython(rerender_posts, migrations.RunPython.noop, elidable=True),
    ]
