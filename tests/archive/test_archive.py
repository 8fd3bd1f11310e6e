"""The complete archive: one ZIP of the public record, its counts equal to the API's (#17).

The record is the demo moved on as the browser tests move it (``tests/browser/world.py``):
a recorded vote closed with its roll call, a secret election round closed, an open
secret runoff with a sealed ballot, an open recorded vote with a ballot, signatures (one
withdrawn), private audit entries (accounts). The archive is exported with
``flask network export DIR`` and rebuilt from its own files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from network.archive import services
from network.auth.models import User
from network.common import clock
from network.db import db
from network.declarations import services as declarations
from network.declarations.models import Declaration
from network.votes.models import Ballot, SealedBallot, Vote, VoteStatus

DEMO_PASSWORD = "decent-work-2018"


@pytest.fixture
def world(app, database, tmp_path, monkeypatch) -> dict[str, Any]:
    from tests.browser.world import _cast, build

    monkeypatch.setitem(app.config, "ARCHIVE_DIR", str(tmp_path / "kept"))
    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    with app.app_context():
        built = build()
        runoff = db.session.get(Vote, built["runoff"])
        built["sealed_receipts"] = _cast(runoff, {"seoul": runoff.options[0].label})
        _enter_indicator_values()
        db.session.commit()
        db.session.remove()
    return built


def _enter_indicator_values() -> None:
    """Seoul and New York publish values (Seoul revises one); Setagaya keeps a draft."""
    from network.cities.models import City
    from network.indicators import queries as indicator_queries
    from network.indicators import services as indicators

    collection = indicator_queries.open_collection()
    wage = indicator_queries.indicator("living-wage-coverage")
    hours = indicator_queries.indicator("usual-weekly-hours")
    for slug, indicator, amount, reason, publish in (
        ("seoul", wage, "61.5", "", True),
        ("seoul", hours, "41", "", True),
        ("new-york", wage, "58", "", True),
        ("seoul", wage, "62", "The survey was reweighted.", True),
        ("setagaya", wage, "55", "", False),
    ):
        city = db.session.scalar(sa.select(City).where(City.slug == slug))
        delegate = db.session.scalar(sa.select(User).where(User.email == f"{slug}@example.org"))
        version = indicators.save_value(
            collection,
            indicator,
            city,
            indicators.ValueEntry(
                # A year the browser tests' world (tests/browser/world.py) leaves alone.
                year=collection.year - 3,
                amount=amount,
                source="Labour survey",
                reason=reason,
            ),
            actor=delegate,
            now=clock.now(),
        )
        if publish:
            indicators.publish_value(version.value, actor=delegate, now=clock.now())


def export(app, directory: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["network", "export", str(directory)])
    assert result.exit_code == 0, result.output
    (path,) = directory.glob("dwcn-archive-*.zip")
    assert str(path) in result.output
    return path


def members(data: bytes | Path) -> dict[str, bytes]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with zipfile.ZipFile(source) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode())))


def api_all(client, path: str) -> list[dict[str, Any]]:
    """Read every page of an API list."""
    items, page = [], 1
    while True:
        body = client.get(path, query_string={"page": page, "per_page": 200}).get_json()
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            return items
        page += 1


@pytest.fixture
def archive(app, world, tmp_path) -> Iterator[dict[str, bytes]]:
    files = members(export(app, tmp_path / "out"))
    with app.app_context():  # for the tests' own reads of the database
        yield files


def test_every_count_rebuilt_from_the_archive_equals_the_apis(client, archive):
    cities = json.loads(archive["cities.json"])
    assert len(cities) == client.get("/api/v1/cities").get_json()["total"] > 0
    assert len(rows(archive, "cities.csv")) == len(cities)
    members_count = sum(1 for city in cities if city["status"] == "member")
    assert members_count == client.get("/api/v1/cities?status=member").get_json()["total"] > 0
    history = Counter(row["city"] for row in rows(archive, "membership_history.csv"))
    for city in cities:
        assert history[city["slug"]] == len(city["status_history"])
    api_city = client.get(f"/api/v1/cities/{cities[0]['slug']}").get_json()
    assert {k: v for k, v in api_city.items() if k in cities[0]} == cities[0]

    votes = json.loads(archive["votes.json"])
    assert (
        len(rows(archive, "votes.csv"))
        == len(votes)
        == db.session.scalar(sa.select(sa.func.count()).select_from(Vote))
    )
    roll_calls = Counter(row["vote"] for row in rows(archive, "roll_calls.csv"))
    ballots = Counter(row["vote"] for row in rows(archive, "ballots.csv"))
    closed = 0
    for vote in votes:
        assert client.get(f"/api/v1/votes/{vote['id']}").get_json() == vote
        published = vote.get("roll_call") or vote.get("ballots") or []
        if vote["status"] == "closed":
            closed += 1
            assert len(published) == vote["ballots_cast"] > 0
        else:
            assert not published
        assert roll_calls[str(vote["id"])] + ballots[str(vote["id"])] == len(published)
    assert closed >= 2 and sum(ballots.values()) > 0 and sum(roll_calls.values()) > 0

    assert json.loads(archive["elections.json"]) == api_all(client, "/api/v1/elections")
    resolutions = json.loads(archive["resolutions.json"])
    assert len(resolutions) == client.get("/api/v1/resolutions").get_json()["total"] > 0
    assert len(rows(archive, "resolutions.csv")) == len(resolutions)

    declarations_ = json.loads(archive["declarations.json"])
    assert len(declarations_) == client.get("/api/v1/declarations").get_json()["total"] > 0
    signed = Counter(row["declaration"] for row in rows(archive, "signatures.csv"))
    assert sum(signed.values()) == len(json.loads(archive["signatures.json"]))
    for declaration in declarations_:
        path = f"/api/v1/declarations/{declaration['slug']}/signatures"
        assert signed[declaration["slug"]] == len(api_all(client, path))
        assert (
            declaration["signature_count"]
            == client.get(f"/api/v1/declarations/{declaration['slug']}").get_json()[
                "signature_count"
            ]
        )

    entries = json.loads(archive["audit_entries.json"])
    assert entries == api_all(client, "/api/v1/audit/entries")
    public = [entry for entry in entries if entry["public"]]
    assert 0 < len(public) < len(entries)
    assert len(rows(archive, "audit_entries.csv")) == len(entries)

    motions = json.loads(archive["motions.json"])
    assert len(motions) == client.get("/api/v1/motions").get_json()["total"] > 0
    assert len(rows(archive, "motions.csv")) == len(motions)
    for motion in motions:
        api_motion = client.get(f"/api/v1/motions/{motion['id']}?lang={motion['language']}")
        assert {**api_motion.get_json(), "translations": motion["translations"]} == motion
    meetings = json.loads(archive["meetings.json"])
    assert len(meetings) == client.get("/api/v1/meetings").get_json()["total"] > 0
    for meeting in meetings:
        assert client.get(f"/api/v1/meetings/{meeting['id']}").get_json() == meeting
    assert len(json.loads(archive["charter_versions.json"])) > 0
    practices = json.loads(archive["practices.json"])
    assert len(practices) == client.get("/api/v1/practices").get_json()["total"] > 0
    assert [row["slug"] for row in rows(archive, "practices.csv")] == [
        practice["slug"] for practice in practices
    ]
    for practice in practices:
        slug, language = practice["slug"], practice["authoritative_language"]
        api_practice = client.get(f"/api/v1/practices/{slug}?lang={language}").get_json()
        assert {**api_practice, "texts": practice["texts"]} == practice
        assert practice["texts"][language]["title"] == practice["title"]
    indicators = json.loads(archive["indicators.json"])
    assert len(indicators) == client.get("/api/v1/indicators").get_json()["total"] > 0
    published = Counter(row["indicator"] for row in rows(archive, "indicator_values.csv"))
    assert sum(published.values()) == len(json.loads(archive["indicator_values.json"])) > 0
    for indicator in indicators:
        path = f"/api/v1/indicators/{indicator['code']}/values"
        assert published[indicator["code"]] == client.get(path).get_json()["total"]


def test_the_reports_on_commitments_equal_the_apis(client, archive):
    reports = json.loads(archive["reports.json"])
    declarations = json.loads(archive["declarations.json"])
    from_api = [
        report
        for declaration in declarations
        for report in api_all(client, f"/api/v1/declarations/{declaration['slug']}/reports")
    ]
    assert reports == from_api and len(reports) > 0
    assert {report["city"] for report in reports} == {"seoul", "new-york"}  # not the draft
    lines = rows(archive, "reports.csv")
    assert len(lines) == sum(len(report["commitments"]) for report in reports)
    assert {(line["city"], line["commitment"]) for line in lines} == {
        (report["city"], str(item["number"]))
        for report in reports
        for item in report["commitments"]
    }


def test_the_indicators_and_their_published_values_equal_the_apis(client, archive):
    defined = json.loads(archive["indicators.json"])
    from_api = api_all(client, "/api/v1/indicators")
    assert [item["code"] for item in defined] == [item["code"] for item in from_api]
    for item in defined:
        assert client.get(f"/api/v1/indicators/{item['code']}?lang=en").get_json() == item
    values = json.loads(archive["indicator_values.json"])
    assert values == [
        value
        for item in defined
        for value in api_all(client, f"/api/v1/indicators/{item['code']}/values")
    ]
    # Of the values this module entered (beside the browser world's), three are published
    # (one of them revised: its latest version only); no draft.
    own = [value for value in values if value["source"] == "Labour survey"]
    assert len(own) == 3
    assert Counter((value["indicator"], value["city"]) for value in own) == {
        ("living-wage-coverage", "seoul"): 1,
        ("living-wage-coverage", "new-york"): 1,
        ("usual-weekly-hours", "seoul"): 1,
    }
    revised = next(v for v in own if v["city"] == "seoul" and v["unit"] == "percent")
    assert (revised["value"], revised["version"]) == (62, 2)
    lines = rows(archive, "indicator_values.csv")
    assert [(line["indicator"], line["city"], line["value"]) for line in lines] == [
        (value["indicator"], value["city"], str(value["value"]).removesuffix(".0"))
        for value in values
    ]


def test_the_manifest_names_every_file_with_its_hash_and_the_head(client, archive):
    manifest = json.loads(archive["manifest.json"])
    listed = {file["name"]: file for file in manifest["files"]}
    assert set(listed) == set(archive) - {"manifest.json"}
    for name, file in listed.items():
        assert file["size"] == len(archive[name])
        assert file["sha256"] == hashlib.sha256(archive[name]).hexdigest()
    assert manifest["audit_head"] == client.get("/api/v1/audit/head").get_json()
    assert manifest["license"]["name"] == "CC BY 4.0"
    readme = archive["README.md"].decode()
    assert "CC BY 4.0" in readme and "tools.verify_public_record" in readme
    assert listed["cities.json"]["sha256"] in readme


def test_nothing_private_is_in_the_archive(app, world, archive):
    everything = b"\n".join(archive.values())
    emails = db.session.scalars(sa.select(User.email)).all()
    assert emails and not [email for email in emails if email.encode() in everything]
    assert b"password" not in everything.lower()
    # Not one ballot of a vote still open: not its receipt, not its sealed box.
    open_votes = sa.select(Vote.id).where(Vote.status != VoteStatus.closed)
    open_receipts = db.session.scalars(
        sa.select(Ballot.receipt).where(Ballot.vote_id.in_(open_votes))
    ).all()
    sealed = world["sealed_receipts"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot))
    assert open_receipts and sealed
    assert not [code for code in open_receipts + sealed if code.encode() in everything]
    # A secret vote's ballots by receipt alone, never beside a city.
    for vote in json.loads(archive["votes.json"]):
        if vote["secrecy"] == "secret":
            assert "roll_call" not in vote
            assert all(set(ballot) == {"receipt", "choice"} for ballot in vote.get("ballots", []))
    assert rows(archive, "ballots.csv")[0].keys() == {"vote", "receipt", "choice"}
    # A private audit entry by its number and hashes only.
    entries = json.loads(archive["audit_entries.json"])
    private = [entry for entry in entries if not entry["public"]]
    assert private and all(set(e) == {"seq", "public", "prev_hash", "hash"} for e in private)
    for row in rows(archive, "audit_entries.csv"):
        if row["public"] == "false":
            assert not row["action"] and not row["data"] and not row["actor_id"]
    # Cities without their delegates, who are people with accounts.
    assert all("delegates" not in city for city in json.loads(archive["cities.json"]))


def test_the_download_is_the_archive_with_the_head_as_etag_and_rebuilt_on_change(
    app, client, world, archive, tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "KEEP_OLD", 0)  # an archive replaced is removed at once
    head = client.get("/api/v1/audit/head").get_json()
    response = client.get("/archive.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.is_streamed
    assert response.get_etag() == (f"{head['seq']}-{head['hash']}", False)
    assert "attachment" in response.headers["Content-Disposition"]
    served = members(response.get_data())
    response.close()
    assert served.keys() == archive.keys()
    for name in archive.keys() - {"manifest.json", "README.md"}:
        if name.startswith("documents/"):  # each PDF says when it was produced
            continue
        assert served[name] == archive[name], name  # the export time only differs
    kept = list((tmp_path / "kept").glob("*.zip"))
    assert len(kept) == 1

    again = client.get("/archive.zip", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    assert again.headers["ETag"] == response.headers["ETag"]

    # A city signs: the record moves on, and so does the archive.
    agreement = db.session.scalar(
        sa.select(Declaration).where(Declaration.slug == "joint-agreement-2018")
    )
    vienna = db.session.scalar(sa.select(User).where(User.email == "vienna@example.org"))
    declarations.sign(
        agreement,
        name="Michael Ludwig",
        title="Mayor of Vienna",
        password=DEMO_PASSWORD,
        actor=vienna,
        now=clock.now(),
    )
    db.session.commit()
    rebuilt = client.get("/archive.zip", headers={"If-None-Match": response.headers["ETag"]})
    assert rebuilt.status_code == 200
    new_head = client.get("/api/v1/audit/head").get_json()
    assert new_head["seq"] > head["seq"]
    assert rebuilt.get_etag() == (f"{new_head['seq']}-{new_head['hash']}", False)
    files = members(rebuilt.get_data())
    rebuilt.close()
    assert json.loads(files["manifest.json"])["audit_head"] == new_head
    vienna_rows = [
        row
        for row in rows(files, "signatures.csv")
        if row["declaration"] == "joint-agreement-2018" and row["city"] == "vienna"
    ]
    assert [row["signatory_name"] for row in vienna_rows] == ["Michael Ludwig"]
    assert [path.name for path in (tmp_path / "kept").glob("*.zip")] == [
        f"dwcn-archive-{new_head['seq']}-{new_head['hash'][:16]}.zip"
    ]
