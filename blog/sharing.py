"""What other sites and machines read about a post: its picture's alt text and schema.org data."""

from django.urls import reverse

from cblog.images.public import public_url


def image_alt(post) -> str:
    """The alt text the author wrote for the picture; none for a decorative one; for a picture
    stored before alt text was asked for, one naming the post."""
    if post.image_decorative:
        return ""
    return post.image_alt or f"Picture for “{post.title}”"


def author_name(user) -> str:
    return user.get_full_name() or user.get_username()


def blog_posting(post, absolute) -> dict:
    """schema.org BlogPosting for a post page; `absolute` turns a site path into a full URL."""
    url = absolute(post.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.seo_title[:110],
        "description": post.seo_description,
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
    tags = [tag.name for tag in post.tags.all()]
    if tags:
        data["keywords"] = tags
    if post.image:
        data["image"] = {
            "@type": "ImageObject",
            "url": absolute(public_url(post.image.display)),
            "width": post.image.display_width,
            "height": post.image.display_height,
        }
        caption = post.image_caption or image_alt(post)
        if caption:
            data["image"]["caption"] = caption
    return data
