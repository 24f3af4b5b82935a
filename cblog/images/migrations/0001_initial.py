"""Image moves from the blog app to its own: the table stays, only Django's state changes."""

from django.db import migrations, models


def move_content_type(apps, schema_editor, source="blog", target="images"):
    # Permissions and admin log entries follow the model instead of being orphaned.
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label=target, model="image").exists():
        content_types.objects.filter(app_label=source, model="image").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="images", target="blog")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("blog", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Image",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("original", models.FileField(max_length=255, upload_to="")),
                        ("width", models.PositiveIntegerField()),
                        ("height", models.PositiveIntegerField()),
                        ("display", models.FileField(max_length=255, upload_to="")),
                        ("display_width", models.PositiveIntegerField()),
                        ("display_height", models.PositiveIntegerField()),
                        ("thumbnail", models.FileField(max_length=255, upload_to="")),
                        ("thumbnail_width", models.PositiveIntegerField()),
                        ("thumbnail_height", models.PositiveIntegerField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"db_table": "blog_image"},
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
