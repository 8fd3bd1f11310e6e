"""The quorum in the room and who may give a proxy: pure rules, no app."""

from __future__ import annotations

from fractions import Fraction

import pytest

from network.meetings.attendance_rules import ProxyRefusal, proxy_refusal, session_quorum

MEMBERS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}


@pytest.mark.parametrize(
    ("present", "proxies", "represented", "met"),
    [
        (set(), {}, 0, False),
        ({1, 2, 3, 4}, {}, 4, False),
        ({1, 2, 3, 4, 5}, {}, 5, True),
        # An absent city's proxy held by a city present counts…
        ({1, 2, 3, 4}, {6: 1}, 5, True),
        # …but not when its holder is absent too, nor when the giver came after all.
        ({1, 2, 3, 4}, {6: 7}, 4, False),
        ({1, 2, 3, 4, 6}, {6: 1}, 5, True),
        # A city that is no longer a member counts neither present nor by proxy.
        ({1, 2, 3, 99}, {98: 1}, 3, False),
    ],
)
def test_the_quorum_counts_cities_present_and_proxies_held_by_them(
    present, proxies, represented, met
):
    quorum = session_quorum(
        members=MEMBERS, present=present, proxies=proxies, fraction=Fraction(1, 2)
    )
    assert (quorum.represented, quorum.required, quorum.is_met) == (represented, 5, met)


def test_the_required_number_is_the_ceiling_of_the_charter_fraction():
    quorum = session_quorum(members=range(7), present=[], proxies={}, fraction=Fraction(2, 3))
    assert quorum.required == 5  # ceil(14/3)
    assert not session_quorum(members=[], present=[], proxies={}, fraction=Fraction(1)).is_met


BASE = {
    "allowed": True,
    "per_city": 1,
    "meeting_convened": True,
    "giver": 1,
    "holder": 2,
    "members": MEMBERS,
    "present": {2},
    "givers": set(),
    "held_by_holder": 0,
    "held_by_giver": 0,
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, None),
        ({"allowed": False}, ProxyRefusal.not_allowed),
        ({"meeting_convened": False}, ProxyRefusal.meeting_open),
        ({"holder": 1}, ProxyRefusal.to_itself),
        ({"giver": 99}, ProxyRefusal.giver_not_member),
        ({"holder": 99}, ProxyRefusal.holder_not_member),
        ({"givers": {1}}, ProxyRefusal.already_given),
        ({"present": {1, 2}}, ProxyRefusal.giver_present),
        ({"givers": {2}}, ProxyRefusal.holder_gave),
        ({"held_by_giver": 1}, ProxyRefusal.giver_holds),
        ({"held_by_holder": 1}, ProxyRefusal.holder_full),
        ({"held_by_holder": 1, "per_city": 2}, None),
        # The holder need not be recorded present yet when the proxy is given.
        ({"present": set()}, None),
    ],
)
def test_each_refusal_of_a_proxy(change, reason):
    assert proxy_refusal(**(BASE | change)) is reason
