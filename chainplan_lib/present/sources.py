"""The plan's words on every page: indicator labels with units, the overall goal as the plan words it (10%左右),
and the source lines under tables and charts (the plan's 文号, its annex table, the registers read)."""

from __future__ import annotations

from ..plan.model import Plan, cn_count


def indicator_cn(plan: Plan) -> dict[str, str]:
    """Indicator id → its label with the unit, as table headers show it: {'revenue': '营业收入（亿元）', …}."""
    return {i.id: f"{i.label}（{i.unit}）" for i in plan.indicators}


def _table_name(p: Plan) -> str:
    return p.table_title[len(p.district):] if p.table_title.startswith(p.district) else p.table_title


def source_table(plan: Plan) -> str:
    """Source line for numbers from the annex table: 来源：湖政发〔2024〕2号 附件2《重点产业链目标预测表》（经清洗，见修复记录）."""
    return f"来源：{plan.reference or plan.title} {plan.table_section}《{_table_name(plan)}》（经清洗，见修复记录）"


def goal_text(plan: Plan, growth: float | None = None, qualifier: str | None = None) -> str:
    """The overall goal as the plan words it: '10%左右', '12%以上'; '' without one."""
    g = plan.overall_growth if growth is None else growth
    if g is None:
        return ""
    q = plan.overall_qualifier if qualifier is None else qualifier
    return f"{g:.0%}{q}"


def source_lines(tgt, register, *, plan: Plan, year: int | None = None) -> list[str]:
    """Data-source lines for the briefing's first page: plain text (file names from input), for
    :func:`chainplan_lib.present.briefing.title_html`, which escapes them. Only register files whose rows were
    used are listed — those with clean rows up to ``year`` (a copy whose rows all turned out to be duplicates of
    another file's is not a source)."""
    lines = [f"{plan.table_section} 原始提取：{str(tgt.source_file).rsplit('/', 1)[-1]}（清洗修复 {len(tgt.repairs)} 处，见数据说明）"]
    clean = register.clean
    if year is not None and len(clean):
        clean = clean[clean["year"] <= year]
    names = sorted({str(f).rsplit("/", 1)[-1] for f in clean.get("source_file", [])})
    tag = "（示例数据：合成，非真实统计）" if register.synthetic else ""
    lines.append(f"规上企业名录{tag}：{'、'.join(names)}" if names else
                 "规上企业名录：未提供（chainplan brief --registers 名录文件夹）")
    return lines


def source_targets(plan: Plan) -> str:
    """来源：湖政发〔2024〕2号附件2（经清洗）。"""
    return f"来源：{plan.reference}{plan.table_section}（经清洗）。"


def source_bands(plan: Plan, chain_id: str | None = None) -> str:
    """来源：湖政发〔2024〕2号附件1 一、(二)发展目标。"""
    b = plan.bands_for(chain_id) if chain_id else (plan.size_bands[0] if plan.size_bands else None)
    return f"来源：{plan.reference}{b.section if b else ''}。"


def n_chains_text(plan: Plan) -> str:
    return cn_count(len(plan.chains))
