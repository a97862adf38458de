"""The demo group's planning, half-way: proposed goals, everyone's wishes for the ground
rules, theme marks and a first version of the practical agreements. The goals, the rules
and the theme plan are left for the visitor to record."""

from __future__ import annotations

from django.db import transaction

from booster.groups.models import Group
from booster.groups.permissions import group_access
from booster.planning import services
from booster.planning.models import AgreementsVersion

# In the group's working language (Swedish), as members would write them.
PROPOSALS = {
    "Aino": "Hitta sätt att orka mellan produktionerna.",
    "Maya": "Dela tips om att prissätta vårt arbete.",
    "Johan": "Bygga ett nätverk vi kan lita på efter gruppen.",
}
WISHES = {
    "Sara": "Vi låter var och en tala till punkt.",
    "Aino": "Det som sägs i gruppen stannar i gruppen.",
    "Maya": "Vi börjar och slutar i tid.",
    "Leena": "Kameran får vara av om man behöver.",
}
WITHDRAWN = {"Johan": "Alla måste säga något varje gång."}
PREFERENCES = {
    "Sara": ("money", "networks"),
    "Aino": ("work_ability", "self_leadership"),
    "Maya": ("money", "competence"),
    "Johan": ("networks", "collaboration"),
    "Leena": ("work_ability", "money"),
}


@transaction.atomic
def demo_planning_create(*, group: Group) -> None:
    """Fill the demo group's planning as its members would have started it."""
    access_by_name = {
        membership.display_name: group_access(user=membership.user, group_id=group.pk)
        for membership in group.memberships.active().select_related("user")
    }
    for name, text in PROPOSALS.items():
        services.goal_propose(access=access_by_name[name], text=text)
    for name, text in WISHES.items():
        services.rule_wish_add(access=access_by_name[name], text=text)
    for name, text in WITHDRAWN.items():
        wish = services.rule_wish_add(access=access_by_name[name], text=text)
        services.rule_wish_withdraw(access=access_by_name[name], wish_id=wish.pk)
    for name, keys in PREFERENCES.items():
        for key in keys:
            services.theme_preference_toggle(access=access_by_name[name], theme_key=key)
    first = services.agreements_change(
        access=access_by_name["Maya"],
        values={
            **AgreementsVersion().values(),
            "frequency": "fortnightly",
            "meeting_count": 6,
            "meeting_minutes": 150,
            "time_of_day": "Tisdagar 17.30–20.00",
            "times_can_change": "by_agreement",
            "form": "remote",
            "remote_invitations_by": "Sara",
        },
        base_number=0,
    )
    services.agreements_change(
        access=access_by_name["Leena"],
        values={
            **first.values(),
            "channel": "board",
            "absence_reporting": "Skriv på tavlan senast dagen före.",
        },
        base_number=first.number,
    )
