from django.db import models
from django.urls import reverse


class SitePage(models.Model):
    """One row per page of the site (About, Contact's introduction): made by a migration,
    edited in the admin, never added or deleted there, so each page exists exactly once."""

    class Slug(models.TextChoices):
        ABOUT = "about", "About"
        CONTACT = "contact", "Contact"

    slug = models.SlugField(max_length=20, choices=Slug, unique=True, editable=False)
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=20_000, help_text="Markdown.")
    body_html = models.TextField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(f"pages:{self.slug}")


class ContactMessage(models.Model):
    """What a visitor sent from the contact page: kept, so that a mail that fails loses nothing."""

    name = models.CharField(max_length=100)
    email = models.EmailField()
    message = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the job that mails the admins, so that they hear of each message once.
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} <{self.email}>"
