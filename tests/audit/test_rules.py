"""The audit chain's pure rules: hashing and verification."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from network.audit.rules import entry_hash, verify_chain

GENESIS = "0" * 64
T0 = datetime(2018, 12, 12, 13, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    seq: int
    created_at: datetime
    actor_id: int | None
    action: str
    subject_type: str
    subject_id: str
    data: dict
    public: bool
    prev_hash: str
    hash: str


def chain(n: int) -> list[Row]:
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = dict(
            seq=seq,
            created_at=T0 + timedelta(minutes=seq),
            actor_id=seq % 3 or None,
            action="city.created",
            subject_type="city",
            subject_id=f"c{seq}",
            data={"name": f"City {seq}", "서울": "한국어"},
            public=seq % 2 == 0,
            prev_hash=prev,
        )
        row = Row(**fields, hash=entry_hash(**fields))
        rows.append(row)
        prev = row.hash
    return rows


def test_an_untouched_chain_verifies():
    report = verify_chain(chain(5), GENESIS)
    assert report.intact and report.checked == 5 and report.head_seq == 5


def test_the_hash_does_not_depend_on_the_time_zone_of_the_timestamp():
    fields = dict(
        seq=1,
        actor_id=None,
        action="a",
        subject_type="t",
        subject_id="1",
        data={},
        public=True,
        prev_hash=GENESIS,
    )
    seoul = timezone(timedelta(hours=9))
    assert entry_hash(created_at=T0, **fields) == entry_hash(
        created_at=T0.astimezone(seoul), **fields
    )


def test_altered_content_is_named_as_the_first_broken_entry():
    rows = chain(6)
    rows[3] = replace(rows[3], data={"name": "Forged"})
    report = verify_chain(rows, GENESIS)
    assert not report.intact and report.broken_at == 4
    assert "content" in report.reason


def test_a_removed_entry_breaks_the_numbering():
    rows = chain(5)
    del rows[2]
    assert verify_chain(rows, GENESIS).broken_at == 4


def test_a_rehashed_forgery_breaks_the_next_link():
    rows = chain(5)
    fields = {k: v for k, v in vars(rows[1]).items() if k != "hash"} | {"action": "forged"}
    rows[1] = Row(**fields, hash=entry_hash(**fields))
    report = verify_chain(rows, GENESIS)
    assert report.broken_at == 3 and "link" in report.reason


@given(
    st.dictionaries(
        st.text(max_size=8),
        st.one_of(st.text(), st.integers(), st.booleans(), st.none()),
        max_size=5,
    )
)
def test_any_change_of_data_changes_the_hash(data):
    fields = dict(
        seq=1,
        created_at=T0,
        actor_id=1,
        action="a",
        subject_type="t",
        subject_id="1",
        public=True,
        prev_hash=GENESIS,
    )
    assert entry_hash(data=data, **fields) != entry_hash(data={**data, "extra": 1}, **fields)
