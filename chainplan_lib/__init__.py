"""chainplan: a district's industrial-chain plan as checked numbers.

The front door for analysts::

    from chainplan_lib import District
    d = District.open("data/plans/qingshanhu-2024.toml")
    d.consistency().findings()

:class:`District` (and :func:`read_plan`) are loaded on first use, so ``import chainplan_lib`` (and the command
line) stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded on first use by __getattr__ below
    from .district import District
    from .plan.load import read_plan

__version__ = "0.1.0"
__all__ = ["District", "read_plan", "__version__"]


def __getattr__(name: str):
    if name == "District":
        from .district import District

        return District
    if name == "read_plan":
        from .plan.load import read_plan

        return read_plan
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
