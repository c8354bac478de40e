-- Spending lines (SP2D / LRA) at transaction-line grain: the latest version of every natural key
-- (fiscal_year, work_unit_code, document_no, output_code, account_code). Refunds and corrections
-- stay as negative amounts, so sums are net of refunds.
--
-- A view of staging.stg_realization (itself a view of the raw lines without the superseded
-- ones): the lines are stored once, in raw. The published copy (serving/publish.py) materialises it.
{{ config(materialized='view') }}
select
    realization_key,
    fiscal_year,
    transaction_date,
    period_month,
    document_no,
    work_unit_code,
    program_key,
    program_code,
    activity_code,
    output_code,
    account_code,
    funding_source,
    realized_amount,
    is_refund,
    description,
    {{ lineage_columns() }}
from {{ ref('stg_realization') }}
