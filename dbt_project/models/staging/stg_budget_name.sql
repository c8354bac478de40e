-- Every budget line ever loaded, superseded versions included, with its codes and names as loaded:
-- what the dimensions look names up in (names.sql latest_names). Names are never mandatory, so a
-- later load without names must not erase the name an earlier load gave (DESIGN.md "Canonical
-- codes"); stg_budget keeps only the latest version of each line and cannot answer that. A view:
-- each dimension reads the few columns it needs straight from raw.budget.
{{ config(materialized='view') }}
select
    fiscal_year,
    revision_no,
    instansi_code,
    instansi_name,
    work_unit_code,
    work_unit_name,
    program_code,
    program_name,
    activity_code,
    activity_name,
    output_code,
    output_name,
    account_code,
    account_name,
    _ingested_at,
    _source_row
from {{ source('raw', 'budget') }}
