-- SAKIP evaluation result per institution, fiscal year and regulation: total_score = sum of the
-- component scores (each capped at its weight, see int_sakip_component_score), rounded to 2
-- decimals; grade from rule_sakip_grade (AA > 90-100 Sangat Memuaskan, A > 80-90 Memuaskan,
-- BB > 70-80 Sangat Baik, B > 60-70 Baik, CC > 50-60 Cukup, C > 30-50 Kurang, D 0-30 Sangat
-- Kurang; a score exactly on a boundary belongs to the lower band). A grade needs every component
-- of the regulation (complete): an incomplete evaluation has a partial total and no grade.
with components as (
    select * from {{ ref('int_sakip_component_score') }}
),

institutions as (
    select
        fiscal_year,
        instansi_code,
        regulation,
        max(instansi_name) as instansi_name,
        max(rule_id) as rule_id,
        count(case when is_known_component then 1 end) as expected_component_count,
        count(case when is_known_component and is_present then 1 end) as present_component_count,
        count(case when not is_known_component then 1 end) as unknown_component_count,
        sum(case when is_known_component and is_present then score end) as total_score,
        sum(case when is_known_component then weight end) as max_score
    from components
    group by fiscal_year, instansi_code, regulation
),

flagged as (
    select
        institutions.*,
        expected_component_count > 0
            and present_component_count = expected_component_count as complete
    from institutions
)

select
    {{ pbk_key(['f.fiscal_year', 'f.instansi_code', 'f.regulation']) }} as sakip_score_key,
    cast(f.fiscal_year as integer) as fiscal_year,
    f.instansi_code,
    f.instansi_name,
    f.regulation,
    cast(round(f.total_score, 2) as {{ pbk_double() }}) as total_score,
    cast(f.max_score as {{ pbk_double() }}) as max_score,
    cast(f.expected_component_count as bigint) as expected_component_count,
    cast(f.present_component_count as bigint) as present_component_count,
    cast(f.unknown_component_count as bigint) as unknown_component_count,
    f.complete,
    g.grade,
    g.grade_label,
    f.rule_id
from flagged as f
left join {{ ref('rule_sakip_grade') }} as g
    on g.rule_id = f.rule_id
    and f.complete
    and {{ in_band('f.total_score', 'g') }}
