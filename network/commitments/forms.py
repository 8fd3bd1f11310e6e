"""Forms of reports on commitments: a period to open, a city's report, the buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from network.commitments import rules
from network.commitments.models import CommitmentStatus
from network.common.enums import choices
from network.common.forms import NoControlCharacters, strip


class PeriodForm(FlaskForm):
    """Open a reporting period for a declaration."""

    label = StringField(
        _l("Period"),
        filters=[strip],
        validators=[DataRequired(), Length(max=32)],
        description=_l("A short name, usually the year reported on, e.g. 2026."),
    )
    due_on = DateField(_l("Reports due by"), validators=[InputRequired()])


class EntryForm(Form):
    """What the city says of one commitment."""

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Not reported")), *choices(CommitmentStatus)],
        validators=[Optional()],
    )
    account = TextAreaField(
        _l("What the city did"),
        filters=[strip],
        validators=[Length(max=rules.ACCOUNT_MAX_LENGTH), NoControlCharacters()],
        description=_l("A short account, up to %(num)s characters.", num=rules.ACCOUNT_MAX_LENGTH),
    )
    links = TextAreaField(
        _l("Links"),
        filters=[strip],
        validators=[Length(max=2600), NoControlCharacters()],
        description=_l("Evidence on the web: one address per line (http:// or https://)."),
    )
    practices = SelectMultipleField(
        _l("The city's practices"),
        coerce=int,
        choices=[],
        validate_choice=False,  # the service checks they are the city's and published
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )

    def link_list(self) -> list[str]:
        """Return the links, one per line, blank lines left out."""
        return [line.strip() for line in (self.links.data or "").splitlines() if line.strip()]


class ReportForm(FlaskForm):
    """A city's report on each commitment, saved as a draft."""

    entries = FieldList(FormField(EntryForm), min_entries=1, max_entries=50)
    reason = TextAreaField(
        _l("Why the submitted report is corrected"),
        filters=[strip],
        validators=[Length(max=rules.REASON_MAX_LENGTH), NoControlCharacters()],
        description=_l("Published with the new version."),
    )
