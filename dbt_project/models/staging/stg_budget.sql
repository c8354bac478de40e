{{
    config(
        materialized='incremental',
        unique_key='budget_line_key',
        incremental_strategy=pbk_incremental_strategy(),
        on_schema_change='fail'
    )
}}
-- Budget lines (pagu), one row per line and revision: the latest version per natural key
-- (fiscal_year, work_unit_code, program_code, activity_code, output_code, account_code,
-- funding_source, revision_no; NULL funding source = ''), typed and renamed. Earlier revisions are
-- kept: fact_budget flags the current one (a revision restates the unit's whole budget).
--
-- The budget is the largest extract after realization and is read by the fact and three
-- dimensions, so this staging model is a table maintained incrementally by load: a run
-- re-derives the latest version of the natural keys that appear in loads not yet in the table
-- (delete+insert on budget_line_key); a full refresh derives all of them. Both give the same rows.
{% if is_incremental() %}
{{ stg_budget_select(rows_of_touched_keys(source('raw', 'budget'), budget_natural_key(), this)) }}
{% else %}
{{ stg_budget_select(source('raw', 'budget')) }}
{% endif %}
