"""Definitions, collections, values and revisions through the services: each rule, each refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from network.common import clock
from network.common.errors import Conflict, InvalidInput, NotAllowed
from network.db import db
from network.indicators import services
from network.indicators.models import (
    Collection,
    Indicator,
    IndicatorText,
    IndicatorValue,
    Unit,
    ValueVersion,
)
from tests.indicators.conftest import (
    HOURS,
    WAGE,
    city,
    definition,
    enter,
    indicator,
    open_collection,
    user,
)


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Indicator, IndicatorText, Collection, IndicatorValue, ValueVersion)
    }


def test_the_secretariat_defines_an_indicator_with_one_public_audit_entry(app, people, ledger):
    with app.app_context():
        before = ledger.audit_seq()
        services.save_indicator(
            None,
            definition("real-living-wage", unit=Unit.currency_per_hour, currency="GBP"),
            actor=user(people.secretariat),
            now=clock.now(),
        )
        db.session.commit()
        [entry] = ledger.entries_since(before)
        assert (entry.action, entry.public) == ("indicator.defined", True)
        assert entry.data["unit"] == "currency-per-hour" and entry.data["currency"] == "GBP"
        assert indicator("real-living-wage").text_in("fr").language == "en"  # falls back


@pytest.mark.parametrize("who", ["seoul_delegate", "observer"])
def test_only_the_secretariat_defines_indicators_and_runs_collections(app, people, who):
    with app.app_context():
        before = counts()
        actor = user(getattr(people, who))
        with pytest.raises(NotAllowed):
            services.save_indicator(None, definition("other"), actor=actor, now=clock.now())
        with pytest.raises(NotAllowed):
            services.save_indicator(indicator(), definition(WAGE), actor=actor, now=clock.now())
        with pytest.raises(NotAllowed):
            services.open_collection(year=2025, due_on=clock.today(), actor=actor, now=clock.now())
        db.session.rollback()
        assert counts() == before


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (definition("Bad Code"), "code"),
        (definition("new"), "code"),  # the editor's own address
        (definition(WAGE), "code"),  # taken
        (definition("wage", unit=Unit.currency_per_hour), "currency"),
        (definition("wage", unit=Unit.currency_per_hour, currency="pounds"), "currency"),
        (definition("hours", unit=Unit.percent, currency="EUR"), "currency"),
        (definition("share", low=60, high=40), "min_value"),
        (definition("share", high=150), "min_value"),  # a percent is at most 100
    ],
)
def test_a_bad_definition_is_refused_and_nothing_is_written(app, people, ledger, entry, field):
    with app.app_context():
        before, seq = counts(), ledger.audit_seq()
        with pytest.raises((InvalidInput, Conflict)) as refused:
            services.save_indicator(None, entry, actor=user(people.secretariat), now=clock.now())
        assert refused.value.field == field
        db.session.rollback()
        assert counts() == before and ledger.audit_seq() == seq


def test_english_is_required_and_each_text_needs_name_and_definition(app, people):
    with app.app_context():
        officer = user(people.secretariat)
        korean_only = services.IndicatorEntry(
            **{**definition("korean").__dict__, "texts": [services.TextEntry("ko", "이름", "정의")]}
        )
        with pytest.raises(InvalidInput, match="in English"):
            services.save_indicator(None, korean_only, actor=officer, now=clock.now())
        blank = services.IndicatorEntry(
            **{
                **definition("blank").__dict__,
                "texts": [
                    services.TextEntry("en", "Name", "Definition"),
                    services.TextEntry("fr", "Nom", ""),
                ],
            }
        )
        with pytest.raises(InvalidInput, match="each language"):
            services.save_indicator(None, blank, actor=officer, now=clock.now())
        db.session.rollback()


def test_one_open_collection_per_year_and_closing_it(app, people, ledger):
    with app.app_context():
        before = ledger.audit_seq()
        first = open_collection(people, 2025)
        officer = user(people.secretariat)
        with pytest.raises(Conflict, match="2025 is open already"):
            services.open_collection(
                year=2025, due_on=clock.today(), actor=officer, now=clock.now()
            )
        db.session.rollback()
        open_collection(people, 2026)  # another year may be open beside it
        collection = db.session.get(Collection, first)
        services.close_collection(collection, actor=officer, now=clock.now())
        db.session.commit()
        with pytest.raises(Conflict):
            services.close_collection(collection, actor=officer, now=clock.now())
        db.session.rollback()
        open_collection(people, 2025)  # reopened as a new collection once closed
        actions = [entry.action for entry in ledger.entries_since(before)]
        assert actions == [
            "indicator_collection.opened",
            "indicator_collection.opened",
            "indicator_collection.closed",
            "indicator_collection.opened",
        ]


@pytest.mark.parametrize(("year", "days"), [(1800, 3), (2025, -1), (None, 3)])
def test_a_bad_collection_is_refused(app, people, year, days):
    with app.app_context():
        with pytest.raises(InvalidInput):
            services.open_collection(
                year=year,
                due_on=clock.today() + timedelta(days=days),
                actor=user(people.secretariat),
                now=clock.now(),
            )
        db.session.rollback()
        assert counts()["indicator_collections"] == 0


def test_a_delegate_enters_a_draft_then_publishes_it(app, people, ledger):
    with app.app_context():
        collection = open_collection(people)
        before = ledger.audit_seq()
        version = enter(collection, people.seoul, people.seoul_delegate, "61.5", publish=False)
        assert not version.is_published and not version.is_current
        [saved] = ledger.entries_since(before)
        assert (saved.action, saved.public) == ("indicator_value.saved", False)
        services.publish_value(version.value, actor=user(people.seoul_delegate), now=clock.now())
        db.session.commit()
        [_saved, published] = ledger.entries_since(before)
        assert (published.action, published.public) == ("indicator_value.published", True)
        assert published.data["value"] == "61.5" and published.data["source"]
        assert version.is_current and version.amount == 61.5


@pytest.mark.parametrize("who", ["hamburg_delegate", "observer", "secretariat"])
def test_nobody_but_the_city_s_delegates_enters_or_publishes_its_values(app, people, who):
    with app.app_context():
        collection = open_collection(people)
        draft = enter(collection, people.seoul, people.seoul_delegate, "50", publish=False)
        before = counts()
        actor = user(getattr(people, who))
        with pytest.raises(NotAllowed):
            services.save_value(
                db.session.get(Collection, collection),
                indicator(),
                city(people.seoul),
                services.ValueEntry(year=2024, amount="40", source="Mine"),
                actor=actor,
                now=clock.now(),
            )
        with pytest.raises(NotAllowed):
            services.publish_value(draft.value, actor=actor, now=clock.now())
        db.session.rollback()
        assert counts() == before
        assert not db.session.get(ValueVersion, draft.id).is_published


@pytest.mark.parametrize(
    ("code", "amount", "year", "source", "link", "field", "message"),
    [
        (WAGE, "abc", 2024, "Survey", "", "amount", "as a number"),
        (WAGE, "1,000", 2024, "Survey", "", "amount", "no thousands separator"),
        (WAGE, "101", 2024, "Survey", "", "amount", "between 0 and 100"),
        (WAGE, "-1", 2024, "Survey", "", "amount", "between 0 and 100"),
        (HOURS, "170", 2024, "Survey", "", "amount", "between 0 and 168"),
        (HOURS, "12", 2024, "Survey", "", "amount", "at least 20"),  # the indicator's range
        (WAGE, "50", 2026, "Survey", "", "year", "from 1950 to 2025"),  # after the collection
        (WAGE, "50", 1900, "Survey", "", "year", "from 1950 to 2025"),
        (WAGE, "50", 2024, "  ", "", "source", "Name the source"),
        (WAGE, "50", 2024, "Survey", "javascript:alert(1)", "source_url", "web address"),
    ],
)
def test_a_bad_value_is_refused_with_its_message_and_nothing_is_written(
    app, people, ledger, code, amount, year, source, link, field, message
):
    with app.app_context():
        collection = open_collection(people)
        before, seq = counts(), ledger.audit_seq()
        with pytest.raises(InvalidInput, match=message) as refused:
            services.save_value(
                db.session.get(Collection, collection),
                indicator(code),
                city(people.seoul),
                services.ValueEntry(year=year, amount=amount, source=source, source_url=link),
                actor=user(people.seoul_delegate),
                now=clock.now(),
            )
        assert refused.value.field == field
        db.session.rollback()
        assert counts() == before and ledger.audit_seq() == seq


def test_a_count_is_a_whole_number_and_a_range_bounds_it(app, people):
    with app.app_context():
        officer = user(people.secretariat)
        services.save_indicator(
            None,
            definition("cooperatives", unit=Unit.count, high=500),
            actor=officer,
            now=clock.now(),
        )
        db.session.commit()
        collection = open_collection(people)
        with pytest.raises(InvalidInput, match="whole number"):
            enter(collection, people.seoul, people.seoul_delegate, "12.5", code="cooperatives")
        db.session.rollback()
        with pytest.raises(InvalidInput, match="at most 500"):
            enter(collection, people.seoul, people.seoul_delegate, "501", code="cooperatives")
        db.session.rollback()
        assert enter(collection, people.seoul, people.seoul_delegate, "12", code="cooperatives")


def test_a_revision_needs_a_reason_and_keeps_the_old_version(app, people, ledger):
    with app.app_context():
        collection = open_collection(people)
        first = enter(collection, people.seoul, people.seoul_delegate, "50")
        delegate = user(people.seoul_delegate)
        revision = enter(collection, people.seoul, people.seoul_delegate, "52.5", publish=False)
        assert revision.number == 2 and revision.id != first.id
        with pytest.raises(InvalidInput, match="Say why") as refused:
            services.publish_value(revision.value, actor=delegate, now=clock.now())
        assert refused.value.field == "reason"
        db.session.rollback()
        # The public still reads the first version meanwhile.
        assert db.session.get(ValueVersion, first.id).is_current
        before = ledger.audit_seq()
        enter(
            collection,
            people.seoul,
            people.seoul_delegate,
            "52.5",
            reason="The survey was reweighted.",
        )
        [saved, revised] = ledger.entries_since(before)
        assert revised.action == "indicator_value.revised" and revised.public
        assert revised.data["reason"] == "The survey was reweighted."
        value = db.session.get(ValueVersion, first.id).value
        assert [v.number for v in value.versions] == [1, 2]
        assert [v.amount for v in value.versions] == [50.0, 52.5]
        assert [v.is_current for v in value.versions] == [False, True]
        assert value.versions[0].published_at is not None  # the old one stays published


def test_nothing_is_entered_or_published_in_a_closed_collection(app, people):
    with app.app_context():
        collection_id = open_collection(people)
        draft = enter(collection_id, people.seoul, people.seoul_delegate, "50", publish=False)
        collection = db.session.get(Collection, collection_id)
        services.close_collection(collection, actor=user(people.secretariat), now=clock.now())
        db.session.commit()
        with pytest.raises(Conflict, match="closed"):
            enter(collection_id, people.seoul, people.seoul_delegate, "51")
        db.session.rollback()
        with pytest.raises(Conflict, match="closed"):
            services.publish_value(
                db.session.get(ValueVersion, draft.id).value,
                actor=user(people.seoul_delegate),
                now=clock.now(),
            )
        db.session.rollback()
        assert not db.session.get(ValueVersion, draft.id).is_published


def test_publishing_twice_is_refused(app, people):
    with app.app_context():
        collection = open_collection(people)
        version = enter(collection, people.seoul, people.seoul_delegate, "50")
        with pytest.raises(Conflict, match="no draft"):
            services.publish_value(
                version.value, actor=user(people.seoul_delegate), now=clock.now()
            )
        db.session.rollback()


def test_the_unit_stays_once_values_are_published_but_the_names_may_change(app, people):
    with app.app_context():
        collection = open_collection(people)
        enter(collection, people.seoul, people.seoul_delegate, "50")
        officer = user(people.secretariat)
        with pytest.raises(Conflict, match="unit"):
            services.save_indicator(
                indicator(), definition(WAGE, unit=Unit.ratio), actor=officer, now=clock.now()
            )
        db.session.rollback()
        renamed = services.IndicatorEntry(
            **{
                **definition(WAGE).__dict__,
                "texts": [services.TextEntry("en", "Living wage coverage", "Renamed.")],
            }
        )
        services.save_indicator(indicator(), renamed, actor=officer, now=clock.now())
        db.session.commit()
        assert indicator().text_in("en").name == "Living wage coverage"
        assert set(indicator().texts) == {"en"}  # the Korean text was taken out
