"""Suggesting groups from a call's sign-ups: a pure function, so its promises can be tested
with any sign-ups hypothesis can think of.

People are grouped only with others who share their language and their form of meeting
(remote, or face to face in the same city), and only when all of them can meet at one
time slot at least. Nobody is put in two groups; who fits nowhere stays unplaced for the
coordinator to place by hand.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MIN_GROUP_SIZE = 3
MAX_GROUP_SIZE = 10


@dataclass(frozen=True)
class Candidate:
    """What grouping needs to know of a sign-up."""

    id: int
    language: str
    form: str
    city: str
    slots: frozenset[str]

    @property
    def kind(self) -> tuple[str, str, str]:
        """Who may be grouped together: same language, same form, same city face to face."""
        return (self.language, self.form, self.city if self.form == "face_to_face" else "")


@dataclass(frozen=True)
class Suggestion:
    kind: tuple[str, str, str]
    slot: str  # a time slot every member can meet at
    ids: tuple[int, ...]


@dataclass
class Suggestions:
    groups: list[Suggestion] = field(default_factory=list)
    unplaced: list[int] = field(default_factory=list)


def _best_slot(people: Sequence[Candidate]) -> tuple[str, list[Candidate]] | None:
    by_slot: dict[str, list[Candidate]] = defaultdict(list)
    for person in people:
        for slot in person.slots:
            by_slot[slot].append(person)
    if not by_slot:
        return None
    # The slot most people share; ties go to the earliest slot name, so results are stable.
    slot = min(by_slot, key=lambda name: (-len(by_slot[name]), name))
    return slot, by_slot[slot]


def suggest_groups(
    signups: Iterable[Candidate],
    max_size: int = MAX_GROUP_SIZE,
    min_size: int = MIN_GROUP_SIZE,
) -> Suggestions:
    """Groups of ``min_size`` to ``max_size`` people of one kind who share a time slot.

    Within each kind, the slot most people share is taken first; when more people share it
    than one group holds, they are split into as few, evenly sized groups as fit. People
    with the fewest times that suit are placed first, as they have the fewest other chances.
    """
    max_size = max(1, max_size)
    min_size = max(1, min(min_size, max_size))
    unique: dict[int, Candidate] = {}
    for person in signups:
        unique.setdefault(person.id, person)
    kinds: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
    for person in unique.values():
        kinds[person.kind].append(person)
    result = Suggestions()
    for kind in sorted(kinds):
        left = sorted(kinds[kind], key=lambda person: person.id)
        while True:
            best = _best_slot(left)
            if best is None or len(best[1]) < min_size:
                break
            slot, sharing = best
            count = math.ceil(len(sharing) / max_size)
            size = min(max(math.ceil(len(sharing) / count), min_size), max_size)
            chosen = sorted(sharing, key=lambda person: (len(person.slots), person.id))[:size]
            result.groups.append(
                Suggestion(kind=kind, slot=slot, ids=tuple(sorted(p.id for p in chosen)))
            )
            taken = {person.id for person in chosen}
            left = [person for person in left if person.id not in taken]
        result.unplaced.extend(person.id for person in left)
    return result
