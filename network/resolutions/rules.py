"""Pure rules of the register: the shape of a resolution number."""

from __future__ import annotations

PREFIX = "DWCN/RES"


def resolution_number(year: int, sequence: int) -> str:
    """Format a register number: ``DWCN/RES/2018/1``."""
    return f"{PREFIX}/{year}/{sequence}"
