"""Where rule results are kept (importing this does not import GX)."""

DQ_RESULTS_DDL = """CREATE TABLE IF NOT EXISTS ops.dq_results (
    load_id VARCHAR, run_id VARCHAR, suite VARCHAR, rule VARCHAR, "column" VARCHAR,
    severity VARCHAR, success BOOLEAN, unexpected_count BIGINT, sample JSON, message VARCHAR,
    source_file VARCHAR, checked_at TIMESTAMP)"""
