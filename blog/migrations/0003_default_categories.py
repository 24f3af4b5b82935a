from django.db import migrations

DEFAULT_CATEGORIES = [
    ("General", "general"),
    ("Technology", "technology"),
    ("Travel", "travel"),
    ("Food", "food"),
    ("Photography", "photography"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("blog", "Category")
    for name, slug in DEFAULT_CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name})


def remove_categories(apps, schema_editor):
    Category = apps.get_model("blog", "Category")
    Category.objects.filter(slug__in=[slug for _, slug in DEFAULT_CATEGORIES], posts=None).delete()


class Migration(migrations.Migration):
    dependencies = [("blog", "0002_initial")]

    operations = [migrations.RunPython(create_categories, remove_categories)]
