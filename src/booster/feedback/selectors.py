"""Reading released programme feedback, in aggregates that never single out a person.

The rule every figure an organisation sees obeys (docs/security.md, "Programme feedback"):

1. Only released answers count. A release (``FeedbackRelease``) takes in at least
   ``MIN_RESPONDENTS`` answers at once, so two consecutive reports differ by five people or
   more.
2. Every set of answers shown — the whole, a release, a year — is a union of whole
   releases. Any difference or overlap of two such sets is again a union of whole releases,
   so it holds no answers or at least five: no combination of what is shown isolates fewer
   than five people.
3. A set is shown only when it holds at least five answers and what it leaves out of the
   organisation's released total is none or at least five (checked again here, whatever
   the releases say).
4. Nothing is ever broken down by group, group language or day answered: those cut across
   releases. Comments are never read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q

from booster.feedback.models import (
    MIN_RESPONDENTS,
    STATEMENTS,
    Agreement,
    FeedbackResponse,
    Recommend,
)
from booster.organisations.models import Organisation

STATEMENT_KEYS: tuple[str, ...] = tuple(key for key, _label in STATEMENTS)
AGREEMENT_VALUES: tuple[int, ...] = tuple(int(value) for value in Agreement.values)
RECOMMEND_VALUES: tuple[str, ...] = tuple(str(value) for value in Recommend.values)
# Agreeing: "agree" and "strongly agree".
AGREEING: frozenset[int] = frozenset({Agreement.AGREE, Agreement.STRONGLY_AGREE})


@dataclass
class Counts:
    """Counts of answers over a set of respondents: per statement, how many chose each of
    the five answers; how many said yes, maybe or no to recommending. Nothing else."""

    respondents: int = 0
    statements: dict[str, dict[int, int]] = field(
        default_factory=lambda: {key: dict.fromkeys(AGREEMENT_VALUES, 0) for key in STATEMENT_KEYS}
    )
    recommend: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECOMMEND_VALUES, 0))

    def add(self, other: Counts) -> None:
        self.respondents += other.respondents
        for key in STATEMENT_KEYS:
            for value in AGREEMENT_VALUES:
                self.statements[key][value] += other.statements[key][value]
        for choice in RECOMMEND_VALUES:
            self.recommend[choice] += other.recommend[choice]


@dataclass(frozen=True)
class Batch:
    """One release as the organisation sees it: when, and the counts of its answers."""

    release_id: int
    released_at: datetime
    counts: Counts

    @property
    def respondents(self) -> int:
        return self.counts.respondents


def _aggregates() -> dict[str, Count]:
    aggregates: dict[str, Count] = {"respondents": Count("id")}
    for key in STATEMENT_KEYS:
        for value in AGREEMENT_VALUES:
            aggregates[f"{key}_{value}"] = Count("id", filter=Q(**{key: value}))
    for choice in RECOMMEND_VALUES:
        aggregates[f"recommend_{choice}"] = Count("id", filter=Q(recommend=choice))
    return aggregates


def released_batches(*, organisation: Organisation) -> list[Batch]:
    """The organisation's releases, oldest first, each with its counts (one query).

    A release that holds fewer than five answers (answers can only go away with their
    organisation, but the rule does not rely on that) is left out of every report."""
    rows = (
        FeedbackResponse.objects.filter(organisation=organisation, release__isnull=False)
        .values("release_id", "release__released_at")
        .annotate(**_aggregates())
        .order_by("release__released_at", "release_id")
    )
    batches: list[Batch] = []
    for row in rows:
        counts = Counts(respondents=row["respondents"])
        for key in STATEMENT_KEYS:
            for value in AGREEMENT_VALUES:
                counts.statements[key][value] = row[f"{key}_{value}"]
        for choice in RECOMMEND_VALUES:
            counts.recommend[choice] = row[f"recommend_{choice}"]
        if counts.respondents < MIN_RESPONDENTS:
            continue
        batches.append(
            Batch(
                release_id=row["release_id"], released_at=row["release__released_at"], counts=counts
            )
        )
    return batches


def may_show(*, shown: int, total: int) -> bool:
    """Whether a set of ``shown`` respondents may be shown beside a released total of
    ``total``: at least five in it, and none or at least five left out of it."""
    left_out = total - shown
    return shown >= MIN_RESPONDENTS and (left_out == 0 or left_out >= MIN_RESPONDENTS)


def combined(batches: Iterable[Batch]) -> Counts:
    counts = Counts()
    for batch in batches:
        counts.add(batch.counts)
    return counts
