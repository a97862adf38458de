"""suggest_groups keeps its promises for any sign-ups (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from booster.calls.grouping import Candidate, suggest_groups
from booster.calls.models import SLOTS

candidates = st.lists(
    st.builds(
        Candidate,
        id=st.integers(min_value=1, max_value=400),
        language=st.sampled_from(["sv", "fi", "en"]),
        form=st.sampled_from(["remote", "face_to_face"]),
        city=st.sampled_from(["", "Helsinki", "Turku"]),
        slots=st.frozensets(st.sampled_from(SLOTS[:8]), max_size=4),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(people=candidates, max_size=st.integers(min_value=3, max_value=10))
def test_suggestions_keep_every_promise(people: list[Candidate], max_size: int) -> None:
    by_id: dict[int, Candidate] = {}
    for candidate in people:
        by_id.setdefault(candidate.id, candidate)
    result = suggest_groups(people, max_size=max_size)
    placed = [person_id for group in result.groups for person_id in group.ids]
    # Each person at most once, and everyone either placed or unplaced.
    assert len(placed) == len(set(placed))
    assert not set(placed) & set(result.unplaced)
    assert set(placed) | set(result.unplaced) == set(by_id)
    for group in result.groups:
        members = [by_id[person_id] for person_id in group.ids]
        assert 3 <= len(members) <= max_size
        # Never mixing language, form, or (face to face) city.
        assert len({member.language for member in members}) == 1
        assert len({member.form for member in members}) == 1
        if members[0].form == "face_to_face":
            assert len({member.city for member in members}) == 1
        # A time slot everyone shares, and it is the one the suggestion names.
        shared = frozenset.intersection(*(member.slots for member in members))
        assert group.slot in shared


@settings(max_examples=100, deadline=None)
@given(people=candidates)
def test_never_more_than_ten_by_default(people: list[Candidate]) -> None:
    assert all(len(group.ids) <= 10 for group in suggest_groups(people).groups)


def test_twelve_who_share_a_time_make_two_even_groups() -> None:
    people = [Candidate(i, "fi", "remote", "", frozenset({"tue_evening"})) for i in range(1, 13)]
    result = suggest_groups(people)
    assert sorted(len(group.ids) for group in result.groups) == [6, 6]
    assert result.unplaced == []


def test_people_who_fit_nowhere_stay_unplaced() -> None:
    people = [
        Candidate(1, "fi", "remote", "", frozenset({"mon_morning"})),
        Candidate(2, "fi", "remote", "", frozenset({"mon_morning"})),
        Candidate(3, "fi", "remote", "", frozenset({"mon_morning"})),
        Candidate(4, "sv", "remote", "", frozenset({"mon_morning"})),  # the only Swede
        Candidate(5, "fi", "face_to_face", "Turku", frozenset({"mon_morning"})),  # alone in Turku
        Candidate(6, "fi", "remote", "", frozenset({"sun_evening"})),  # no shared time
        Candidate(7, "fi", "remote", "", frozenset()),  # no time at all
    ]
    result = suggest_groups(people)
    assert [group.ids for group in result.groups] == [(1, 2, 3)]
    assert sorted(result.unplaced) == [4, 5, 6, 7]
