-- A table: read by core.fact_budget (a view) on every read of it, and by int_work_unit_output.
{{ config(materialized='table') }}
-- The current budget revision of every work unit and fiscal year: its highest revision_no
-- (DESIGN.md: a revision restates the unit's whole DIPA/DPA; lines absent from it were removed).
select
    fiscal_year,
    work_unit_code,
    max(revision_no) as current_revision_no
from {{ ref('stg_budget') }}
group by fiscal_year, work_unit_code
