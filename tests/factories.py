"""factory_boy factories for the models the tests need."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from booster.accounts.models import User

DEFAULT_PASSWORD = "a calm river 42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    language = "en"
    time_zone = "Europe/Helsinki"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.Group"

    name = factory.Sequence(lambda n: f"Group {n}")
    language = "en"
    form = "remote"
    video_link = "https://meet.example.org/booster"
    country = "FI"
    time_zone = "Europe/Helsinki"
    created_by = None

    @factory.lazy_attribute
    def pack_version(self) -> Any:
        from tests.programme.fixtures import booster_pack_stored

        return booster_pack_stored()


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member in the next free seat (or a guide, with role="guide")."""

    class Meta:
        model = "groups.Membership"

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"
    display_name = factory.LazyAttribute(lambda o: o.user.display_name)

    @factory.lazy_attribute
    def seat(self) -> int | None:
        if self.role != "member":
            return None
        taken = set(
            self.group.memberships.filter(seat__isnull=False).values_list("seat", flat=True)
        )
        return min(set(range(1, 11)) - taken)

    @factory.lazy_attribute
    def guide_seat(self) -> int | None:
        if self.role != "guide":
            return None
        taken = set(
            self.group.memberships.filter(guide_seat__isnull=False).values_list(
                "guide_seat", flat=True
            )
        )
        return min({1, 2} - taken)


# --- board (helper D) ---
class PostFactory(factory.django.DjangoModelFactory):
    """A board post by a member of the post's group."""

    class Meta:
        model = "board.Post"

    author = factory.SubFactory(MembershipFactory)
    group = factory.LazyAttribute(lambda o: o.author.group)
    text = factory.Sequence(lambda n: f"Board post number {n}")
    link = ""


# --- planning (helper B) ---
class GoalProposalFactory(factory.django.DjangoModelFactory):
    """A goal proposed by a member of the proposal's group."""

    class Meta:
        model = "planning.GoalProposal"

    author = factory.SubFactory(MembershipFactory)
    group = factory.LazyAttribute(lambda o: o.author.group)
    text = factory.Sequence(lambda n: f"Proposed goal {n}")


class RuleWishFactory(factory.django.DjangoModelFactory):
    """A member's wish for the ground rules."""

    class Meta:
        model = "planning.RuleWish"

    author = factory.SubFactory(MembershipFactory)
    group = factory.LazyAttribute(lambda o: o.author.group)
    text = factory.Sequence(lambda n: f"Wish {n}: we listen to each other")


class GroundRulesVersionFactory(factory.django.DjangoModelFactory):
    """A version of the ground rules, numbered after the group's latest."""

    class Meta:
        model = "planning.GroundRulesVersion"

    written_by = factory.SubFactory(MembershipFactory)
    group = factory.LazyAttribute(lambda o: o.written_by.group)
    rules = "We listen. We keep what is said in the group."
    conflict_procedure = "We pause and talk it through together."

    @factory.lazy_attribute
    def number(self) -> int:
        return self.group.ground_rules.count() + 1


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting of a group (number 1 unless told), remote on the group's link."""

    class Meta:
        model = "meetings.Meeting"

    group = factory.SubFactory(GroupFactory)
    number = 1
    theme_key = "opening"
    form = factory.LazyAttribute(lambda o: o.group.form)
    place = factory.LazyAttribute(lambda o: o.group.place)
    video_link = factory.LazyAttribute(lambda o: o.group.video_link)
    duration_minutes = 150


# --- organisations (issue 6) ---


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.Organisation"

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.Coordinator"

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
