-- Performance indicators per fiscal year and institution (a Perjanjian Kinerja is annual, so the
-- cascade can change from year to year): level (tujuan > sasaran_strategis > program > kegiatan >
-- output), polarity, unit, annual target and the parent indicator for cascading.
-- indicator_key = hash of (fiscal_year, instansi_code, indicator_code). Attributes come from the
-- latest report of the year (highest period_month, then latest ingestion). The parent is looked up
-- in the same fiscal year and institution; a parent code that does not exist there leaves
-- parent_indicator_key NULL (is_parent_missing).
with latest as (
    select * from (
        select
            i.*,
            row_number() over (
                partition by fiscal_year, instansi_code, indicator_code
                order by period_month desc, _ingested_at desc, _load_id desc, _source_row desc
            ) as rn
        from {{ ref('stg_indicator') }} as i
    ) as ranked
    where rn = 1
),

keys as (
    select fiscal_year, instansi_code, indicator_code from latest
)

select
    {{ pbk_key(['l.fiscal_year', 'l.instansi_code', 'l.indicator_code']) }} as indicator_key,
    l.fiscal_year,
    l.instansi_code,
    l.indicator_code,
    l.indicator_name,
    l.level,
    case l.level
        when 'tujuan' then 1
        when 'sasaran_strategis' then 2
        when 'program' then 3
        when 'kegiatan' then 4
        when 'output' then 5
    end as level_rank,
    l.polarity,
    l.unit,
    l.target,
    l.target_upper,
    l.parent_indicator_code,
    case when p.indicator_code is not null
        then {{ pbk_key(['l.fiscal_year', 'l.instansi_code', 'l.parent_indicator_code']) }}
    end as parent_indicator_key,
    l.parent_indicator_code is not null and p.indicator_code is null as is_parent_missing,
    l.program_code,
    l.activity_code,
    l.output_code,
    l.work_unit_code,
    l.period_month as latest_period_month
from latest as l
left join keys as p
    on p.fiscal_year = l.fiscal_year
    and p.instansi_code = l.instansi_code
    and p.indicator_code = l.parent_indicator_code
