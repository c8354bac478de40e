-- Every quarantined row: the file, its data row, the field and value that broke the rule, the
-- rule (base/rule_catalogue.py) and why, the row's Rupiah when it parsed, and the row's cells as
-- read (JSON).
select
    load_id, source_file, kind, source_row, field, value, rule, reason,
    amount, raw_values, quarantined_at
from {{ source('ops', 'quarantine') }}
