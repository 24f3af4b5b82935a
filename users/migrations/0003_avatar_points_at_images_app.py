import django.db.models.deletion
from django.db import migrations

import cblog.images.models


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0002_username_skeleton"),
        ("images", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="profile",
                    name="avatar",
                    field=cblog.images.models.OwnedImageField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="profile",
                        to="images.image",
                    ),
                ),
            ],
        ),
    ]
