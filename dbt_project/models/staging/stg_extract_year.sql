-- The years present in the extracts, every loaded row counted (superseded versions too): fiscal
-- years, and the years of budget revision dates and realization transaction dates. core.dim_date
-- trims its spine to them. A view of cheap column scans of raw, so the calendar does not wait for
-- the large staging tables.
{{ config(materialized='view') }}
select fiscal_year as calendar_year from {{ source('raw', 'budget') }}
union select extract(year from revision_date) from {{ source('raw', 'budget') }} where revision_date is not null
union select fiscal_year from {{ source('raw', 'realization') }}
union select extract(year from transaction_date) from {{ source('raw', 'realization') }}
union select fiscal_year from {{ source('raw', 'budget_plan') }}
union select fiscal_year from {{ source('raw', 'output_volume') }}
union select fiscal_year from {{ source('raw', 'indicator') }}
