-- SAKIP score per institution, regulation and component, against the components its regulation
-- expects (rule_sakip_component). The component score is the component's total row when the LKE
-- has one, otherwise the sum of its sub-components (each capped at its weight in
-- rule_sakip_subcomponent when known); either way a component score cannot exceed the component
-- weight (PermenPANRB 12/2015, 88/2021) nor go below 0. Expected components without a score are
-- kept (is_present = false): they make the evaluation incomplete, and an incomplete evaluation
-- gets no grade.
with evaluations as (
    -- the staged LKE rows (those of core.fact_sakip_evaluation); no sub-component = the total
    select *, sub_component_code is null as is_component_total
    from {{ ref('stg_sakip_evaluation') }}
),

institutions as (
    select fiscal_year, instansi_code, regulation, max(instansi_name) as instansi_name
    from evaluations
    group by fiscal_year, instansi_code, regulation
),

expected as (
    select
        i.fiscal_year, i.instansi_code, i.regulation,
        c.rule_id, c.component_code, c.component_name, c.weight, c.sort_order
    from institutions as i
    join {{ ref('rule_sakip_component') }} as c
        on c.regulation = i.regulation
        and {{ rule_in_force('c', 'i.fiscal_year') }}
),

institution_rules as (
    select distinct fiscal_year, instansi_code, regulation, rule_id
    from expected
),

observed as (
    select
        e.fiscal_year,
        e.instansi_code,
        e.regulation,
        e.component_code,
        sum(case when e.is_component_total then e.score end) as total_row_score,
        sum(case when not e.is_component_total then
            case when s.weight is not null and e.score > s.weight then s.weight else e.score end
        end) as sub_component_sum,
        count(case when not e.is_component_total then 1 end) as sub_component_count,
        count(case when e.is_component_total then 1 end) as total_row_count
    from evaluations as e
    left join {{ ref('rule_sakip_subcomponent') }} as s
        on s.regulation = e.regulation
        and s.component_code = e.component_code
        and s.sub_component_code = e.sub_component_code
        and {{ rule_in_force('s', 'e.fiscal_year') }}
    group by e.fiscal_year, e.instansi_code, e.regulation, e.component_code
),

joined as (
    select
        coalesce(x.fiscal_year, o.fiscal_year) as fiscal_year,
        coalesce(x.instansi_code, o.instansi_code) as instansi_code,
        coalesce(x.regulation, o.regulation) as regulation,
        coalesce(x.component_code, o.component_code) as component_code,
        x.rule_id,
        x.component_name,
        x.weight,
        x.sort_order,
        x.component_code is not null as is_known_component,
        o.component_code is not null as is_present,
        case when o.total_row_count > 0 then o.total_row_score else o.sub_component_sum end as raw_score,
        coalesce(o.sub_component_count, 0) as sub_component_count,
        coalesce(o.total_row_count, 0) > 0 as has_total_row
    from expected as x
    full outer join observed as o
        on o.fiscal_year = x.fiscal_year
        and o.instansi_code = x.instansi_code
        and o.regulation = x.regulation
        and o.component_code = x.component_code
)

select
    {{ pbk_key(['j.fiscal_year', 'j.instansi_code', 'j.regulation', 'j.component_code']) }} as sakip_component_key,
    j.fiscal_year,
    j.instansi_code,
    i.instansi_name,
    j.regulation,
    j.component_code,
    j.component_name,
    j.weight,
    j.sort_order,
    j.is_known_component,
    j.is_present,
    j.has_total_row,
    j.sub_component_count,
    j.raw_score,
    case
        when j.raw_score is null or j.weight is null then null
        when j.raw_score > j.weight then j.weight
        when j.raw_score < 0 then cast(0 as {{ pbk_double() }})
        else j.raw_score
    end as score,
    coalesce(j.rule_id, r.rule_id) as rule_id
from joined as j
left join institutions as i
    on i.fiscal_year = j.fiscal_year
    and i.instansi_code = j.instansi_code
    and i.regulation = j.regulation
left join institution_rules as r
    on r.fiscal_year = j.fiscal_year
    and r.instansi_code = j.instansi_code
    and r.regulation = j.regulation
