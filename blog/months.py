"""Published posts per month, for the archive: a row a month, recounted off the publication index
whenever a post is saved or deleted, so that listing the months never counts every post."""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from blog.models import Post, PublishedMonth


def month_of(when: datetime) -> date:
    local = timezone.localtime(when)
    return date(local.year, local.month, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in TIME_ZONE."""
    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(timezone.make_aware(datetime(day.year, day.month, 1)) for day in (month, after))


def published_months_refresh(*, months):
    """Recounts the published posts of these months, in the writer's transaction. Each month's
    row is locked before it is counted, so that concurrent writers count one after the other
    and the last count sees every committed post."""
    with transaction.atomic():
        for month in sorted(set(months)):  # one order for every writer: no deadlock
            PublishedMonth.objects.select_for_update().get_or_create(month=month)
            start, end = month_bounds(month)
            posts = Post.objects.filter(
                status=Post.Status.PUBLISHED, published_at__gte=start, published_at__lt=end
            ).count()
            PublishedMonth.objects.filter(month=month).update(posts=posts)


def published_months_rebuild():
    """Counts every month afresh: after writes that bypass saves, such as bulk seeding."""
    counts = (
        Post.objects.filter(status=Post.Status.PUBLISHED, published_at__isnull=False)
        .annotate(month=TruncMonth("published_at"))
        .order_by()
        .values("month")
        .annotate(posts=Count("pk"))
    )
    with transaction.atomic():
        PublishedMonth.objects.all().delete()
        PublishedMonth.objects.bulk_create(
            PublishedMonth(month=row["month"].date(), posts=row["posts"]) for row in counts
        )


def public_months() -> list[dict]:
    """[{"month": date, "total": n}] for every month with a public post, newest first: the
    stored counts, less this month's posts still scheduled (months before it have none)."""
    this_month = month_of(timezone.now())
    rows = PublishedMonth.objects.filter(month__lte=this_month, posts__gt=0).order_by("-month")
    months = [{"month": row.month, "total": row.posts} for row in rows]
    if months and months[0]["month"] == this_month:
        scheduled = Post.objects.scheduled().filter(published_at__lt=month_bounds(this_month)[1])
        months[0]["total"] -= scheduled.count()
        if not months[0]["total"]:
            months.pop(0)
    return months
