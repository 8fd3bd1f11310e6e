"""Pure rules of attendance and proxies: the quorum in the room, and who may give a proxy.

A city present (in the room or online) counts once; a city absent counts through its
proxy when the city holding it is present. The quorum is the charter's fraction of the
member cities, as for a vote (SPEC "The vote engine": a fraction of the electorate).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from network.votes.tally import quorum


@dataclass(frozen=True)
class SessionQuorum:
    """Who is present or represented at a meeting, against the quorum the charter sets."""

    members: int
    present: int
    by_proxy: int
    required: int

    @property
    def represented(self) -> int:
        """Return the cities present or represented by a proxy held by a city present."""
        return self.present + self.by_proxy

    @property
    def is_met(self) -> bool:
        """Tell whether enough cities are present or represented to decide."""
        return self.members > 0 and self.represented >= self.required

    def to_dict(self) -> dict[str, int | bool]:
        """Return it as JSON-ready data (kept with a decision's result)."""
        return {
            "members": self.members,
            "present": self.present,
            "by_proxy": self.by_proxy,
            "represented": self.represented,
            "required": self.required,
            "met": self.is_met,
        }


def counted_proxies(
    proxies: Mapping[int, int], present: Collection[int], members: Collection[int]
) -> dict[int, int]:
    """Return the proxies that count (giving city → holding city).

    A proxy counts when its giver is a member absent from the meeting and its holder a
    member present: a city present speaks for itself, and a proxy held by an absent
    city represents nobody.

    :param proxies: giving city id → holding city id, of the proxies in force.
    :param present: ids of the cities recorded present.
    :param members: ids of the member cities in good standing.
    """
    return {
        giver: holder
        for giver, holder in proxies.items()
        if giver in members and giver not in present and holder in present and holder in members
    }


def session_quorum(
    *,
    members: Collection[int],
    present: Collection[int],
    proxies: Mapping[int, int],
    fraction: Fraction,
) -> SessionQuorum:
    """Count who is present or represented, and the quorum needed (the charter's fraction).

    :param members: ids of the member cities in good standing (the electorate).
    :param present: ids of the cities recorded present; non-members are not counted.
    :param proxies: giving city id → holding city id, of the proxies in force.
    :param fraction: the charter's quorum, a fraction of the members.
    """
    members = set(members)
    present_members = set(present) & members
    return SessionQuorum(
        members=len(members),
        present=len(present_members),
        by_proxy=len(counted_proxies(proxies, present_members, members)),
        # The same ceiling as a vote's quorum: ceil(fraction × members).
        required=quorum(len(members), 0, fraction).required,
    )


class ProxyRefusal(StrEnum):
    """Why a proxy cannot be given (the services turn each into a message)."""

    not_allowed = "not-allowed"
    meeting_open = "meeting-open"
    to_itself = "to-itself"
    giver_not_member = "giver-not-member"
    holder_not_member = "holder-not-member"
    already_given = "already-given"
    giver_present = "giver-present"
    holder_full = "holder-full"
    holder_gave = "holder-gave"
    giver_holds = "giver-holds"


def proxy_refusal(
    *,
    allowed: bool,
    per_city: int,
    meeting_convened: bool,
    giver: int,
    holder: int,
    members: Collection[int],
    present: Collection[int],
    givers: Collection[int],
    held_by_holder: int,
    held_by_giver: int,
) -> ProxyRefusal | None:
    """Return why ``giver`` cannot give its proxy to ``holder`` now, or None when it can.

    :param allowed: whether the charter allows proxies at all.
    :param per_city: the most proxies one city may hold at a meeting (the charter's).
    :param meeting_convened: whether the meeting has not opened yet.
    :param givers: ids of the cities that have a proxy in force for this meeting.
    :param held_by_holder: how many proxies in force ``holder`` holds for this meeting.
    :param held_by_giver: how many proxies in force ``giver`` holds for this meeting.
    """
    if not allowed:
        return ProxyRefusal.not_allowed
    if not meeting_convened:
        return ProxyRefusal.meeting_open
    if giver == holder:
        return ProxyRefusal.to_itself
    if giver not in members:
        return ProxyRefusal.giver_not_member
    if holder not in members:
        return ProxyRefusal.holder_not_member
    if giver in givers:
        return ProxyRefusal.already_given
    if giver in present:
        return ProxyRefusal.giver_present
    if holder in givers:
        return ProxyRefusal.holder_gave
    if held_by_giver:
        return ProxyRefusal.giver_holds
    if held_by_holder >= per_city:
        return ProxyRefusal.holder_full
    return None
