"""The month archive: an index of the months with public posts, and a list per month."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from blog.navigation import archive_months
from blog.views import PostListMixin


class ArchiveIndexView(TemplateView):
    template_name = "blog/archive_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(months=archive_months(), **kwargs)


class MonthPostListView(PostListMixin, ListView):
    """Public posts of one month, newest first; a month without any is a 404."""

    allow_empty = False

    @cached_property
    def month(self) -> date:
        try:
            return date(int(self.kwargs["year"]), int(self.kwargs["month"]), 1)
        except ValueError as error:
            raise Http404("No such month.") from error

    @property
    def heading(self):
        return f"Posts from {self.month:%B %Y}"

    def get_queryset(self):
        start = self.month
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return (
            super()
            .get_queryset()
            .filter(published_at__gte=midnight(start), published_at__lt=midnight(end))
        )


def midnight(day: date):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day))
