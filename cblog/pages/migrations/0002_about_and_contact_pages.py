from django.db import migrations

# Written out rendered, so that the migration never depends on today's Markdown code.
PAGES = [
    (
        "about",
        "About",
        "A blog written by its community: anyone can register, write and comment.",
        "<p>A blog written by its community: anyone can register, write and comment.</p>",
    ),
    (
        "contact",
        "Contact",
        "Questions, corrections or ideas: write to the editors below.",
        "<p>Questions, corrections or ideas: write to the editors below.</p>",
    ),
]


def create_pages(apps, schema_editor):
    SitePage = apps.get_model("pages", "SitePage")
    for slug, title, body, body_html in PAGES:
        SitePage.objects.get_or_create(
            slug=slug, defaults={"title": title, "body": body, "body_html": body_html}
        )


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
