-- The load log as auditors read it in the published copy: one row per file a run looked at, with
-- its rows and Rupiah accounted (read = loaded + quarantined). A view: published as it stands
-- when the night's checks are done.
select
    load_id, source_file, source_path, source_sha256, kind, status,
    rows_read, rows_loaded, rows_quarantined,
    amount_read, amount_loaded, amount_quarantined, rows_amount_unparsed,
    message, file_format, encoding, bytes, seconds, scope, coverage_cells,
    started_at, finished_at, archived_to
from {{ source('ops', 'load_log') }}
