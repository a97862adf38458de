"""Pairs for the pairs phases: everyone once, one trio when odd, new partners each time."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booster.room.pairs import pairs_make


def pairs_in(arrangement: Sequence[Sequence[int]]) -> set[frozenset[int]]:
    return {frozenset(pair) for group in arrangement for pair in combinations(group, 2)}


def assert_valid(arrangement: list[list[int]], present: Sequence[int]) -> None:
    people = [person for group in arrangement for person in group]
    assert sorted(people) == sorted(set(present))
    sizes = sorted(len(group) for group in arrangement)
    if len(people) >= 2:
        trios = sizes.count(3)
        assert trios == len(people) % 2
        assert set(sizes) <= {2, 3}


history_strategy = st.lists(
    st.lists(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=4), max_size=6),
    max_size=8,
)


@settings(max_examples=120, deadline=None)
@given(
    n=st.sampled_from([6, 8, 10]),
    first=st.integers(min_value=1, max_value=30),
    prior=history_strategy,
)
def test_the_same_even_group_meets_new_partners_for_n_minus_one_phases(
    n: int, first: int, prior: list[list[list[int]]]
) -> None:
    present = list(range(first, first + n))
    history: list[list[list[int]]] = [list(phase) for phase in prior]
    met: set[frozenset[int]] = set()
    for _ in range(n - 1):
        arrangement = pairs_make(present=present, history=history)
        assert_valid(arrangement, present)
        assert all(len(group) == 2 for group in arrangement)
        pairs = pairs_in(arrangement)
        assert not pairs & met
        met |= pairs
        history.append(arrangement)
    assert len(met) == n * (n - 1) // 2


@settings(max_examples=120, deadline=None)
@given(
    present=st.lists(st.integers(min_value=1, max_value=60), max_size=11, unique=True),
    prior=history_strategy,
    shuffle=st.integers(min_value=0, max_value=20),
)
def test_everyone_appears_once_with_a_trio_exactly_when_odd(
    present: list[int], prior: list[list[list[int]]], shuffle: int
) -> None:
    arrangement = pairs_make(present=present, history=prior, shuffle=shuffle)
    assert_valid(arrangement, present)
    trios = [group for group in arrangement if len(group) == 3]
    assert len(trios) == (1 if len(present) % 2 and len(present) >= 3 else 0)


@pytest.mark.parametrize(
    ("present", "expected"),
    [([], []), ([7], [[7]]), ([9, 4], [[4, 9]]), ([5, 2, 8], [[2, 5, 8]])],
)
def test_small_counts(present: list[int], expected: list[list[int]]) -> None:
    assert pairs_make(present=present, history=[]) == expected
    assert pairs_make(present=present, history=[[[1, 2]]], shuffle=3) == expected


def test_the_same_inputs_give_the_same_pairs_whatever_the_order() -> None:
    history = [[[1, 2], [3, 4], [5, 6]], [[1, 3], [2, 5], [4, 6]]]
    one = pairs_make(present=[1, 2, 3, 4, 5, 6], history=history)
    assert one == pairs_make(present=[6, 5, 4, 3, 2, 1], history=history)
    assert one == pairs_make(present=[1, 2, 3, 4, 5, 6], history=history)
    assert not pairs_in(one) & (pairs_in(history[0]) | pairs_in(history[1]))


@pytest.mark.parametrize("n", [4, 5, 6, 7, 8, 9, 10])
def test_a_reshuffle_gives_another_valid_arrangement(n: int) -> None:
    present = list(range(10, 10 + n))
    history = [[[10, 11], [12, 13]]]
    first = pairs_make(present=present, history=history)
    for shuffle in range(1, 2 * n):
        other = pairs_make(present=present, history=history, shuffle=shuffle)
        assert_valid(other, present)
        assert other != first
    assert pairs_make(present=present, history=history, shuffle=1) == pairs_make(
        present=present, history=history, shuffle=1
    )


def test_people_who_met_least_recently_are_preferred_when_the_group_changes() -> None:
    # 1–4 met each other in every way; 5 and 6 are new today.
    history = [
        [[1, 2], [3, 4]],
        [[1, 3], [2, 4]],
        [[1, 4], [2, 3]],
    ]
    arrangement = pairs_make(present=[1, 2, 3, 4, 5, 6], history=history)
    assert_valid(arrangement, [1, 2, 3, 4, 5, 6])
    # Only two of the old members can be paired with a newcomer; the other two
    # then meet again, and they are the ones who met longest ago.
    repeated = pairs_in(arrangement) & pairs_in([pair for phase in history for pair in phase])
    assert repeated == {frozenset({1, 2})} or repeated == {frozenset({3, 4})}


def test_the_trio_joins_those_it_met_least_recently() -> None:
    history = [[[1, 2, 3], [4, 5]]]
    arrangement = pairs_make(present=[1, 2, 3, 4, 5], history=history)
    assert_valid(arrangement, [1, 2, 3, 4, 5])
    assert len(pairs_in(arrangement) & pairs_in(history[0])) <= 1
