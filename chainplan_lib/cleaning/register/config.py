"""The register cleaner's configuration: accepted headings, the threshold, placeholders — and the plan.

What is not plan-specific is read from ``chainplan_lib/config/industry_chains.toml`` (or another file with the
same keys) and checked on load: column-heading aliases, the above-size threshold, the labels meaning "no
chain" and the placeholder values. What is plan-specific — the chains, their industry codes and the areas —
comes from the plan file (``[[chains]] industry_codes``, ``[[areas]]``). A :class:`RegisterConfig` carries
both; every other register module takes one rather than reading either file itself.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...plan.model import Plan
from ...plan.names import normalise_label

__all__ = ["REGISTER_CONFIG_FILE", "FieldSpec", "RegisterConfig", "load_register_config", "norm_key"]

REGISTER_CONFIG_FILE = Path(str(resources.files("chainplan_lib") / "config" / "industry_chains.toml"))


@dataclass(frozen=True)
class FieldSpec:
    name: str  # field id: name, uscc, area, revenue, industry_code, industry_name, year, chain, seq
    label: str  # the heading an error message names
    required: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RegisterConfig:
    threshold_wan: float
    industry_codes: dict[str, str]  # GB/T 4754 prefix (2-4 digits) -> chain id, from the plan
    other_labels: frozenset[str]
    missing: frozenset[str]
    fields: dict[str, FieldSpec]
    path: str
    plan: Plan  # chains, areas and industry codes

    @property
    def names(self):
        """The register's chain ids, names, areas and schemas for this plan."""
        from .schemas import register_names

        return register_names(self.plan)

    def alias_table(self) -> dict[str, tuple[str, int]]:
        """normalised heading -> (field, priority); lower priority wins when a field has several."""
        table: dict[str, tuple[str, int]] = {}
        for spec in self.fields.values():
            for pos, alias in enumerate(spec.aliases):
                table.setdefault(norm_key(alias), (spec.name, pos))
        return table


def norm_key(text: str) -> str:
    """A heading or label as compared: :func:`normalise_label`, lower case."""
    return normalise_label(text).lower()


def load_register_config(path: str | Path | None = None, *, plan: Plan) -> RegisterConfig:
    """The register config (accepted headings, threshold) with the plan's chains, areas and industry codes.

    ``plan``: the :class:`~chainplan_lib.plan.model.Plan` whose chains, industry codes and areas rows are read for.
    """
    return _load_config(str(path or REGISTER_CONFIG_FILE), plan)


@lru_cache(maxsize=8)
def _load_config(path: str, plan: Plan) -> RegisterConfig:
    try:
        with open(path, "rb") as fh:
            raw: dict[str, Any] = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read register config: {exc}", file=path) from None
    if "industry_codes" in raw:
        raise InputError("[industry_codes] is no longer read here: each chain's GB/T 4754 codes are in the plan "
                         "file ([[chains]] industry_codes = [...]); remove the table", file=path)
    codes = plan.industry_code_map()
    for key in codes:
        if not re.fullmatch(r"\d{2,4}", key):  # the plan loader checks this too
            raise InputError(f"industry code {key!r} is not a 2-4 digit GB/T 4754 code", file=plan.path)
    fields = {}
    for name, spec in raw.get("columns", {}).items():
        fields[name] = FieldSpec(name, spec.get("label", name), bool(spec.get("required", False)),
                                 tuple(spec.get("aliases", ())))
    for need in ("name", "uscc", "area", "revenue", "industry_code", "industry_name", "year", "chain", "seq"):
        if need not in fields:
            raise InputError(f"[columns.{need}] missing", file=path)
    return RegisterConfig(
        threshold_wan=float(raw["threshold"]["above_size_revenue_wan"]),
        industry_codes=codes,
        other_labels=frozenset(norm_key(x) for x in raw.get("chain_labels", {}).get("other", ())),
        missing=frozenset(norm_key(x) for x in raw.get("values", {}).get("missing", ())),
        fields=fields,
        path=path,
        plan=plan,
    )
