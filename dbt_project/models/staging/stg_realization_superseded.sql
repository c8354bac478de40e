-- Realization lines replaced by a later version of their natural key (fiscal_year,
-- work_unit_code, document_no, output_code, account_code): a corrected re-send supersedes the
-- line it corrects. One row per superseded raw row (_load_id, _source_row), with the row that
-- replaces it, so an auditor can follow a correction from the old line to the new.
--
-- Rebuilt every run from raw (macros/staging.sql superseded_versions): one aggregate over the
-- extract and a ranking of the few repeated keys, cheaper than keeping a copy of the extract up
-- to date. stg_realization is raw.realization without these rows.
{{ superseded_versions(source('raw', 'realization'), realization_natural_key()) }}
