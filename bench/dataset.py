"""Build the benchmark's dataset in a fresh database migrated with Alembic.

The demo data comes first, through the services (so every kind of page has something
to show, the audit head exists and the charter is put in force by a real vote); then
the bulk rows go in with SQLAlchemy Core ``executemany`` on the models' own tables:
member cities with their texts and membership history, accounts, declarations with
their signatures, resolutions numbered per year with their counters, and the ballots
of one recorded vote that every member city casts, closed through the vote engine.

The bulk rows keep the app's invariants (a signature's city is a member, one
signature per city and declaration, one ballot and participation per city and vote,
register numbers per year with their counter) and each gets the audit entry the
services would have written (``append_entries``: a city's creation, a ballot cast, a
signature and its withdrawal, a resolution), chained after the demo's, so that
``flask audit verify`` checks the whole record at this size.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pycountry
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from network.audit.models import AuditEntry, AuditHead
from network.audit.rules import entry_hash
from network.audit.services import HEAD_ID
from network.auth.models import Role, User
from network.auth.passwords import hash_password
from network.cities.models import City, CityText, MembershipChange, MembershipStatus, Region
from network.cities.rules import name_key
from network.common import clock
from network.db import db
from network.declarations.models import (
    Declaration,
    DeclarationStatus,
    DeclarationText,
    Signature,
    SignatureMode,
)
from network.demo.seed import DEMO_ACCOUNTS, DEMO_SECRETARIAT, seed_demo
from network.elections.models import Election
from network.meetings.models import Meeting
from network.motions import services as motions
from network.motions.models import Motion, MotionStatus
from network.resolutions.models import DecisionMode, Resolution, ResolutionCounter, ResolutionKind
from network.resolutions.rules import resolution_number
from network.votes import services as votes
from network.votes.models import Ballot, Participation, Secrecy, Vote, VoteKind, VoteStatus
from network.votes.rules import RECEIPT_ALPHABET

FULL = {
    "members": 13_000,
    "accounts": 30_000,
    "declarations": 300,
    "signatures": 150_000,
    "resolutions": 2_000,
}
CHUNK = 5_000
SYLLABLES = [
    "ka", "lo", "mi", "ran", "te", "vo", "su", "ber", "na", "gor", "li", "sha",
    "do", "ven", "ri", "ta", "mar", "ko", "el", "pa", "zu", "an", "ho", "ni",
]  # fmt: skip
REGIONS = list(Region)
CHOICES = ["yes"] * 6 + ["no"] * 3 + ["abstain"]


@dataclass
class Sizes:
    """How many of each thing to build."""

    members: int
    accounts: int
    declarations: int
    signatures: int
    resolutions: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """Return the sizes at ``scale`` (1.0 is the size of issue #9)."""
        minimum = {"members": 30, "accounts": 100, "declarations": 5, "resolutions": 5}
        sizes = {k: max(minimum.get(k, 0), round(v * scale)) for k, v in FULL.items()}
        # Small scales: no more signatures than the declarations (beyond the demo's
        # two) can take, one per member city each.
        most = sizes["members"] * (sizes["declarations"] - 2)
        sizes["signatures"] = min(max(sizes["signatures"], sizes["members"]), most)
        return cls(**sizes)


@dataclass
class Dataset:
    """What the routes of the benchmark need: addresses, ids and codes."""

    sizes: Sizes
    city: str  # a demo city with delegates, history and signatures
    big_declaration: str  # signed by every member city
    declaration: str  # an ordinary one
    big_vote: int  # recorded, closed, one ballot per member city
    charter_vote: int  # the first charter's adoption vote, closed
    election: int
    election_vote: int  # open, secret
    motion: int
    meeting: int
    resolution: tuple[int, int]
    signature_code: str
    receipt: str
    search: str  # a directory search that matches a handful of cities

    def placeholders(self) -> dict[str, Any]:
        """Return the values that fill the route templates."""
        return {
            "city": self.city,
            "big_declaration": self.big_declaration,
            "declaration": self.declaration,
            "big_vote": self.big_vote,
            "charter_vote": self.charter_vote,
            "election": self.election,
            "election_vote": self.election_vote,
            "motion": self.motion,
            "meeting": self.meeting,
            "year": self.resolution[0],
            "sequence": self.resolution[1],
            "signature_code": self.signature_code,
            "receipt": self.receipt,
            "search": self.search,
            # Pages in the middle of each list, whatever the size.
            "city_page": max(1, self.sizes.members // 25 // 2),
            "api_city_page": max(1, self.sizes.members // 200 // 2),
            "resolution_page": max(1, self.sizes.resolutions // 50 // 2),
            "api_resolution_page": max(1, self.sizes.resolutions // 200 // 2),
        }


def chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    """Yield lists of at most ``size`` rows."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert(model: type, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows into a model's table with Core ``executemany``, in chunks."""
    count = 0
    for batch in chunks(rows):
        db.session.execute(sa.insert(model.__table__), batch)
        count += len(batch)
    return count


class Codes:
    """Unique codes in the receipt format (``XXXX-XXXX-XXXX-XXXX``), reproducible."""

    def __init__(self, rng: random.Random, taken: Iterable[str]) -> None:
        self.rng = rng
        self.taken = set(taken)

    def new(self) -> str:
        """Return a code not given before."""
        while True:
            raw = "".join(self.rng.choices(RECEIPT_ALPHABET, k=16))
            code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
            if code not in self.taken:
                self.taken.add(code)
                return code


def append_entries(rows: Iterable[tuple[str, str, Any, dict[str, Any]]], now: datetime) -> int:
    """Append one audit entry per ``(action, subject type, subject id, data)`` to the chain.

    What ``audit.services.record`` writes for one change, for many at once: each entry
    hashed with its predecessor's hash, the head moved to the last one.
    """
    head = db.session.execute(sa.select(AuditHead).where(AuditHead.id == HEAD_ID)).scalar_one()
    last = {"seq": head.seq, "hash": head.hash}

    def entries() -> Iterator[dict[str, Any]]:
        for action, subject_type, subject_id, data in rows:
            fields = {
                "seq": last["seq"] + 1,
                "created_at": now,
                "actor_id": None,
                "action": action,
                "subject_type": subject_type,
                "subject_id": str(subject_id),
                "data": data,
                "public": True,
                "prev_hash": last["hash"],
            }
            last["seq"], last["hash"] = fields["seq"], entry_hash(**fields)
            yield {**fields, "hash": last["hash"]}

    count = insert(AuditEntry, entries())
    head.seq, head.hash = last["seq"], last["hash"]
    db.session.flush()
    return count


def city_name(index: int) -> str:
    """Return the ``index``-th invented city name (three syllables, unique)."""
    n = len(SYLLABLES)
    a, b, c = index // (n * n) % n, index // n % n, index % n
    suffix = "" if index < n**3 else f" {index // n**3 + 1}"
    return (SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]).capitalize() + suffix


def _user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def adopt_charter(secretariat: User, now: datetime) -> int:
    """Have every demo member city vote yes on the charter and close the vote."""
    vote = db.session.scalar(
        sa.select(Vote).where(Vote.status == VoteStatus.open, Vote.kind == VoteKind.approval)
    )
    voted: set[int] = set()
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        if user.role is not Role.delegate or user.city_id in voted:
            continue
        if not user.city.is_in_good_standing:
            continue
        votes.cast_ballot(vote, user.city, "yes", actor=user, now=now)
        voted.add(user.city_id)
    votes.close_vote(vote, actor=secretariat, now=now)
    return vote.id


def add_cities(sizes: Sizes, rng: random.Random, now: datetime) -> None:
    """Add member cities up to ``sizes.members``, with names, profiles and history."""
    existing = db.session.scalar(
        sa.select(sa.func.count()).select_from(City).where(City.status == MembershipStatus.member)
    )
    countries = sorted(country.alpha_2 for country in pycountry.countries)
    new = sizes.members - existing
    city_rows = []
    for index in range(new):
        name = city_name(index)
        country = countries[index % len(countries)]
        city_rows.append(
            {
                "slug": f"{name.lower().replace(' ', '-')}-{country.lower()}",
                "name": name,
                "name_key": name_key(name),
                "country": country,
                "region": REGIONS[sum(map(ord, country)) % len(REGIONS)],
                "website": f"https://www.{name.lower().replace(' ', '')}.example",
                "status": MembershipStatus.member,
                "joined_on": date(2019, 1, 1) + timedelta(days=rng.randrange(2500)),
                "created_at": now,
            }
        )
    insert(City, city_rows)
    ids = dict(
        db.session.execute(sa.select(City.slug, City.id).where(City.created_at == now)).all()
    )
    texts, history = [], []
    for row in city_rows:
        city_id = ids[row["slug"]]
        local = row["name"] + " 시"
        texts.append(
            {
                "city_id": city_id,
                "language": "ko",
                "name": local,
                "name_key": name_key(local),
                "profile": None,
            }
        )
        if city_id % 3 == 0:
            texts.append(
                {
                    "city_id": city_id,
                    "language": "en",
                    "name": None,
                    "name_key": None,
                    "profile": f"{row['name']} works for decent work in its city.",
                }
            )
        history.append(
            {
                "city_id": city_id,
                "from_status": None,
                "to_status": MembershipStatus.member,
                "effective_on": row["joined_on"],
                "reason": "Admitted (benchmark data)",
                "recorded_at": now,
                "recorded_by_id": None,
            }
        )
    insert(CityText, texts)
    insert(MembershipChange, history)
    append_entries(
        (
            ("city.created", "city", row["slug"], {"status": "member", "set_up_by": "benchmark"})
            for row in city_rows
        ),
        now,
    )


def add_accounts(sizes: Sizes, now: datetime) -> dict[int, int]:
    """Add two delegates per new city, then observers, up to ``sizes.accounts``.

    :returns: a delegate with signing authority for every member city (city id → user id).
    """
    password = hash_password("benchmark-password")
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    new_cities = db.session.execute(
        sa.select(City.id, City.slug).where(City.created_at == now).order_by(City.id)
    ).all()
    budget = sizes.accounts - existing
    rows = []
    for city_id, slug in new_cities:
        for number in (1, 2):
            if len(rows) >= budget:
                break
            rows.append(
                {
                    "email": f"delegate{number}@{slug}.example.org",
                    "name": f"Delegate {number} of {slug}",
                    "role": Role.delegate,
                    "city_id": city_id,
                    "signing_authority": number == 1,
                    "active": True,
                    "password_hash": password,
                    "session_version": 1,
                    "created_at": now,
                }
            )
    for number in range(budget - len(rows)):
        rows.append(
            {
                "email": f"observer{number}@partner.example.org",
                "name": f"Observer {number}",
                "role": Role.observer,
                "city_id": None,
                "organisation": "ILO",
                "signing_authority": False,
                "active": True,
                "password_hash": password,
                "session_version": 1,
                "created_at": now,
            }
        )
    insert(User, rows)
    signers: dict[int, int] = {}
    for user_id, city_id in db.session.execute(
        sa.select(User.id, User.city_id)
        .where(User.role == Role.delegate)
        .order_by(User.signing_authority, User.id)  # signing delegates last: they win
    ):
        signers[city_id] = user_id
    return signers


def member_ids() -> list[int]:
    """Return the ids of the member cities in good standing."""
    return list(
        db.session.scalars(
            sa.select(City.id).where(City.status == MembershipStatus.member).order_by(City.id)
        )
    )


def run_big_vote(
    secretariat: User, signers: dict[int, int], codes: Codes, rng: random.Random, now: datetime
) -> tuple[int, int]:
    """Put the demo's seconded motion to a recorded vote that every member city casts.

    :returns: the vote's id and the motion's id.
    """
    motion = db.session.scalar(sa.select(Motion).where(Motion.status == MotionStatus.seconded))
    vote = motions.put_to_vote(
        motion, secrecy=Secrecy.recorded, closes_at=None, actor=secretariat, now=now
    )
    cast_at = now + timedelta(seconds=1)
    participations, ballots = [], []
    for city_id in member_ids():
        participations.append(
            {
                "vote_id": vote.id,
                "city_id": city_id,
                "cast_at": cast_at,
                "cast_by_id": signers[city_id],
            }
        )
        ballots.append(
            {
                "receipt": codes.new(),
                "vote_id": vote.id,
                "city_id": city_id,
                "choice": rng.choice(CHOICES),
            }
        )
    insert(Participation, participations)
    insert(Ballot, ballots)
    slugs = dict(db.session.execute(sa.select(City.id, City.slug)).tuples().all())
    append_entries(
        (
            ("vote.ballot_cast", "vote", vote.id, {"city": slugs[row["city_id"]]})
            for row in participations
        ),
        cast_at,
    )
    votes.close_vote(vote, actor=secretariat, now=now + timedelta(seconds=2))
    return vote.id, motion.id


def add_declarations(
    sizes: Sizes, signers: dict[int, int], codes: Codes, rng: random.Random, now: datetime
) -> tuple[str, str]:
    """Add declarations up to ``sizes.declarations`` and signatures up to ``sizes.signatures``.

    The first new declaration is signed by every member city.

    :returns: the slugs of the big declaration and of an ordinary one.
    """
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(Declaration))
    existing_signatures = db.session.scalar(sa.select(sa.func.count()).select_from(Signature))
    new = sizes.declarations - existing
    rows = []
    for index in range(new):
        opened = date(2019, 1, 1) + timedelta(days=rng.randrange(2500))
        is_open = index == 0 or index % 15 == 0
        rows.append(
            {
                "slug": "decent-work-compact" if index == 0 else f"joint-declaration-{index:03d}",
                "status": DeclarationStatus.open if is_open else DeclarationStatus.closed,
                "authoritative_language": "en",
                "opened_on": opened,
                "closed_on": None if is_open else opened + timedelta(days=90),
                "created_at": now,
            }
        )
    insert(Declaration, rows)
    declared = db.session.execute(
        sa.select(Declaration.id, Declaration.slug, Declaration.opened_on)
        .where(Declaration.created_at == now)
        .order_by(Declaration.id)
    ).all()
    texts = []
    for declaration_id, slug, _opened in declared:
        for language in ("en", "ko") if declaration_id % 3 == 0 else ("en",):
            texts.append(
                {
                    "declaration_id": declaration_id,
                    "language": language,
                    "title": f"Joint declaration {slug} ({language})",
                    "preamble": "The undersigned city governments commit to decent work.",
                    "commitments": [f"Commitment {n}." for n in range(1, 6)],
                }
            )
    insert(DeclarationText, texts)

    members = member_ids()
    names = dict(db.session.execute(sa.select(City.id, City.name)).tuples().all())
    remaining = sizes.signatures - existing_signatures - len(members)
    others = len(declared) - 1
    plan = [(declared[0], members)]
    for position, declared_row in enumerate(declared[1:]):
        share = remaining // others + (1 if position < remaining % others else 0)
        plan.append((declared_row, rng.sample(members, min(share, len(members)))))

    def signature_rows() -> Iterator[dict[str, Any]]:
        for (declaration_id, _slug, opened), cities in plan:
            for city_id in cities:
                online = city_id % 2 == 0
                withdrawn = rng.random() < 0.01
                yield {
                    "declaration_id": declaration_id,
                    "city_id": city_id,
                    "signatory_name": f"Mayor of {names[city_id]}",
                    "signatory_title": "Mayor",
                    "signed_on": opened + timedelta(days=rng.randrange(60)),
                    "mode": SignatureMode.online if online else SignatureMode.in_person,
                    "verification_code": codes.new(),
                    "signed_by_id": signers[city_id] if online else None,
                    "recorded_at": now,
                    "withdrawn_at": now if withdrawn else None,
                    "withdrawal_reason": "Signed in error (benchmark data)" if withdrawn else None,
                }

    signatures = list(signature_rows())
    insert(Signature, signatures)
    slugs = dict(db.session.execute(sa.select(City.id, City.slug)).tuples().all())
    declaration_slugs = {declaration_id: slug for declaration_id, slug, _opened in declared}

    def signature_entries() -> Iterator[tuple[str, str, Any, dict[str, Any]]]:
        for row in signatures:
            declaration, city = declaration_slugs[row["declaration_id"]], slugs[row["city_id"]]
            yield (
                "declaration.signed",
                "declaration",
                declaration,
                {
                    "city": city,
                    "signatory_name": row["signatory_name"],
                    "signatory_title": row["signatory_title"],
                    "signed_on": row["signed_on"].isoformat(),
                    "mode": row["mode"].value,
                    "verification_code": row["verification_code"],
                },
            )
            if row["withdrawn_at"] is not None:
                yield (
                    "declaration.signature_withdrawn",
                    "declaration",
                    declaration,
                    {
                        "city": city,
                        "reason": row["withdrawal_reason"],
                        "verification_code": row["verification_code"],
                    },
                )

    append_entries(signature_entries(), now)
    return declared[0][1], declared[1][1]


def add_resolutions(sizes: Sizes, rng: random.Random, now: datetime) -> None:
    """Add resolutions up to ``sizes.resolutions`` in the years before this one.

    Every other one was decided at the demo's meeting, so every page of the register has
    resolutions with a meeting and some without, whatever the size.
    """
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(Resolution))
    meeting = db.session.scalar(sa.select(sa.func.min(Meeting.id)))
    years = list(range(2019, now.year))
    kinds = [
        ResolutionKind.ordinary,
        ResolutionKind.ordinary,
        ResolutionKind.admission,
        ResolutionKind.suspension,
        ResolutionKind.election,
    ]
    last: dict[int, int] = {}
    rows = []
    for index in range(sizes.resolutions - existing):
        year = years[index % len(years)]
        last[year] = last.get(year, 0) + 1
        adopted = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        rows.append(
            {
                "year": year,
                "sequence": last[year],
                "number": resolution_number(year, last[year]),
                "title": f"Resolution on decent work policy {index + 1}",
                "text": "The Council **resolves** to share its members' decent work policies.",
                "kind": kinds[index % len(kinds)],
                "mode": DecisionMode.in_session,
                "adopted_on": adopted,
                "vote_id": None,
                "meeting_id": meeting if index % 2 == 1 else None,
                "created_at": datetime(adopted.year, adopted.month, adopted.day, tzinfo=UTC),
                "created_by_id": None,
            }
        )
    insert(Resolution, rows)
    append_entries(
        (
            (
                "resolution.registered",
                "resolution",
                row["number"],
                {
                    "title": row["title"],
                    "kind": row["kind"].value,
                    "mode": row["mode"].value,
                    "adopted_on": row["adopted_on"].isoformat(),
                    "vote": row["vote_id"],
                    "meeting": row["meeting_id"],
                    "text": row["text"],
                },
            )
            for row in rows
        ),
        now,
    )
    insert(ResolutionCounter, ({"year": y, "last": n} for y, n in sorted(last.items())))


def build(app: Flask, scale: float = 1.0, seed: int = 9) -> Dataset:
    """Migrate an empty database with Alembic and fill it (see the module's docstring)."""
    sizes = Sizes.at(scale)
    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        now = clock.now().replace(microsecond=0)
        secretariat_email = DEMO_SECRETARIAT.email
        seed_demo(now)
        db.session.commit()
        secretariat = db.session.scalar(sa.select(User).where(User.email == secretariat_email))
        charter_vote = adopt_charter(secretariat, now)
        db.session.commit()

        bulk_now = now + timedelta(seconds=1)  # marks the bulk rows
        add_cities(sizes, rng, bulk_now)
        signers = add_accounts(sizes, bulk_now)
        db.session.commit()
        taken = set(db.session.scalars(sa.select(Signature.verification_code)))
        taken |= set(db.session.scalars(sa.select(Ballot.receipt)))
        codes = Codes(rng, taken)
        secretariat = db.session.get(User, secretariat.id)
        big_vote, motion = run_big_vote(secretariat, signers, codes, rng, bulk_now)
        db.session.commit()
        big, ordinary = add_declarations(sizes, signers, codes, rng, bulk_now)
        add_resolutions(sizes, rng, bulk_now)
        db.session.commit()

        election = db.session.scalar(sa.select(sa.func.min(Election.id)))
        election_vote = db.session.scalar(
            sa.select(Vote.id).where(Vote.status == VoteStatus.open).order_by(Vote.id)
        )
        resolution = db.session.execute(
            sa.select(Resolution.year, Resolution.sequence).where(Resolution.vote_id == big_vote)
        ).one()
        big_id = db.session.scalar(sa.select(Declaration.id).where(Declaration.slug == big))
        dataset = Dataset(
            sizes=sizes,
            city="seoul",
            big_declaration=big,
            declaration=ordinary,
            big_vote=big_vote,
            charter_vote=charter_vote,
            election=election,
            election_vote=election_vote,
            motion=motion,
            meeting=db.session.scalar(sa.select(sa.func.min(Meeting.id))),
            resolution=(resolution.year, resolution.sequence),
            signature_code=db.session.scalar(
                sa.select(Signature.verification_code)
                .where(Signature.declaration_id == big_id)
                .order_by(Signature.id.desc())
                .limit(1)
            ),
            receipt=db.session.scalar(
                sa.select(Ballot.receipt).where(Ballot.vote_id == big_vote).limit(1)
            ),
            search="kalo",
        )
        check(dataset)
        db.session.remove()
        analyse(db.engine)
    return dataset


def analyse(engine: sa.Engine) -> None:
    """Give the query planner statistics of the bulk-loaded tables, as a live site has.

    A site's tables grow a little at a time, and PostgreSQL's autovacuum keeps their
    statistics and visibility maps current; rows loaded in one go have neither until
    autovacuum comes by, and the planner guesses (1,000 rows a table, hash joins, no
    index-only scans). The manuals say to ANALYZE after a bulk load; VACUUM also sets
    the visibility map, as autovacuum would have.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{name}"' for name in db.metadata.tables)  # this schema's
            connection.exec_driver_sql(f"VACUUM ANALYZE {tables}")
        else:
            connection.exec_driver_sql("ANALYZE")


def check(dataset: Dataset) -> None:
    """Fail loudly when the dataset does not have the sizes it was built for."""
    sizes = dataset.sizes

    def count(model: type, *where: Any) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    found = {
        "members": count(City, City.status == MembershipStatus.member),
        "accounts": count(User),
        "declarations": count(Declaration),
        "signatures": count(Signature),
        "resolutions": count(Resolution),
    }
    wanted = {k: getattr(sizes, k) for k in found}
    if found != wanted:
        raise RuntimeError(f"dataset sizes {found} differ from {wanted}")
    big_vote = db.session.get(Vote, dataset.big_vote)
    if count(Ballot, Ballot.vote_id == big_vote.id) != sizes.members:
        raise RuntimeError("the big vote does not have one ballot per member city")
    if big_vote.status is not VoteStatus.closed or big_vote.result is None:
        raise RuntimeError("the big vote did not close with a result")
