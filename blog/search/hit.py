from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Hit:
    """A matching post as a backend scores it."""

    pk: int
    title_hit: bool  # the title holds every word
    score: float  # higher is better
    published_at: datetime | None

    @property
    def rank(self) -> tuple:
        """Sorts best first when reversed: title matches, then relevance, then newest."""
        when = self.published_at.timestamp() if self.published_at else 0.0
        return (self.title_hit, self.score, when, self.pk)
