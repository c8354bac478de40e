-- Budget relevance ("money follows program", PP 17/2017) per work unit and fiscal year: the share
-- of the current pagu that sits on outputs whose indicators cascade (parent chain, the ancestors
-- CTE below) up to an indicator of the rule's strategic level (sasaran strategis) that has a
-- target. An output's indicators are the indicator rows naming its output_code in the
-- same fiscal year, reported by the same work unit (or by its institution when the indicator
-- names no work unit). relevance_pct = relevant_budget_amount / budget_amount x 100.
{%- set max_depth = var('pbk_cascade_max_depth') | int %}
-- The closure of the indicator cascade (pohon kinerja, PermenPANRB 89/2021): every indicator with
-- each ancestor along parent_indicator_key (same fiscal year and institution, core.dim_indicator),
-- itself at depth 0. Walked with a fixed number of self-joins (var pbk_cascade_max_depth) rather
-- than a recursive CTE, so the SQL stays portable and a cycle in the data cannot loop forever.
with indicator_links as (
    select indicator_key, parent_indicator_key
    from {{ ref('dim_indicator') }}
),

depth_0 as (
    select indicator_key, indicator_key as ancestor_key, 0 as depth
    from indicator_links
)
{%- for d in range(1, max_depth + 1) %},

depth_{{ d }} as (
    select prev.indicator_key, l.parent_indicator_key as ancestor_key, {{ d }} as depth
    from depth_{{ d - 1 }} as prev
    join indicator_links as l
        on l.indicator_key = prev.ancestor_key
    where l.parent_indicator_key is not null
)
{%- endfor %},

all_depths as (
    {%- for d in range(0, max_depth + 1) %}
    select * from depth_{{ d }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

ancestors as (
    select indicator_key, ancestor_key, min(depth) as depth
    from all_depths
    group by indicator_key, ancestor_key
),

budget as (
    select fiscal_year, work_unit_code, instansi_code, output_code, sum(budget_amount) as budget_amount
    from {{ ref('fact_budget') }}
    where is_current_revision
    group by fiscal_year, work_unit_code, instansi_code, output_code
),

rules as (
    select * from {{ ref('rule_budget_relevance') }}
),

links as (
    select distinct fiscal_year, instansi_code, work_unit_code, output_code, indicator_key
    from {{ ref('fact_indicator_achievement') }}
    where output_code is not null
),

strategic_indicators as (
    select distinct a.indicator_key
    from ancestors as a
    join {{ ref('dim_indicator') }} as ancestor
        on ancestor.indicator_key = a.ancestor_key
    join rules as r
        on {{ rule_in_force('r', 'ancestor.fiscal_year') }}
        and ancestor.level = r.strategic_level
        and (not r.require_target or ancestor.target is not null)
),

outputs as (
    select
        b.fiscal_year,
        b.work_unit_code,
        b.instansi_code,
        b.output_code,
        b.budget_amount,
        max(case when l.indicator_key is not null then 1 else 0 end) as has_indicator,
        max(case when s.indicator_key is not null then 1 else 0 end) as is_relevant
    from budget as b
    left join links as l
        on l.fiscal_year = b.fiscal_year
        and l.output_code = b.output_code
        and (l.work_unit_code = b.work_unit_code
             or (l.work_unit_code is null and l.instansi_code = b.instansi_code))
    left join strategic_indicators as s
        on s.indicator_key = l.indicator_key
    group by b.fiscal_year, b.work_unit_code, b.instansi_code, b.output_code, b.budget_amount
),

units as (
    select
        fiscal_year,
        work_unit_code,
        max(instansi_code) as instansi_code,
        sum(budget_amount) as budget_amount,
        sum(case when is_relevant = 1 then budget_amount else 0 end) as relevant_budget_amount,
        count(*) as output_count,
        sum(has_indicator) as outputs_with_indicator_count,
        sum(is_relevant) as relevant_output_count
    from outputs
    group by fiscal_year, work_unit_code
)

select
    {{ pbk_key(['u.fiscal_year', 'u.work_unit_code']) }} as budget_relevance_key,
    cast(u.fiscal_year as integer) as fiscal_year,
    u.instansi_code,
    u.work_unit_code,
    cast(u.budget_amount as decimal(38, 2)) as budget_amount,
    cast(u.relevant_budget_amount as decimal(38, 2)) as relevant_budget_amount,
    {{ pbk_round('case when u.budget_amount > 0
        then cast(u.relevant_budget_amount as ' ~ pbk_double() ~ ') * 100 / cast(u.budget_amount as ' ~ pbk_double() ~ ')
    end') }} as relevance_pct,
    cast(u.output_count as bigint) as output_count,
    cast(u.outputs_with_indicator_count as bigint) as outputs_with_indicator_count,
    cast(u.relevant_output_count as bigint) as relevant_output_count,
    r.rule_id
from units as u
left join rules as r
    on {{ rule_in_force('r', 'u.fiscal_year') }}
