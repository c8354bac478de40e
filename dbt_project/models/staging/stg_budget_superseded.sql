-- Budget lines replaced by a later version of their natural key (fiscal_year, work_unit_code,
-- program_code, activity_code, output_code, account_code, funding_source, revision_no): the same
-- revision sent again supersedes its earlier lines (a new revision_no is a new line, not a new
-- version). One row per superseded raw row (_load_id, _source_row), with the row that replaces it.
--
-- Rebuilt every run from raw (macros/staging.sql superseded_versions): one aggregate over the
-- extract and a ranking of the repeated keys. stg_budget is raw.budget without these rows.
{{ superseded_versions(source('raw', 'budget'), budget_natural_key()) }}
