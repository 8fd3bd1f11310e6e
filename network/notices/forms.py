"""Forms of a person's notice settings."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import SelectField

from network.common.enums import choices, label
from network.notices.models import NoticeKind, NoticeMode, is_optional

OPTIONAL_KINDS = tuple(kind for kind in NoticeKind if is_optional(kind))


class PreferencesForm(FlaskForm):
    """How a person wants each optional kind of notice: by e-mail, or not at all."""

    def modes(self) -> dict[NoticeKind, NoticeMode]:
        """Return the chosen mode of each kind."""
        return {kind: NoticeMode(self[kind.value].data) for kind in OPTIONAL_KINDS}


def preferences_form(current: Mapping[NoticeKind, NoticeMode] | None = None) -> PreferencesForm:
    """Build the form with a choice per optional kind, set to ``current`` when given."""

    class Form(PreferencesForm):
        pass

    for kind in OPTIONAL_KINDS:
        setattr(
            Form,
            kind.value,
            SelectField(
                label(kind),
                choices=choices(NoticeMode),
                default=(current[kind].value if current else NoticeMode.immediate.value),
            ),
        )
    return Form()
