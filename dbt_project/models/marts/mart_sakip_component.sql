-- SAKIP evaluation per institution, fiscal year, regulation and component: the component's score
-- against its weight (PermenPANRB 12/2015 or 88/2021), with the institution's total_score, grade
-- and completeness repeated on every row for BI convenience. Expected components without a score
-- appear with is_present = false; components the regulation does not know appear with
-- is_known_component = false and no weight (they do not count in the total).
select
    c.sakip_component_key,
    cast(c.fiscal_year as integer) as fiscal_year,
    c.instansi_code,
    c.instansi_name,
    c.regulation,
    c.component_code,
    c.component_name,
    cast(c.sort_order as integer) as sort_order,
    cast(c.weight as {{ pbk_double() }}) as weight,
    cast(c.raw_score as {{ pbk_double() }}) as raw_score,
    cast(c.score as {{ pbk_double() }}) as score,
    {{ pbk_round('case when c.weight > 0 then c.score * 100 / c.weight end') }} as score_pct_of_weight,
    c.is_known_component,
    c.is_present,
    c.has_total_row,
    cast(c.sub_component_count as bigint) as sub_component_count,
    s.total_score,
    s.complete,
    s.grade,
    s.grade_label,
    c.rule_id
from {{ ref('int_sakip_component_score') }} as c
left join {{ ref('mart_sakip_score') }} as s
    on s.fiscal_year = c.fiscal_year
    and s.instansi_code = c.instansi_code
    and s.regulation = c.regulation
