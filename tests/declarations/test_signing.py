"""Signing as a delegate sees it: the form only for who may sign, and what was signed.

Also how signatures are labelled (their own words, not a vote's), the person's title
apart from a document's, and cities named in the reader's language in the list and
the exports.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from network.auth.models import User
from network.cities.models import MembershipStatus
from network.common import clock
from network.common.enums import label
from network.db import db
from network.declarations.models import SignatureMode
from network.resolutions.models import DecisionMode
from tests.conftest import PASSWORD
from tests.declarations.test_story import open_declaration, sign

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def people(make, as_user):
    seoul = make.city("Seoul", names={"ko": "서울특별시"})
    hamburg = make.city("Hamburg", country="DE", names={"ko": "함부르크"})
    milan = make.city("Milan", country="IT", status=MembershipStatus.suspended)
    return {
        "secretariat": as_user(make.secretariat()),
        "park": as_user(make.delegate(seoul, name="Park Won-soon", signing_authority=True)),
        "kim": as_user(make.delegate(seoul, name="Kim Min-ji", signing_authority=True)),
        "lee": as_user(make.delegate(seoul, name="Lee Staff")),
        "hamburg": as_user(make.delegate(hamburg, name="Peter Tschentscher")),
        "milan": as_user(make.delegate(milan, name="Giuseppe Sala", signing_authority=True)),
    }


def today(app) -> str:
    with app.app_context():
        return clock.today().isoformat()


def field_value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if found is None:
        return None
    value = re.search(r'value="([^"]*)"', found[0])
    return value[1] if value else ""


def test_a_signature_is_labelled_as_a_signature_not_as_a_vote(app, people):
    with app.test_request_context():
        assert label(SignatureMode.online) == "Signed online"
        assert label(SignatureMode.in_person) == "Signed in person"
        assert label(DecisionMode.online) == "Online vote"  # a decision keeps its own
        assert label(MembershipStatus.withdrawn) == "Withdrawn"  # not a motion's label
    slug = open_declaration(people["secretariat"])
    sign(people["park"], slug)
    page = app.test_client().get(f"/declarations/{slug}").text
    assert "Signed online" in page and "Online vote" not in page
    api = app.test_client().get(f"/api/v1/declarations/{slug}/signatures").get_json()
    assert [row["mode"] for row in api["items"]] == ["online"]  # the API's values stay


def test_the_signatory_title_is_a_persons_title_for_the_translators():
    found = {
        (context, message)
        for _line, message, _comments, context in extract_from_file(
            "jinja2", TEMPLATES / "declarations" / "show.html"
        )
    }
    assert ("person", "Title") in found and (None, "Title") not in found


def test_the_form_is_prefilled_from_the_account(app, people):
    slug = open_declaration(people["secretariat"])
    form = people["park"].get(f"/declarations/{slug}/sign")
    assert form.status_code == 200
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', form.text, re.S)[0]
    assert f'href="/declarations/{slug}"' in trail and '<span aria-current="page">Sign' in trail
    assert field_value(form.text, "signatory_name") == "Park Won-soon"
    assert field_value(form.text, "signatory_title") == ""  # an account has no title
    # Once this account has signed with a title, the next declaration offers it again.
    sign(people["park"], slug, signatory_title="Mayor of Seoul")
    other = open_declaration(people["secretariat"], slug="second-declaration")
    again = people["kim"].get(f"/declarations/{other}/sign").text
    assert field_value(again, "signatory_name") == "Kim Min-ji"
    assert field_value(again, "signatory_title") == ""  # Kim has not signed before
    mine = people["park"].get(f"/declarations/{other}/sign").text
    assert field_value(mine, "signatory_title") == "Mayor of Seoul"


def test_after_the_city_has_signed_there_is_no_form_but_the_signature(app, people, ledger):
    slug = open_declaration(people["secretariat"])
    assert "Sign for Seoul" in people["kim"].get(f"/declarations/{slug}").text
    sign(people["park"], slug)
    for who in ("park", "kim", "lee"):
        page = people[who].get(f"/declarations/{slug}").text
        assert "Sign for Seoul" not in page, who
        assert re.search(r"Seoul signed this declaration on [^<]+\.", page), who
        assert "Mayor of Seoul" in page and "Signed online" in page
        code = re.search(r'href="/verify/([0-9A-Z-]{19})"', page)[1]
    answer = people["kim"].get(f"/declarations/{slug}/sign")
    assert answer.status_code == 200
    assert field_value(answer.text, "password") is None  # no form
    assert f'href="/verify/{code}"' in answer.text and "Park" in answer.text
    before = ledger.audit_seq()
    again = sign(people["kim"], slug)
    assert again.status_code == 409
    assert "Seoul has already signed this declaration." in again.text
    assert field_value(again.text, "password") is None
    assert ledger.audit_seq() == before


def test_a_withdrawn_signature_is_shown_as_withdrawn(app, people):
    slug = open_declaration(people["secretariat"])
    sign(people["park"], slug)
    officer = people["secretariat"]
    page = officer.get(f"/secretariat/declarations/{slug}").text
    action = re.search(r'action="(/secretariat/declarations/[^"]+/withdraw)"', page)[1]
    officer.post(action, data={"reason": "Signed for the wrong office", "password": PASSWORD})
    shown = people["kim"].get(f"/declarations/{slug}").text
    assert "the signature was withdrawn on" in shown
    assert "Withdrawn: Signed for the wrong office" in shown
    assert "Sign for Seoul" not in shown  # one signature per city, withdrawn or not


def test_a_delegate_without_signing_authority_is_told_who_may_sign(app, people, ledger):
    slug = open_declaration(people["secretariat"])
    page = people["lee"].get(f"/declarations/{slug}").text
    assert "Sign for Seoul" not in page
    assert "Only a delegate with signing authority can sign for a city." in page
    signers = re.search(r"In Seoul, these delegates may sign:.*?</ul>", page, re.S)[0]
    assert re.findall(r"<li>([^<]+)</li>", signers) == ["Kim Min-ji", "Park Won-soon"]
    refused = people["lee"].get(f"/declarations/{slug}/sign")
    assert refused.status_code == 403
    assert "Kim Min-ji" in refused.text and field_value(refused.text, "password") is None
    before = ledger.audit_seq()
    assert sign(people["lee"], slug).status_code == 403
    assert ledger.audit_seq() == before
    # A city where nobody may sign says who grants the authority.
    lonely = people["hamburg"].get(f"/declarations/{slug}").text
    assert "No delegate of Hamburg has signing authority yet" in lonely


def test_a_city_not_in_good_standing_is_told_why(app, people, ledger):
    slug = open_declaration(people["secretariat"])
    page = people["milan"].get(f"/declarations/{slug}").text
    assert "Sign for Milan" not in page
    assert "Milan cannot sign: its membership status is “Suspended”." in page
    refused = people["milan"].get(f"/declarations/{slug}/sign")
    assert refused.status_code == 403 and "Suspended" in refused.text
    assert field_value(refused.text, "password") is None


def test_a_closed_declaration_says_so_on_the_sign_page(app, people):
    slug = open_declaration(people["secretariat"])
    people["secretariat"].post(f"/secretariat/declarations/{slug}/close")
    refused = people["park"].get(f"/declarations/{slug}/sign")
    assert refused.status_code == 409
    assert "This declaration is not open for signature." in refused.text
    assert field_value(refused.text, "password") is None
    assert "Sign for Seoul" not in people["park"].get(f"/declarations/{slug}").text


def test_signatories_are_named_in_the_readers_language(app, people):
    slug = open_declaration(people["secretariat"])
    sign(people["park"], slug)
    people["secretariat"].post(
        f"/secretariat/declarations/{slug}/in-person",
        data={
            "city": "milan",  # no Korean name: named in English
            "signatory_name": "Giuseppe Sala",
            "signatory_title": "Mayor",
            "signed_on": today(app),
        },
    )
    public = app.test_client()
    korean = public.get(f"/declarations/{slug}", headers={"Accept-Language": "ko"}).text
    assert ">서울특별시</a>" in korean and ">Milan</a>" in korean
    english = public.get(f"/declarations/{slug}").text
    assert ">Seoul</a>" in english and "서울특별시" not in english
    exported = public.get(f"/declarations/{slug}/signatures.json?lang=ko").get_json()
    # Same day: by English name, whatever the language they are named in.
    assert [(s["city"], s["city_name"]) for s in exported["items"]] == [
        ("milan", "Milan"),
        ("seoul", "서울특별시"),
    ]
    rows = list(
        csv.DictReader(io.StringIO(public.get(f"/declarations/{slug}/signatures.csv?lang=ko").text))
    )
    assert {row["city"]: row["city_name"] for row in rows} == {
        "seoul": "서울특별시",
        "milan": "Milan",
    }
    api = public.get(f"/api/v1/declarations/{slug}/signatures?lang=ko").get_json()["items"]
    assert {row["city"]: row["city_name"] for row in api} == {
        "seoul": "서울특별시",
        "milan": "Milan",
    }
    plain = public.get(f"/api/v1/declarations/{slug}/signatures").get_json()["items"]
    assert {row["city"]: row["city_name"] for row in plain} == {"seoul": "Seoul", "milan": "Milan"}
    bad = public.get(f"/api/v1/declarations/{slug}/signatures?lang=!!")
    assert bad.status_code == 400


def test_the_sign_flash_and_button_name_the_city_in_the_readers_language(app, make, as_user):
    seoul = make.city("Seoul", names={"ko": "서울특별시"})
    officer = as_user(make.secretariat())
    delegate = make.user(city=seoul, name="Park Won-soon", signing_authority=True)
    with app.app_context():
        db.session.get(User, delegate.id).locale = "ko"
        db.session.commit()
    park = as_user(delegate)
    slug = open_declaration(officer)
    assert "서울특별시" in park.get(f"/declarations/{slug}").text
    done = sign(park, slug)
    assert "서울특별시" in park.get(done.location).text
