import django.db.models.deletion
from django.db import migrations

import cblog.images.models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0006_post_counters_and_list_indexes"),
        ("images", "0001_initial"),
        # Profile.avatar points at the moved model before blog forgets it.
        ("users", "0003_avatar_points_at_images_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="post",
                    name="image",
                    field=cblog.images.models.OwnedImageField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="post",
                        to="images.image",
                    ),
                ),
                migrations.DeleteModel(name="Image"),
            ],
        ),
    ]
