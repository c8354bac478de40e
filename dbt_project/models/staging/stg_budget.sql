-- Budget lines (pagu), one row per line and revision: the latest version per natural key
-- (fiscal_year, work_unit_code, program_code, activity_code, output_code, account_code,
-- funding_source, revision_no; NULL funding source = ''), typed and renamed. Earlier revisions are
-- kept: fact_budget flags the current one (a revision restates the unit's whole budget).
--
-- A view, as stg_realization: raw.budget holds every line typed (the loader parses and
-- quarantines), so the latest versions are the raw rows stg_budget_superseded does not name, and
-- the budget (5M lines at SF 1) is stored once.
{{ config(materialized='view') }}
{{ stg_budget_select(source('raw', 'budget'), ref('stg_budget_superseded')) }}
