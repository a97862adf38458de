"""Demo posts for the demo group's board, so a newcomer sees a board in use."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from booster.board.models import Post
from booster.groups.models import Group, Membership

# Written by members, so they are in the group's working language rather than translated.
DEMO_POSTS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("Lovely to meet you all! Looking forward to the opening meeting.", ""),
        (
            "I found a short article on keeping work and rest apart when every day is "
            "different. Maybe something for our theme on boundaries?",
            "https://example.org/work-and-rest",
        ),
        ("Could we bring our calendars to the first meeting so that we can agree the dates?", ""),
    ],
    "sv": [
        ("Så roligt att träffa er alla! Jag ser fram emot det första mötet.", ""),
        (
            "Jag hittade en kort artikel om att hålla isär arbete och vila när varje dag ser "
            "olika ut. Kanske något till vårt tema om gränser?",
            "https://example.org/work-and-rest",
        ),
        ("Kan vi ta med våra kalendrar till första mötet så att vi kan bestämma datumen?", ""),
    ],
    "fi": [
        ("Mukava tutustua teihin kaikkiin! Odotan innolla ensimmäistä tapaamista.", ""),
        (
            "Löysin lyhyen artikkelin työn ja levon erottamisesta, kun jokainen päivä on "
            "erilainen. Sopisiko se rajoja käsittelevään teemaamme?",
            "https://example.org/work-and-rest",
        ),
        ("Voisimmeko ottaa kalenterit mukaan ensimmäiseen tapaamiseen, jotta sovimme päivät?", ""),
    ],
}


@transaction.atomic
def board_demo_create(group: Group) -> list[Post]:
    """Three friendly posts by different members of ``group`` (fewer when it has fewer
    members), spread over the last few days. Does nothing when the board has posts."""
    if Post.objects.filter(group=group).exists():
        return []
    authors = list(Membership.objects.active().filter(group=group).order_by("joined_at", "id"))
    texts = DEMO_POSTS.get(group.language, DEMO_POSTS["en"])
    now = timezone.now()
    posts = []
    # zip stops at the shorter list: a group of two gets two posts.
    for author, (text, link), days_ago in zip(authors, texts, (3, 2, 1), strict=False):
        post = Post(
            group=group,
            author=author,
            text=text,
            link=link,
            created_at=now - timedelta(days=days_ago, hours=2 * days_ago),
        )
        post.full_clean()
        post.save()
        posts.append(post)
    return posts
