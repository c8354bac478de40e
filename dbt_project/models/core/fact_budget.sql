-- Budget lines (pagu) at line x revision grain. A revision restates the work unit's whole
-- DIPA/DPA (DESIGN.md): the current budget of a unit for a fiscal year is the set of lines of its
-- highest revision_no (int_budget_revision), flagged is_current_revision; lines absent from it
-- were removed. Earlier revisions stay for history.
--
-- A view of staging.stg_budget (itself a view of the raw lines without the superseded ones) and
-- the current revision of each unit: the budget is stored once, in raw, and a new revision of one
-- unit changes nothing stored but its row of int_budget_revision. The published copy
-- (serving/publish.py) materialises it.
{{ config(materialized='view') }}
select
    b.budget_line_key,
    b.budget_item_key,
    b.fiscal_year,
    b.gov_level,
    b.instansi_code,
    b.work_unit_code,
    {{ pbk_key(['b.program_code', 'b.activity_code', 'b.output_code']) }} as program_key,
    b.program_code,
    b.activity_code,
    b.output_code,
    b.account_code,
    b.funding_source,
    b.revision_no,
    b.revision_date,
    r.current_revision_no,
    b.revision_no = r.current_revision_no as is_current_revision,
    b.budget_amount,
    coalesce(b.blocked_amount, cast(0 as decimal(38, 2))) as blocked_amount,
    b._load_id,
    b._source_file,
    b._source_sha256,
    b._source_row,
    b._ingested_at
from {{ ref('stg_budget') }} as b
join {{ ref('int_budget_revision') }} as r
    on r.fiscal_year = b.fiscal_year
    and r.work_unit_code = b.work_unit_code
