"""What other sites and machines read about a post: its picture's alt text and schema.org data."""

from django.urls import reverse

from cblog.images.public import public_url


def image_alt(post) -> str:
    """The alt text the author wrote for the picture, else one naming the post."""
    return getattr(post, "image_alt", "") or f"Picture for “{post.title}”"


def author_name(user) -> str:
    return user.get_full_name() or user.get_username()


def blog_posting(post, absolute) -> dict:
    """schema.org BlogPosting for a post page; `absolute` turns a site path into a full URL."""
    url = absolute(post.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title[:110],
        "description": post.excerpt,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "dateModified": post.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": author_name(post.author),
            "url": absolute(reverse("blog:author", args=[post.author.get_username()])),
        },
    }
    if post.published_at:
        data["datePublished"] = post.published_at.isoformat()
    if post.category:
        data["articleSection"] = post.category.name
    if post.image:
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute(public_url(post.image.display)),
            "width": post.image.display_width,
            "height": post.image.display_height,
            "caption": image_alt(post),
        }
    return data
