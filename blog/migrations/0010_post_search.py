from django.db import migrations


def create(apps, schema_editor):
    from blog.search import schema

    schema.create(schema_editor)


def drop(apps, schema_editor):
    from blog.search import schema

    schema.drop(schema_editor)


class Migration(migrations.Migration):
    # MySQL builds FULLTEXT indexes outside a transaction; SQLite's FTS5 table is one statement.
    atomic = False

    dependencies = [("blog", "0009_rerender_posts_with_cmark")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
