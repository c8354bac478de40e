-- Every data-quality rule result: per extract file its parse, row and batch rules (load_id set),
-- per dbt run the mart checks (run_id set). unexpected_count is in rows of the batch (units for a
-- per-unit warning, mart rows for a mart check).
select
    load_id, run_id, source_file, suite, rule, "column", severity, success,
    unexpected_count, sample, message, checked_at
from {{ source('ops', 'dq_results') }}
