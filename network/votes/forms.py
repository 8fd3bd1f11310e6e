"""Ballot forms, one per kind of vote, and the secretariat's open/close buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from network.common.enums import choices
from network.votes.models import Choice, Vote, VoteKind

BLANK = "blank"


class ApprovalBallotForm(FlaskForm):
    """Yes, no or abstain."""

    choice = RadioField(
        _l("Your city's vote: yes / no / abstain"),
        choices=choices(Choice),
        validators=[InputRequired(message=_l("Choose yes, no or abstain."))],
    )

    def content(self) -> str:
        """Return the ballot's content as the engine takes it."""
        return self.choice.data

    def carried(self) -> list[tuple[str, str]]:
        """Return the fields the confirmation form carries back, to be checked again."""
        return [("choice", self.choice.data)]


class SingleBallotForm(FlaskForm):
    """One candidate, or a blank ballot."""

    choice = RadioField(
        _l("Your city's vote"),
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose a candidate or a blank ballot."))],
    )

    def content(self) -> int | None:
        """Return the candidate's option id, or None for a blank ballot."""
        return None if self.choice.data == BLANK else int(self.choice.data)

    def carried(self) -> list[tuple[str, str]]:
        """Return the fields the confirmation form carries back, to be checked again."""
        return [("choice", self.choice.data)]


class RankedBallotForm(FlaskForm):
    """Candidates in order of preference: a rank per candidate, each rank used once.

    A ballot that ranks nobody is blank only when the delegate says so, as the
    single-choice form's "Blank ballot" does: a form sent with no rank (or only ranks of
    unknown candidates) is refused, not taken for a blank ballot.
    """

    option_ids: list[int] = []
    blank = BooleanField(_l("Blank ballot: rank no candidate"))

    def _ranks(self) -> list[tuple[int, int]]:
        return [
            (int(self[f"rank_{option_id}"].data), option_id)
            for option_id in self.option_ids
            if self[f"rank_{option_id}"].data
        ]

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        """Accept ranks 1 to n (or none, for a candidate left out), each given once."""
        if not super().validate(extra_validators):
            return False
        allowed = {str(rank) for rank in range(1, len(self.option_ids) + 1)}
        values = [self[f"rank_{option_id}"].data for option_id in self.option_ids]
        if any(value and value not in allowed for value in values):
            self.form_errors.append(_l("Give each candidate a rank from the list."))
            return False
        ranks = [value for value in values if value]
        if len(set(ranks)) != len(ranks):
            self.form_errors.append(_l("Give each rank to one candidate only."))
            return False
        if not ranks and not self.blank.data:
            self.form_errors.append(_l("Rank at least one candidate, or choose a blank ballot."))
            return False
        if ranks and self.blank.data:
            self.form_errors.append(
                _l("A blank ballot ranks no candidate: clear the ranks or the blank ballot.")
            )
            return False
        return True

    def content(self) -> list[int]:
        """Return the option ids in the order of their ranks (unranked left out)."""
        return [option_id for _rank, option_id in sorted(self._ranks())]

    def carried(self) -> list[tuple[str, str]]:
        """Return the fields the confirmation form carries back, to be checked again."""
        if self.blank.data:
            return [("blank", "y")]
        return [(f"rank_{option_id}", str(rank)) for rank, option_id in sorted(self._ranks())]


def ballot_form_for(vote: Vote) -> FlaskForm:
    """Build the ballot form that fits a vote."""
    if vote.kind is VoteKind.approval:
        return ApprovalBallotForm()
    if vote.kind is VoteKind.single:
        form = SingleBallotForm()
        form.choice.choices = [SelectChoice(str(o.id), o.label) for o in vote.options] + [
            SelectChoice(BLANK, _l("Blank ballot"))
        ]
        return form

    class Ranked(RankedBallotForm):
        option_ids = [option.id for option in vote.options]

    positions = [SelectChoice("", _l("Not ranked"))] + [
        SelectChoice(str(n), str(n)) for n in range(1, len(vote.options) + 1)
    ]
    for option in vote.options:
        # Checked in validate(): a missing rank means "not ranked", not an error.
        setattr(
            Ranked,
            f"rank_{option.id}",
            SelectField(option.label, choices=positions, validate_choice=False),
        )
    return Ranked()
