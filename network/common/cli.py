"""``flask translate``: extract, update and compile the message catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask import current_app
from flask.cli import AppGroup

from network import ROOT

translate_cli = AppGroup("translate", help="Extract, update and compile translations.")
POT = ROOT / "translations" / "messages.pot"
TRANSLATIONS = ROOT / "translations"


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.call(command, cwd=ROOT) != 0:
        raise click.ClickException("pybabel " + " ".join(args) + " failed")


@translate_cli.command("extract")
def extract() -> None:
    """Extract the translatable strings into messages.pot."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_pgettext:1c,2",
        "--no-location",
        "--sort-output",
        "--project",
        "dwcn-network",
        "-o",
        str(POT),
        "network",
        "templates",
    )


@translate_cli.command("update")
def update() -> None:
    """Extract, then merge the new strings into every locale's catalogue."""
    extract.callback()  # type: ignore[misc]
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")
    fill_source_catalogue(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")


def fill_source_catalogue(path: Path) -> None:
    """Give every empty English entry its msgid, so English is complete like the others."""
    with open(path, "rb") as handle:
        catalogue = read_po(handle, locale="en")
    for message in catalogue:
        if not message.id or message.string and all(message.string):
            continue
        message.string = message.id if isinstance(message.id, str) else tuple(message.id)
    with open(path, "wb") as handle:
        write_po(handle, catalogue, omit_header=False, sort_output=True)


@translate_cli.command("compile")
def compile_catalogues() -> None:
    """Compile every catalogue to .mo."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


@translate_cli.command("init")
@click.argument("locale")
def init(locale: str) -> None:
    """Start a catalogue for a new locale."""
    if locale in current_app.config["LANGUAGES"] and (TRANSLATIONS / locale).exists():
        raise click.ClickException(f"{locale} exists; use update")
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)
