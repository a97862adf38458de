"""Demo notebook pages, so that the scales and the network map can be seen at once."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from booster.groups.models import Membership
from booster.groups.permissions import GroupAccess
from booster.notebook import selectors, services
from booster.notebook.models import NotebookEntry
from booster.notebook.worksheets import Slot

# Written by a member, so in the group's working language rather than translated.
_TEXTS: dict[str, dict[str, Any]] = {
    "en": {
        "resources": [
            ("Work that feels meaningful", 5, "Say yes to projects close to my heart"),
            ("My choir on Thursdays", 3, "Keep the evening free"),
            ("Freedom to plan my days", 4, ""),
        ],
        "demands": [
            ("Irregular income", 4, "Build a buffer for quiet months"),
            ("Grant applications", 3, "Write them with a colleague"),
            ("Working alone", 2, "Share a studio two days a week"),
        ],
        "notes": "The scales lean towards resources when I keep my evenings.",
        "network": [
            ("Maria, fellow illustrator", "professional", "inner", "We swap feedback monthly"),
            ("Publisher Lumo", "professional", "outer", ""),
            ("My sister", "wellbeing", "inner", "Long walks"),
            ("Artists' union", "professional", "outer", "Contract advice"),
            ("Running group", "wellbeing", "outer", ""),
            ("City theatre", "professional", "reach", "Poster commissions?"),
        ],
        "widen": "Go to the union's open evenings and introduce myself to two new people.",
        "have": [("Drawing and colour", True), ("Pricing my work", False)],
        "need": [("Negotiating contracts", True), ("Social media", False)],
    },
    "sv": {
        "resources": [
            ("Meningsfullt arbete", 5, "Tacka ja till projekt som ligger mig varmt om hjärtat"),
            ("Kören på torsdagar", 3, "Håll kvällen fri"),
            ("Frihet att planera mina dagar", 4, ""),
        ],
        "demands": [
            ("Oregelbunden inkomst", 4, "Spara en buffert för lugna månader"),
            ("Stipendieansökningar", 3, "Skriv dem tillsammans med en kollega"),
            ("Att arbeta ensam", 2, "Dela ateljé två dagar i veckan"),
        ],
        "notes": "Vågen väger över mot resurserna när jag håller mina kvällar fria.",
        "network": [
            ("Maria, illustratör", "professional", "inner", "Vi ger varandra respons varje månad"),
            ("Förlaget Lumo", "professional", "outer", ""),
            ("Min syster", "wellbeing", "inner", "Långa promenader"),
            ("Konstnärsförbundet", "professional", "outer", "Råd om avtal"),
            ("Löpargruppen", "wellbeing", "outer", ""),
            ("Stadsteatern", "professional", "reach", "Affischuppdrag?"),
        ],
        "widen": "Gå på förbundets öppna kvällar och presentera mig för två nya personer.",
        "have": [("Teckning och färg", True), ("Att prissätta mitt arbete", False)],
        "need": [("Att förhandla avtal", True), ("Sociala medier", False)],
    },
    "fi": {
        "resources": [
            ("Merkityksellinen työ", 5, "Tartu projekteihin, jotka ovat lähellä sydäntä"),
            ("Kuoro torstaisin", 3, "Pidä ilta vapaana"),
            ("Vapaus suunnitella päiväni", 4, ""),
        ],
        "demands": [
            ("Epäsäännölliset tulot", 4, "Kerää puskuri hiljaisille kuukausille"),
            ("Apurahahakemukset", 3, "Kirjoita ne yhdessä kollegan kanssa"),
            ("Yksin työskentely", 2, "Jaa työhuone kahtena päivänä viikossa"),
        ],
        "notes": "Vaaka kallistuu voimavarojen puolelle, kun pidän illat vapaina.",
        "network": [
            ("Maria, kuvittaja", "professional", "inner", "Annamme toisillemme palautetta"),
            ("Kustantamo Lumo", "professional", "outer", ""),
            ("Siskoni", "wellbeing", "inner", "Pitkät kävelyt"),
            ("Taiteilijaliitto", "professional", "outer", "Sopimusneuvontaa"),
            ("Juoksuporukka", "wellbeing", "outer", ""),
            ("Kaupunginteatteri", "professional", "reach", "Julistetilauksia?"),
        ],
        "widen": "Menen liiton avoimiin iltoihin ja esittäydyn kahdelle uudelle ihmiselle.",
        "have": [("Piirtäminen ja väri", True), ("Työni hinnoittelu", False)],
        "need": [("Sopimusneuvottelut", True), ("Sosiaalinen media", False)],
    },
}


def _slot_of_kind(access: GroupAccess, kind: str) -> Slot | None:
    pack = selectors.group_pack(access=access)
    for theme in pack.themes:
        for task in theme.tasks():
            if task.worksheet is not None and str(task.worksheet) == kind:
                return selectors.task_slot(pack=pack, theme_key=theme.key, task_key=task.key)
    return None


@transaction.atomic
def notebook_demo_create(membership: Membership) -> list[NotebookEntry]:
    """Give ``membership`` a notebook with filled scales, a network map (shared with the
    group) and competence lists. Does nothing when the member already has a notebook."""
    if NotebookEntry.objects.filter(membership=membership).exists():
        return []
    access = GroupAccess(group=membership.group, membership=membership)
    texts = _TEXTS.get(membership.group.language, _TEXTS["en"])
    services.consent_give(access=access)
    contents: dict[str, dict[str, Any]] = {
        "resources_demands": {
            "resources": [
                {"text": text, "weight": weight, "note": note}
                for text, weight, note in texts["resources"]
            ],
            "demands": [
                {"text": text, "weight": weight, "note": note}
                for text, weight, note in texts["demands"]
            ],
            "notes": texts["notes"],
        },
        "network_map": {
            "items": [
                {"name": name, "kind": kind, "closeness": closeness, "note": note}
                for name, kind, closeness, note in texts["network"]
            ],
            "widen": texts["widen"],
            "notes": "",
        },
        "competence": {
            "have": [{"text": text, "share": share} for text, share in texts["have"]],
            "need": [{"text": text, "share": share} for text, share in texts["need"]],
            "notes": "",
        },
    }
    entries = []
    for kind, content in contents.items():
        slot = _slot_of_kind(access, kind)
        if slot is None:
            continue
        result = services.entry_save(
            access=access, slot=slot, entry=None, content=content, version=0
        )
        entries.append(result.entry)
        if kind in {"network_map", "competence"}:
            services.snapshot_create(access=access, entry=result.entry, slot=slot)
    return entries
