-- Spending lines (SP2D / LRA): the latest version per natural key (fiscal_year, work_unit_code,
-- document_no, output_code, account_code), so a corrected re-send replaces the earlier line.
-- Refunds and corrections stay as negative amounts. With the month the line counts in and the key
-- of its output in core.dim_program, so core.fact_realization is a plain projection of it.
--
-- A view: raw.realization already holds every line typed (the loader parses and quarantines),
-- so the latest versions are the raw rows that stg_realization_superseded does not name. A copy
-- of the largest extract (20M lines at SF 1) would cost a pass and its disk on every build; read
-- through this view, the anti-join against the superseded rows (a re-send's worth) is a hash
-- probe per line, and the keys are computed only where a reader selects them.
{{ config(materialized='view') }}
{{ stg_realization_select(source('raw', 'realization'), ref('stg_realization_superseded')) }}
