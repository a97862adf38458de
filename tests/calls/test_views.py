"""The calls' pages: who may open them, the public sign-up page (bad input keeps what was
typed, a repeat updates, the rate limit), forming groups through the forms, and query
counts that do not grow with the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from booster.accounts.models import User
from booster.calls.models import Call, DraftGroup, SignUp
from booster.calls.services import SIGNUPS_PER_ADDRESS_HOUR, groups_suggest
from booster.groups.models import Group
from booster.organisations.models import Organisation
from booster.programme.models import PackVersion
from tests.calls.factories import coordinator_make, open_call, organisation_make, sign_up
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = ("calls:detail", "calls:edit", "calls:form_groups")
COORDINATOR_POSTS = (
    "calls:set_state",
    "calls:suggest",
    "calls:draft_add",
    "calls:move",
    "calls:send",
)


@pytest.fixture
def organisation() -> Organisation:
    return organisation_make("Union of Freelancers")


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return coordinator_make(organisation, display_name="Cora")


@pytest.fixture
def call(organisation: Organisation, coordinator: User) -> Call:
    return open_call(organisation, coordinator)


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _kwargs(call: Call) -> dict[str, Any]:
    return {"slug": call.organisation.slug, "call_id": call.pk}


def _signup_url(call: Call) -> str:
    return reverse("calls_public:signup", kwargs={"token": call.token})


def _form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Sofia Typed-Name",
        "email": "sofia@example.com",
        "language": "sv",
        "place": "remote",
        "slots": ["mon_evening", "thu_morning"],
        "field_of_work": "visual_arts",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- access -----------------------------------------------------------------------------


def test_the_coordinator_and_an_operator_open_every_page(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    operator = UserFactory(is_staff=True, is_superuser=True)
    for user in (coordinator, operator):
        client = _client(user)
        assert (
            client.get(reverse("calls:index", kwargs={"slug": call.organisation.slug})).status_code
            == 200
        )
        for name in COORDINATOR_PAGES:
            assert client.get(reverse(name, kwargs=_kwargs(call))).status_code == 200, name


def test_everyone_else_gets_404_and_changes_nothing(
    booster_pack: PackVersion, organisation: Organisation, call: Call
) -> None:
    other_coordinator = coordinator_make(organisation_make("Another union"))
    group = GroupFactory(organisation=organisation)
    member = MembershipFactory(group=group).user
    outsider = UserFactory()
    sign_up(call)
    for user in (other_coordinator, member, outsider):
        client = _client(user)
        index = reverse("calls:index", kwargs={"slug": organisation.slug})
        assert client.get(index).status_code == 404
        assert client.post(index, {"title": "x", "languages": ["fi"]}).status_code == 404
        for name in COORDINATOR_PAGES:
            assert client.get(reverse(name, kwargs=_kwargs(call))).status_code == 404, name
        for name in COORDINATOR_POSTS:
            assert (
                client.post(reverse(name, kwargs=_kwargs(call)), {"state": "closed"}).status_code
                == 404
            )
    assert Call.objects.get(pk=call.pk).state == Call.State.OPEN
    assert not DraftGroup.objects.exists()
    anonymous = _client()
    response = anonymous.get(reverse("calls:detail", kwargs=_kwargs(call)))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_call_of_another_organisation_is_404_even_for_a_coordinator(
    coordinator: User, organisation: Organisation
) -> None:
    other_organisation = organisation_make("Elsewhere")
    others_call = open_call(other_organisation, coordinator_make(other_organisation))
    url = reverse("calls:detail", kwargs={"slug": organisation.slug, "call_id": others_call.pk})
    assert _client(coordinator).get(url).status_code == 404


def test_the_public_page_needs_no_account_but_a_draft_is_not_public(
    organisation: Organisation, coordinator: User, call: Call
) -> None:
    response = _client().get(_signup_url(call))
    assert response.status_code == 200
    assert call.title in response.content.decode()
    from booster.calls.services import call_create
    from tests.calls.factories import details

    draft = call_create(actor=coordinator, organisation=organisation, details=details())
    assert _client().get(_signup_url(draft)).status_code == 404
    assert _client().get("/en/calls/not-a-token/").status_code == 404


def test_the_public_page_speaks_swedish_and_finnish(call: Call) -> None:
    for language in ("sv", "fi"):
        response = _client().get(f"/{language}/calls/{call.token}/")
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


# --- the public sign-up -----------------------------------------------------------------


def test_signing_up_through_the_page(call: Call) -> None:
    response = _client().post(_signup_url(call), _form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("calls_public:thanks", kwargs={"token": call.token})
    signup = SignUp.objects.get(call=call)
    assert (signup.name, signup.language, signup.form) == ("Sofia Typed-Name", "sv", "remote")
    assert signup.slots == ["mon_evening", "thu_morning"]
    assert [message.to for message in mail.outbox] == [["sofia@example.com"]]


def test_a_face_to_face_sign_up_names_its_city(call: Call) -> None:
    _client().post(_signup_url(call), _form_data(place="city:Turku"))
    signup = SignUp.objects.get(call=call)
    assert (signup.form, signup.city) == ("face_to_face", "Turku")


def test_bad_input_keeps_what_was_typed(call: Call) -> None:
    response = _client().post(
        _signup_url(call), _form_data(consent=None, slots=None, place="city:Oulu")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Sofia Typed-Name"' in page
    assert 'value="sofia@example.com"' in page
    assert 'role="alert"' in page
    assert "Tick at least one time that suits you." in page
    assert not SignUp.objects.exists()


def test_a_repeated_sign_up_says_it_updated(call: Call) -> None:
    client = _client()
    client.post(_signup_url(call), _form_data())
    response = client.post(_signup_url(call), _form_data(language="fi"), follow=True)
    assert "your sign-up is updated" in response.content.decode()
    assert SignUp.objects.get(call=call).language == "fi"


def test_the_rate_limit_answers_429_and_keeps_what_was_typed(call: Call) -> None:
    for _ in range(SIGNUPS_PER_ADDRESS_HOUR):
        sign_up(call, address="127.0.0.1")
    response = _client().post(_signup_url(call), _form_data(email="late@example.com"))
    assert response.status_code == 429
    assert 'value="late@example.com"' in response.content.decode()
    assert SignUp.objects.count() == SIGNUPS_PER_ADDRESS_HOUR


def test_a_closed_call_says_so(coordinator: User, call: Call) -> None:
    from booster.calls.services import call_set_state

    call_set_state(actor=coordinator, call=call, state=Call.State.CLOSED)
    response = _client().post(_signup_url(call), _form_data())
    assert response.status_code == 200
    assert "not open" in response.content.decode()
    assert not SignUp.objects.exists()


# --- the coordinator's forms ------------------------------------------------------------


def test_creating_editing_and_opening_a_call(coordinator: User, organisation: Organisation) -> None:
    client = _client(coordinator)
    index = reverse("calls:index", kwargs={"slug": organisation.slug})
    refused = client.post(index, {"title": "Spring", "country": "FI", "retention_days": 30})
    assert refused.status_code == 200
    assert "Offer at least one language." in refused.content.decode()
    response = client.post(
        index,
        {
            "title": "Spring",
            "languages": ["fi", "sv"],
            "cities": "Tampere\ntampere\nOulu",
            "country": "FI",
            "retention_days": 30,
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302
    assert (call.state, call.cities, call.remote) == ("draft", ["Tampere", "Oulu"], False)
    kwargs = _kwargs(call)
    client.post(reverse("calls:set_state", kwargs=kwargs), {"state": "open"})
    assert Call.objects.get().state == "open"
    client.post(
        reverse("calls:edit", kwargs=kwargs),
        {
            "title": "Spring 2027",
            "languages": ["fi"],
            "remote": "on",
            "country": "SE",
            "retention_days": 10,
        },
    )
    call.refresh_from_db()
    assert (call.title, call.country, call.time_zone) == ("Spring 2027", "SE", "Europe/Stockholm")


def test_forming_and_sending_through_the_forms(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    for _ in range(4):
        sign_up(call, language="fi", slots=["tue_evening"])
    client = _client(coordinator)
    kwargs = _kwargs(call)
    client.post(reverse("calls:suggest", kwargs=kwargs))
    draft = DraftGroup.objects.get()
    refused = client.post(reverse("calls:send", kwargs=kwargs))
    assert refused.status_code == 400
    assert "needs a name" in refused.content.decode()
    convener = draft.signups.first()
    assert convener is not None
    response = client.post(
        reverse("calls:draft_update", kwargs={**kwargs, "draft_id": draft.pk}),
        {
            f"draft-{draft.pk}-name": "Tuesday people",
            f"draft-{draft.pk}-video_link": "https://meet.example.com/tue",
            f"draft-{draft.pk}-convener": str(convener.pk),
        },
    )
    assert response.status_code == 302
    client.post(reverse("calls:send", kwargs=kwargs))
    group = Group.objects.get()
    assert (group.name, group.organisation_id) == ("Tuesday people", call.organisation_id)
    assert len(mail.outbox) == 4 + 4  # the sign-up confirmations, then the invitations
    again = client.post(reverse("calls:send", kwargs=kwargs), follow=True)
    assert "nothing new was sent" in again.content.decode()
    assert Group.objects.count() == 1


def test_moving_a_person_through_the_form(
    booster_pack: PackVersion, coordinator: User, call: Call
) -> None:
    people = [sign_up(call, language="fi", slots=["tue_evening"]) for _ in range(3)]
    groups_suggest(actor=coordinator, call=call)
    kwargs = _kwargs(call)
    client = _client(coordinator)
    client.post(reverse("calls:move", kwargs=kwargs), {"signup": people[0].pk, "to": "unplaced"})
    assert SignUp.objects.get(pk=people[0].pk).draft_group_id is None
    client.post(
        reverse("calls:draft_add", kwargs=kwargs), {"language": "fi", "place": "city:Turku"}
    )
    added = DraftGroup.objects.get(city="Turku")
    client.post(reverse("calls:move", kwargs=kwargs), {"signup": people[0].pk, "to": str(added.pk)})
    assert SignUp.objects.get(pk=people[0].pk).draft_group_id == added.pk
    # Nonsense is refused kindly, and changes nothing.
    response = client.post(
        reverse("calls:move", kwargs=kwargs), {"signup": people[0].pk, "to": "99999"}
    )
    assert response.status_code == 302
    assert SignUp.objects.get(pk=people[0].pk).draft_group_id == added.pk


# --- query counts -----------------------------------------------------------------------


def _count_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_cost_the_same_queries_with_2_or_6_rows(
    booster_pack: PackVersion,
    organisation: Organisation,
    coordinator: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = _client(coordinator)
    small = open_call(organisation, coordinator, title="Small")
    large = open_call(organisation, coordinator, title="Large")
    for _ in range(2):
        sign_up(small, language="fi", slots=["tue_evening"])
    for _ in range(6):
        sign_up(large, language="fi", slots=["tue_evening"])
    for _ in range(6):
        sign_up(large, language="en", slots=["tue_evening"])
    groups_suggest(actor=coordinator, call=small)
    groups_suggest(actor=coordinator, call=large)
    for name in COORDINATOR_PAGES:
        few = _count_queries(client, reverse(name, kwargs=_kwargs(small)))
        many = _count_queries(client, reverse(name, kwargs=_kwargs(large)))
        assert many == few, name
        with django_assert_max_num_queries(15):
            client.get(reverse(name, kwargs=_kwargs(large)))
    index = reverse("calls:index", kwargs={"slug": organisation.slug})
    two = _count_queries(client, index)
    for number in range(4):
        open_call(organisation, coordinator, title=f"More {number}")
    assert _count_queries(client, index) == two
