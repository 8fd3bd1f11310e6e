"""Membership rules, slugs, countries and language tags, without an app."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from network.cities import rules
from network.cities.models import MembershipStatus as S

ALLOWED = {
    (S.applicant, S.member),
    (S.applicant, S.withdrawn),
    (S.member, S.suspended),
    (S.member, S.withdrawn),
    (S.suspended, S.member),
    (S.suspended, S.withdrawn),
    (S.withdrawn, S.member),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_status_changes_follow_the_spec(current, target):
    assert rules.can_change_status(current, target) == ((current, target) in ALLOWED)


@pytest.mark.parametrize(
    ("current", "starts"),
    [(None, True), (S.applicant, True), (S.withdrawn, True), (S.suspended, False)],
)
def test_admission_starts_a_membership_but_reinstatement_continues_it(current, starts):
    assert rules.starts_membership(current, S.member) is starts


@pytest.mark.parametrize(
    ("effective", "last", "ok"),
    [
        (date(2020, 1, 1), None, True),
        (date(2020, 1, 1), date(2020, 1, 1), True),
        (date(2019, 12, 31), date(2020, 1, 1), False),
        (date(2026, 1, 2), date(2020, 1, 1), False),  # after "today"
    ],
)
def test_effective_dates(effective, last, ok):
    assert rules.is_valid_effective_date(effective, last, date(2026, 1, 1)) is ok


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("New York", "new-york"),
        ("Chefchaouen", "chefchaouen"),
        ("São Paulo", "sao-paulo"),
        ("Île-de-France", "ile-de-france"),
        ("서울", ""),
        ("  Milan  ", "milan"),
    ],
)
def test_slugify(name, slug):
    assert rules.slugify(name) == slug


@given(st.text(max_size=200))
def test_a_derived_slug_is_empty_or_valid(name):
    slug = rules.slugify(name)
    assert slug == "" or rules.is_valid_slug(slug)


@pytest.mark.parametrize(
    ("code", "ok"),
    [("KR", True), ("MA", True), ("XX", False), ("kr", False), ("KOR", False), ("", False)],
)
def test_country_codes(code, ok):
    assert rules.is_country_code(code) is ok


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        ("ko", True),
        ("de", True),
        ("zh-Hant", True),
        ("ar", True),
        ("xx-nonsense", False),
        ("", False),
        ("<script>", False),
    ],
)
def test_language_tags(tag, ok):
    assert rules.is_language_tag(tag) is ok
