"""Pairs for a pairs phase, rotating across the programme so that people meet new partners.

Pure (no database). The people present are put in a canonical order (by id) and the
round-robin "circle" schedule over that order gives n − 1 arrangements (with an odd count,
one stand-in makes it even) in which every two people are paired exactly once.

Each call ranks those arrangements by the group's history: for every pair in an
arrangement, when they last worked together (a later pair phase is worse), compared from
the most recent meeting down, then how often they have met, then the schedule's order. The
best comes first. Since the arrangements share no pair, an arrangement not used during the
last calls always beats one that was, so with the same even number n of people, n − 1
consecutive calls (each added to the history) never pair the same two people twice,
whatever came before. When the people present change, the schedule is the new set's and the
ranking still prefers those who have met least, or longest ago.

With an odd count the person paired with the stand-in joins one of the pairs (the one whose
members they met least recently), making one trio. ``shuffle=k`` (k ≥ 1) takes a later
arrangement in the ranking, so a reshuffle gives another valid arrangement whenever there is
one (four people or more).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Group = list[int]
Arrangement = list[Group]

_NEVER = -1


def pairs_make(
    *,
    present: Sequence[int],
    history: Sequence[Sequence[Sequence[int]]],
    shuffle: int = 0,
) -> Arrangement:
    """Groups of two (one trio when the count is odd) of the people present.

    ``history`` is the group's earlier pair phases, oldest first, each a list of groups.
    Deterministic for the same inputs. One person gives ``[[a]]``, nobody ``[]``.
    """
    people = sorted(set(present))
    if len(people) <= 3:
        return [people] if people else []
    last, count = _meetings(history)
    ranked = sorted(
        (
            (_rank(arrangement, last, count), index, arrangement)
            for index, arrangement in enumerate(_arrangements(people, last))
        ),
        key=lambda item: (item[0], item[1]),
    )
    choice = 0 if shuffle <= 0 else (shuffle - 1) % (len(ranked) - 1) + 1
    return ranked[choice][2]


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _pairs_of(group: Sequence[int]) -> Iterable[tuple[int, int]]:
    for i, a in enumerate(group):
        for b in group[i + 1 :]:
            if a != b:
                yield _key(a, b)


def _meetings(
    history: Sequence[Sequence[Sequence[int]]],
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """For each pair: the index of the last phase they shared, and how many they shared."""
    last: dict[tuple[int, int], int] = {}
    count: dict[tuple[int, int], int] = {}
    for index, phase in enumerate(history):
        seen: set[tuple[int, int]] = set()
        for group in phase:
            seen.update(_pairs_of(group))
        for pair in seen:
            last[pair] = index
            count[pair] = count.get(pair, 0) + 1
    return last, count


def _arrangements(people: Sequence[int], last: dict[tuple[int, int], int]) -> list[Arrangement]:
    """The circle schedule's rounds over ``people`` (in this order)."""
    seats: list[int | None] = [*people]
    if len(seats) % 2:
        seats.append(None)  # the stand-in
    size = len(seats)
    fixed, rotating = seats[0], seats[1:]
    rounds: list[Arrangement] = []
    for turn in range(size - 1):
        order = [fixed, *rotating[turn:], *rotating[:turn]]
        groups: Arrangement = []
        alone: int | None = None
        for i in range(size // 2):
            a, b = order[i], order[size - 1 - i]
            if a is None or b is None:
                alone = b if a is None else a
            else:
                groups.append(sorted((a, b)))
        if alone is not None:
            _join(groups, alone, last)
        rounds.append(sorted(groups))
    return rounds


def _join(groups: Arrangement, person: int, last: dict[tuple[int, int], int]) -> None:
    """Add ``person`` to the pair whose members they met least recently."""

    def recency(group: Group) -> tuple[int, int]:
        times = sorted((last.get(_key(person, other), _NEVER) for other in group), reverse=True)
        return times[0], times[1]

    best = min(range(len(groups)), key=lambda index: (recency(groups[index]), index))
    groups[best] = sorted([*groups[best], person])


def _rank(
    arrangement: Arrangement,
    last: dict[tuple[int, int], int],
    count: dict[tuple[int, int], int],
) -> tuple[tuple[int, ...], int]:
    """Lower is better: the last meetings, most recent first, then the number of meetings."""
    pairs = [pair for group in arrangement for pair in _pairs_of(group)]
    recent = tuple(sorted((last.get(pair, _NEVER) for pair in pairs), reverse=True))
    return recent, sum(count.get(pair, 0) for pair in pairs)
