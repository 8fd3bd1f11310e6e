"""The secretariat adds, edits and moves cities through the web forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from network.cities.models import MembershipStatus, Region

TODAY = datetime.now(UTC).date()
NEW_CITY = {
    "name": "Gwangju",
    "slug": "gwangju",
    "country": "KR",
    "region": "asia-pacific",
    "website": "https://www.gwangju.go.kr",
    "applied_on": "2024-03-15",
    "texts-0-language": "ko",
    "texts-0-name": "광주",
    "texts-0-profile": "인권도시 광주.",
    "texts-1-language": "en",
    "texts-1-name": "",
    "texts-1-profile": "A city of human rights.",
}


@pytest.fixture
def officer(make, login_as):
    """A logged-in secretariat officer; returns the client."""
    return login_as(make.secretariat())


def city_json(client, slug):
    response = client.get(f"/api/v1/cities/{slug}")
    assert response.status_code == 200
    return response.get_json()


def page(response):
    return response.get_data(as_text=True)


def edit_form(city_data, **changes):
    """The edit form as the page would post it back, with ``changes`` applied."""
    form = {
        "name": city_data["name"],
        "country": city_data["country"],
        "region": city_data["region"],
        "website": city_data["website"] or "",
    }
    languages = sorted(set(city_data["names"]) - {"en"} | set(city_data["profile"]))
    for index, language in enumerate(languages):
        form[f"texts-{index}-language"] = language
        form[f"texts-{index}-name"] = city_data["names"].get(language, "")
        form[f"texts-{index}-profile"] = city_data["profile"].get(language, "")
    return form | changes


# Adding a city


def test_adding_a_city_registers_an_applicant_with_one_audit_entry(officer, ledger):
    before = ledger.snapshot()

    response = officer.post("/secretariat/cities/new", data=NEW_CITY)

    assert response.status_code == 302
    assert response.location == "/cities/gwangju"
    after = ledger.snapshot()
    assert after == before | {
        "audit": before["audit"] + 1,
        "cities": before["cities"] + 1,
        "texts": before["texts"] + 2,
        "history": before["history"] + 1,
    }
    [entry] = ledger.entries_since(before["audit"])
    assert entry.action == "city.created"
    assert (entry.subject_type, entry.subject_id) == ("city", "gwangju")
    assert entry.public is True
    assert entry.data["status"] == "applicant"
    assert entry.data["applied_on"] == "2024-03-15"

    shown = page(officer.get("/cities/gwangju"))
    assert "Gwangju" in shown
    assert "광주" in shown
    assert "Applicant" in shown
    assert "Application registered" in shown

    data = city_json(officer, "gwangju")
    assert data["name"] == "Gwangju"
    assert data["country"] == "KR"
    assert data["region"] == "asia-pacific"
    assert data["website"] == "https://www.gwangju.go.kr"
    assert data["status"] == "applicant"
    assert data["joined_on"] is None
    assert data["names"] == {"en": "Gwangju", "ko": "광주"}
    assert data["profile"] == {"en": "A city of human rights.", "ko": "인권도시 광주."}
    assert data["status_history"] == [
        {
            "from": None,
            "to": "applicant",
            "effective_on": "2024-03-15",
            "reason": "Application registered",
        }
    ]


def test_a_city_added_without_a_slug_gets_one_from_its_name(officer):
    response = officer.post(
        "/secretariat/cities/new", data=NEW_CITY | {"name": "São Paulo", "slug": ""}
    )

    assert response.status_code == 302
    assert response.location == "/cities/sao-paulo"
    assert city_json(officer, "sao-paulo")["name"] == "São Paulo"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"name": ""}, "This field is required.", id="empty-name"),
        pytest.param(
            {"name": "x" * 121}, "Field cannot be longer than 120 characters.", id="long-name"
        ),
        pytest.param({"country": "XX"}, "“XX” is not an ISO 3166-1 country code.", id="country-XX"),
        pytest.param(
            {"country": "kr"}, "“kr” is not an ISO 3166-1 country code.", id="country-lowercase"
        ),
        pytest.param(
            {"country": "KOR"}, "“KOR” is not an ISO 3166-1 country code.", id="country-alpha3"
        ),
        pytest.param(
            {"website": "javascript:alert(1)"},
            "Give a full address starting with https://",
            id="website-javascript",
        ),
        pytest.param(
            {"website": "ftp://x.org"},
            "Give a full address starting with https://",
            id="website-ftp",
        ),
        pytest.param(
            {"name": "SEOUL", "slug": "seoul-2"},
            "Another city already has this name.",
            id="duplicate-name-upper",
        ),
        pytest.param(
            {"name": "seoul", "slug": "seoul-2"},
            "Another city already has this name.",
            id="duplicate-name-lower",
        ),
        pytest.param(
            {"name": "ÖREBRO", "slug": "orebro-2"},
            "Another city already has this name.",
            id="duplicate-name-non-ascii",
        ),
        pytest.param(
            {"slug": "seoul"}, "Another city already uses this address.", id="duplicate-slug"
        ),
        pytest.param(
            {"name": "Seoul City", "slug": ""},
            "Another city already uses this address.",
            id="duplicate-derived-slug",
        ),
        pytest.param(
            {"slug": "New York"},
            "Use lowercase letters, digits and single hyphens, up to 64 characters.",
            id="slug-space-capitals",
        ),
        pytest.param(
            {"slug": "-x"},
            "Use lowercase letters, digits and single hyphens, up to 64 characters.",
            id="slug-leading-hyphen",
        ),
        pytest.param(
            {"slug": "a--b"},
            "Use lowercase letters, digits and single hyphens, up to 64 characters.",
            id="slug-double-hyphen",
        ),
        pytest.param(
            {"texts-0-language": "xx-nonsense"},
            "“xx-nonsense” is not a language code.",
            id="unknown-language",
        ),
        pytest.param(
            {"texts-1-language": "ko", "texts-1-name": "광주광역시"},
            "Each language may appear only once.",
            id="language-twice",
        ),
        pytest.param(
            {"texts-1-language": ""},
            "Give the language of this name or profile.",
            id="profile-without-language",
        ),
        pytest.param(
            {"applied_on": (TODAY + timedelta(days=1)).isoformat()},
            "The date cannot be in the future.",
            id="applied-in-future",
        ),
    ],
)
def test_adding_a_city_with_bad_input_is_refused_and_changes_nothing(
    officer, make, ledger, changes, message
):
    make.city("Seoul")
    make.city("Örebro", country="SE", slug="orebro")
    make.city("Seoul Special", slug="seoul-city")  # the slug "Seoul City" would get
    before = ledger.snapshot()

    response = officer.post("/secretariat/cities/new", data=NEW_CITY | changes)

    assert response.status_code == 422
    assert message in page(response)
    assert ledger.snapshot() == before
    slug = changes.get("slug", NEW_CITY["slug"])
    if slug not in ("seoul", "seoul-city", ""):
        assert officer.get(f"/api/v1/cities/{slug}").status_code == 404


# Editing a city


def test_editing_a_city_changes_it_and_records_the_changed_fields(officer, make, ledger):
    make.city("Seoul", names={"ko": "서울"})
    data = city_json(officer, "seoul")
    before = ledger.snapshot()

    response = officer.post(
        "/secretariat/cities/seoul/edit",
        data=edit_form(
            data,
            name="Seoul Metropolitan City",
            website="https://english.seoul.go.kr",
            **{"texts-0-profile": "서울특별시."},
        ),
    )

    assert response.status_code == 302
    assert response.location == "/cities/seoul"
    after = city_json(officer, "seoul")
    assert after["name"] == "Seoul Metropolitan City"
    assert after["website"] == "https://english.seoul.go.kr"
    assert after["profile"] == {"ko": "서울특별시."}
    assert after["names"] == {"en": "Seoul Metropolitan City", "ko": "서울"}
    assert after["country"] == "KR"
    [entry] = ledger.entries_since(before["audit"])
    assert entry.action == "city.updated"
    assert (entry.subject_type, entry.subject_id) == ("city", "seoul")
    assert entry.data["changes"] == {
        "name": {"from": "Seoul", "to": "Seoul Metropolitan City"},
        "website": {"from": None, "to": "https://english.seoul.go.kr"},
        "texts": {
            "from": {"ko": {"name": "서울", "profile": None}},
            "to": {"ko": {"name": "서울", "profile": "서울특별시."}},
        },
    }


def test_saving_a_city_unchanged_writes_no_audit_entry(officer, make, ledger):
    make.city("Seoul", names={"ko": "서울"})
    data = city_json(officer, "seoul")
    before = ledger.snapshot()

    response = officer.post("/secretariat/cities/seoul/edit", data=edit_form(data))

    assert response.status_code == 302
    assert ledger.snapshot() == before
    assert city_json(officer, "seoul") == data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"country": "XX"}, "“XX” is not an ISO 3166-1 country code.", id="country"),
        pytest.param({"name": ""}, "This field is required.", id="empty-name"),
        pytest.param({"name": "Hamburg"}, "Another city already has this name.", id="taken-name"),
        pytest.param(
            {"name": "hamburg"}, "Another city already has this name.", id="taken-name-case"
        ),
    ],
)
def test_editing_a_city_with_bad_input_is_refused_and_changes_nothing(
    officer, make, ledger, changes, message
):
    make.city("Seoul", names={"ko": "서울"})
    make.city("Hamburg", country="DE", region=Region.europe_central_asia)
    data = city_json(officer, "seoul")
    before = ledger.snapshot()

    response = officer.post("/secretariat/cities/seoul/edit", data=edit_form(data, **changes))

    assert response.status_code == 422
    assert message in page(response)
    assert ledger.snapshot() == before
    assert city_json(officer, "seoul") == data


# Membership status


def change_status(client, slug, status, effective_on, reason="Decided by the General Assembly"):
    return client.post(
        f"/secretariat/cities/{slug}/status",
        data={"status": status, "effective_on": effective_on, "reason": reason},
    )


def test_admitting_an_applicant_makes_it_a_member_from_the_effective_date(officer, make, ledger):
    make.city("Gwangju", status=MembershipStatus.applicant)
    before = ledger.snapshot()

    response = change_status(officer, "gwangju", "member", "2024-05-20", "Admitted at GA 2024")

    assert response.status_code == 302
    assert response.location == "/cities/gwangju"
    data = city_json(officer, "gwangju")
    assert data["status"] == "member"
    assert data["joined_on"] == "2024-05-20"
    assert data["status_history"][-1] == {
        "from": "applicant",
        "to": "member",
        "effective_on": "2024-05-20",
        "reason": "Admitted at GA 2024",
    }
    assert ledger.snapshot() == before | {
        "audit": before["audit"] + 1,
        "history": before["history"] + 1,
    }
    [entry] = ledger.entries_since(before["audit"])
    assert entry.action == "city.status_changed"
    assert entry.data == {
        "from": "applicant",
        "to": "member",
        "effective_on": "2024-05-20",
        "reason": "Admitted at GA 2024",
    }


def test_a_suspension_and_reinstatement_keep_the_membership_date(officer, make, ledger):
    make.city("Seoul", joined_on=date(2018, 12, 12))
    before = ledger.audit_seq()

    assert change_status(officer, "seoul", "suspended", "2020-01-10").status_code == 302
    assert city_json(officer, "seoul")["status"] == "suspended"
    assert change_status(officer, "seoul", "member", "2020-06-01").status_code == 302

    data = city_json(officer, "seoul")
    assert data["status"] == "member"
    assert data["joined_on"] == "2018-12-12"
    assert [entry.action for entry in ledger.entries_since(before)] == [
        "city.status_changed",
        "city.status_changed",
    ]


def test_readmitting_a_withdrawn_city_starts_a_new_membership(officer, make):
    make.city("Hamburg", country="DE", status=MembershipStatus.withdrawn)

    response = change_status(officer, "hamburg", "member", "2021-03-01")

    assert response.status_code == 302
    data = city_json(officer, "hamburg")
    assert data["status"] == "member"
    assert data["joined_on"] == "2021-03-01"


@pytest.mark.parametrize(
    ("status", "effective_on", "reason", "message"),
    [
        pytest.param("applicant", "2020-01-01", "Reason", "Not a valid choice.", id="not-allowed"),
        pytest.param("suspended", "2020-01-01", "", "This field is required.", id="no-reason"),
        pytest.param(
            "suspended", "2020-01-01", "   ", "This field is required.", id="blank-reason"
        ),
        pytest.param(
            "suspended",
            (TODAY + timedelta(days=1)).isoformat(),
            "Reason",
            "The date must be between the last change (2018-12-12) and today.",
            id="future-date",
        ),
        pytest.param(
            "suspended",
            "2018-12-11",
            "Reason",
            "The date must be between the last change (2018-12-12) and today.",
            id="before-last-change",
        ),
    ],
)
def test_a_refused_status_change_says_why_and_changes_nothing(
    officer, make, ledger, status, effective_on, reason, message
):
    make.city("Seoul", joined_on=date(2018, 12, 12))
    data = city_json(officer, "seoul")
    before = ledger.snapshot()

    response = change_status(officer, "seoul", status, effective_on, reason)

    assert response.status_code == 422
    assert message in page(response)
    assert ledger.snapshot() == before
    assert city_json(officer, "seoul") == data
