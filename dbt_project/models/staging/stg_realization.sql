-- Spending lines (SP2D / LRA): the latest version per natural key (fiscal_year, work_unit_code,
-- document_no, output_code, account_code), so a corrected re-send replaces the earlier line.
-- Refunds and corrections stay as negative amounts. A view: core.fact_realization materialises
-- it (incrementally, through the same macro stg_realization_select), so it stays a view: read once
-- by a full refresh, never by an incremental run.
{{ config(materialized='view') }}
{{ stg_realization_select(source('raw', 'realization')) }}
