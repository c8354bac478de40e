-- floor_marts.sql: the benchmark's floor (scripts/bench_pipeline.py, docs/performance.md).
--
-- What the warehouse computes for marts.mart_absorption and marts.mart_budget_performance, written
-- by hand as plain DuckDB SQL over the generated CSV files: no dbt, no Dagster, no
-- Great Expectations, no lineage columns, no tests, no publish. Its time, memory and disk are
-- the floor the project's figures are compared with, and its figures must equal the marts' on
-- every row (the benchmark checks that; tests/dbt_project/test_floor_matches_marts.py does on the demo
-- scale), so the comparison is like for like.
--
-- Three sections, run by the benchmark one at a time (each "-- @section NAME" line starts one):
--   load        read the seven extract files of @EXTRACTS@ (canonical layout, as `pbk generate`
--               writes them: comma-separated, RFC 4180 quotes, UTF-8; the dialect is given, not
--               sniffed) with read_csv, every cell as text, typed in SQL with the Indonesian
--               parsing the loader applies (amounts `1.234.567,89`, `Rp 1.234.567`, `(1.234,00)`,
--               plain `1234567` or `1234567.89`; dates ISO, `31/12/2025`, `31 Desember 2025`);
--               generated files with dirty_fraction 0 hold plain integers and ISO dates only, so
--               the fast paths (a bare integer, an ISO date) read every cell of them.
--   append_day  add one more SP2D file (@DAY_FILE@): a line re-sent with the natural key of an
--               earlier one replaces it (latest load wins, DESIGN.md), so the realization table
--               always holds the latest version of each key and the marts need no version window.
--   marts       (re)build mart_absorption and mart_budget_performance from the loaded tables.
-- The nightly floor is append_day followed by marts.
--
-- Simplifications a one-off script may make and the warehouse may not:
--   * The rules are hard-coded for the fiscal years the generator writes (FY 2025; FY >= 2024):
--     absorption IKPA-PER-5-PB-2024 (pagu minus blokir; IKPA quarterly targets per spending
--     category, the aggregate 15/40/60/90 for the others; deviation tolerance 5 %), efficiency
--     EFF-PMK-214-2017 (ratio of sums, E clamped to [-20, 20], NE 0..100), output achievement
--     CK-PMK-214-2017 (CK floored at 0, no cap), NKA-PMK-249-2011 (weights 9.7 / 18.2 / 43.5 /
--     28.6, P capped at 100, K floored at 0) with the PMK 2/PMK.02/2021 categories. The marts
--     read the same rules from dbt_project/seeds/rules/.
--   * Within one file every natural key appears once (true of generated files); duplicates
--     inside a file are not resolved.
--   * No quarantine: every cell of the generated files parses.

-- @section load
CREATE OR REPLACE MACRO idr_amount(cell) AS (
    CASE
        WHEN cell IS NULL OR trim(cell) = '' THEN NULL
        -- fast path: a bare integer (every amount of a machine export)
        WHEN regexp_full_match(cell, '-?[0-9]{1,18}') THEN CAST(cell AS DECIMAL(38, 2))
        ELSE
            (CASE WHEN regexp_matches(cell, '^\s*\(.*\)\s*$|^[\s(]*(Rp\.?)?\s*-|-\s*\)?\s*$')
                  THEN -1 ELSE 1 END)
            * (CASE
                  -- plain decimal point with cents (1234567.89): thousands never have 2 digits
                  WHEN regexp_full_match(regexp_replace(cell, '[^0-9.,]', '', 'g'), '[0-9]+\.[0-9]{1,2}')
                      THEN TRY_CAST(regexp_replace(cell, '[^0-9.]', '', 'g') AS DECIMAL(38, 2))
                  -- Indonesian: '.' groups thousands, ',' is the decimal mark (1.234.567,89)
                  ELSE TRY_CAST(replace(replace(regexp_replace(cell, '[^0-9.,]', '', 'g'), '.', ''),
                                        ',', '.') AS DECIMAL(38, 2))
              END)
    END
);

-- a measured number (volume, indicator value, score): a decimal point, or an Indonesian comma
CREATE OR REPLACE MACRO id_number(cell) AS (
    coalesce(TRY_CAST(cell AS DOUBLE), TRY_CAST(replace(replace(cell, '.', ''), ',', '.') AS DOUBLE))
);

CREATE OR REPLACE MACRO id_month(name) AS (
    CASE lower(name)
        WHEN 'januari' THEN 1 WHEN 'februari' THEN 2 WHEN 'maret' THEN 3 WHEN 'april' THEN 4
        WHEN 'mei' THEN 5 WHEN 'juni' THEN 6 WHEN 'juli' THEN 7 WHEN 'agustus' THEN 8
        WHEN 'september' THEN 9 WHEN 'oktober' THEN 10 WHEN 'november' THEN 11
        WHEN 'desember' THEN 12
    END
);

CREATE OR REPLACE MACRO id_date(cell) AS (
    coalesce(
        TRY_CAST(cell AS DATE),                                    -- ISO, the fast path
        TRY_CAST(try_strptime(trim(cell), '%d/%m/%Y') AS DATE),    -- 31/12/2025
        try(make_date(                                             -- 31 Desember 2025
            TRY_CAST(regexp_extract(trim(cell), '([0-9]{4})$', 1) AS INTEGER),
            id_month(regexp_extract(trim(cell), '^[0-9]{1,2}\s+([A-Za-z]+)', 1)),
            TRY_CAST(regexp_extract(trim(cell), '^([0-9]{1,2})', 1) AS INTEGER)))
    )
);

CREATE OR REPLACE MACRO clean_code(cell) AS (nullif(trim(cell), ''));

CREATE OR REPLACE TABLE budget AS
SELECT CAST(fiscal_year AS INTEGER) AS fiscal_year, clean_code(gov_level) AS gov_level,
       clean_code(instansi_code) AS instansi_code, instansi_name,
       clean_code(work_unit_code) AS work_unit_code, work_unit_name,
       clean_code(program_code) AS program_code, program_name,
       clean_code(activity_code) AS activity_code, activity_name,
       clean_code(output_code) AS output_code, output_name,
       clean_code(account_code) AS account_code, account_name,
       clean_code(funding_source) AS funding_source,
       idr_amount(amount) AS amount,
       CAST(revision_no AS INTEGER) AS revision_no,
       id_date(revision_date) AS revision_date,
       idr_amount(blocked_amount) AS blocked_amount
FROM read_csv('@EXTRACTS@/budget.csv', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

CREATE OR REPLACE TABLE budget_plan AS
SELECT CAST(fiscal_year AS INTEGER) AS fiscal_year, clean_code(work_unit_code) AS work_unit_code,
       clean_code(spending_type) AS spending_type, CAST(month AS INTEGER) AS month,
       idr_amount(planned_amount) AS planned_amount, CAST(revision_no AS INTEGER) AS revision_no
FROM read_csv('@EXTRACTS@/budget_plan.csv', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

CREATE OR REPLACE TABLE realization AS
SELECT CAST(fiscal_year AS INTEGER) AS fiscal_year, id_date(transaction_date) AS transaction_date,
       clean_code(document_no) AS document_no, clean_code(work_unit_code) AS work_unit_code,
       clean_code(program_code) AS program_code, clean_code(activity_code) AS activity_code,
       clean_code(output_code) AS output_code, clean_code(account_code) AS account_code,
       clean_code(funding_source) AS funding_source, idr_amount(amount) AS amount, description
FROM read_csv('@EXTRACTS@/realization.csv', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

CREATE OR REPLACE TABLE output_volume AS
SELECT CAST(fiscal_year AS INTEGER) AS fiscal_year, CAST(period_month AS INTEGER) AS period_month,
       clean_code(work_unit_code) AS work_unit_code, clean_code(output_code) AS output_code, output_unit,
       id_number(target_volume) AS target_volume, id_number(realized_volume) AS realized_volume,
       clean_code(cost_standard_code) AS cost_standard_code
FROM read_csv('@EXTRACTS@/output_volume.csv', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

-- the three small kinds are not read by the two marts; they are loaded so that the floor's load
-- reads the same files as the project's ingest
CREATE OR REPLACE TABLE indicator AS
SELECT CAST(fiscal_year AS INTEGER) AS fiscal_year, CAST(period_month AS INTEGER) AS period_month,
       clean_code(instansi_code) AS instansi_code, clean_code(work_unit_code) AS work_unit_code,
       clean_code(indicator_code) AS indicator_code, indicator_name, level,
       clean_code(parent_indicator_code) AS parent_indicator_code, clean_code(program_code) AS program_code,
       clean_code(activity_code) AS activity_code, clean_code(output_code) AS output_code, unit, polarity,
       id_number(target) AS target, id_number(target_upper) AS target_upper,
       id_number(realization) AS realization
FROM read_csv('@EXTRACTS@/indicator.csv', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

CREATE OR REPLACE TABLE sakip_evaluation AS
SELECT CAST(fiscal_year AS INTEGER) AS fiscal_year, clean_code(instansi_code) AS instansi_code,
       instansi_name, regulation, clean_code(component_code) AS component_code,
       clean_code(sub_component_code) AS sub_component_code, id_number(score) AS score, evaluator
FROM read_csv('@EXTRACTS@/sakip_evaluation.csv', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

CREATE OR REPLACE TABLE cost_standard AS
SELECT CAST(fiscal_year AS INTEGER) AS fiscal_year, standard_type,
       clean_code(standard_code) AS standard_code, description, unit, clean_code(region_code) AS region_code,
       idr_amount(unit_cost) AS unit_cost
FROM read_csv('@EXTRACTS@/cost_standard.csv', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

-- @section append_day
CREATE OR REPLACE TEMP TABLE day AS
SELECT CAST(fiscal_year AS INTEGER) AS fiscal_year, id_date(transaction_date) AS transaction_date,
       clean_code(document_no) AS document_no, clean_code(work_unit_code) AS work_unit_code,
       clean_code(program_code) AS program_code, clean_code(activity_code) AS activity_code,
       clean_code(output_code) AS output_code, clean_code(account_code) AS account_code,
       clean_code(funding_source) AS funding_source, idr_amount(amount) AS amount, description
FROM read_csv('@DAY_FILE@', header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

-- latest load wins: a re-sent line replaces the line with its natural key
DELETE FROM realization AS r
USING day AS d
WHERE r.fiscal_year = d.fiscal_year AND r.work_unit_code = d.work_unit_code
  AND r.document_no = d.document_no AND r.output_code = d.output_code
  AND r.account_code = d.account_code;

INSERT INTO realization SELECT * FROM day;

-- @section marts
-- conformed spending category of a native account code or spending type (ref_spending_type):
-- central 51 pegawai, 52 barang, 53 modal, 56 hibah, 57 bansos; regional 5.1.01 pegawai,
-- 5.1.02 barang, 5.1.05 hibah, 5.1.06 bansos, 5.2 modal; everything else lainnya
CREATE OR REPLACE MACRO spending_category_of(c) AS (
    CASE
        WHEN c NOT LIKE '%.%' THEN
            CASE substr(c, 1, 2) WHEN '51' THEN 'pegawai' WHEN '52' THEN 'barang'
                 WHEN '53' THEN 'modal' WHEN '56' THEN 'hibah' WHEN '57' THEN 'bansos'
                 ELSE 'lainnya' END
        WHEN c LIKE '5.1.%' THEN
            CASE substr(c, 1, 6) WHEN '5.1.01' THEN 'pegawai' WHEN '5.1.02' THEN 'barang'
                 WHEN '5.1.05' THEN 'hibah' WHEN '5.1.06' THEN 'bansos' ELSE 'lainnya' END
        WHEN substr(c, 1, 3) = '5.2' THEN 'modal'
        ELSE 'lainnya'
    END
);

-- IKPA cumulative quarterly targets, PER-5/PB/2024 ('*' = the aggregate, for the other categories)
CREATE OR REPLACE TEMP TABLE ikpa_target (spending_category VARCHAR, quarter INTEGER, target_pct DOUBLE);
INSERT INTO ikpa_target VALUES
    ('pegawai', 1, 20), ('pegawai', 2, 50), ('pegawai', 3, 75), ('pegawai', 4, 95),
    ('barang', 1, 15), ('barang', 2, 50), ('barang', 3, 70), ('barang', 4, 90),
    ('modal', 1, 10), ('modal', 2, 40), ('modal', 3, 70), ('modal', 4, 90),
    ('bansos', 1, 25), ('bansos', 2, 50), ('bansos', 3, 75), ('bansos', 4, 95),
    ('*', 1, 15), ('*', 2, 40), ('*', 3, 60), ('*', 4, 90);

-- x bounded to [lo, hi]; NULL stays NULL, a NULL bound is open
CREATE OR REPLACE MACRO clamp(x, lo, hi) AS (
    CASE WHEN x IS NULL THEN NULL WHEN hi IS NOT NULL AND x > hi THEN hi
         WHEN lo IS NOT NULL AND x < lo THEN lo ELSE x END
);

-- the work unit's institution: from its budget lines, else the pemda part of an SKPD code
CREATE OR REPLACE TEMP TABLE unit_instansi AS
SELECT work_unit_code, max(instansi_code) AS instansi_code FROM budget GROUP BY work_unit_code;

-- the current budget: the lines of the unit's highest revision
CREATE OR REPLACE TEMP TABLE budget_current AS
SELECT * FROM budget
QUALIFY revision_no = max(revision_no) OVER (PARTITION BY fiscal_year, work_unit_code);

CREATE OR REPLACE TEMP TABLE realization_month AS
SELECT *,
       CAST(CASE WHEN year(transaction_date) < fiscal_year THEN 1
                 WHEN year(transaction_date) > fiscal_year THEN 12
                 ELSE month(transaction_date) END AS INTEGER) AS period_month
FROM realization;

CREATE OR REPLACE TABLE mart_absorption AS
WITH current_budget AS (
    SELECT fiscal_year, work_unit_code, program_code, spending_category_of(account_code) AS spending_category,
           sum(amount) AS budget_amount, sum(coalesce(blocked_amount, 0)) AS blocked_amount,
           max(revision_no) AS current_revision_no
    FROM budget_current
    GROUP BY ALL
),
realized_month AS (
    SELECT fiscal_year, work_unit_code, program_code, spending_category_of(account_code) AS spending_category,
           period_month AS month, sum(amount) AS realized_amount,
           sum(CASE WHEN amount < 0 THEN amount ELSE 0 END) AS refund_amount
    FROM realization_month
    GROUP BY ALL
),
plan_month AS (
    SELECT fiscal_year, work_unit_code, spending_category_of(spending_type) AS spending_category, month,
           sum(planned_amount) AS planned_amount
    FROM (SELECT * FROM budget_plan
          QUALIFY coalesce(revision_no, 0)
                  = max(coalesce(revision_no, 0)) OVER (PARTITION BY fiscal_year, work_unit_code))
    GROUP BY ALL
),
as_of AS (
    SELECT fiscal_year, max(period_month) AS as_of_month FROM realization_month GROUP BY ALL
),
program_grain AS (
    SELECT fiscal_year, work_unit_code, program_code, spending_category FROM current_budget
    UNION
    SELECT fiscal_year, work_unit_code, program_code, spending_category FROM realized_month
),
program_budget AS (
    SELECT g.*, coalesce(cb.budget_amount, 0) AS budget_amount,
           sum(coalesce(cb.budget_amount, 0)) OVER category AS category_budget_amount,
           count(*) OVER category AS program_count
    FROM program_grain AS g
    LEFT JOIN current_budget AS cb USING (fiscal_year, work_unit_code, program_code, spending_category)
    WINDOW category AS (PARTITION BY g.fiscal_year, g.work_unit_code, g.spending_category)
),
-- the plan is per unit and category: shared over the category's programs by their pagu (equally
-- when it is 0); a category planned but without budget or realization gets a NULL program
grain AS (
    SELECT fiscal_year, work_unit_code, program_code, spending_category,
           CASE WHEN category_budget_amount > 0
                THEN CAST(budget_amount AS DOUBLE) / category_budget_amount
                ELSE 1.0 / program_count END AS plan_share
    FROM program_budget
    UNION ALL
    SELECT DISTINCT p.fiscal_year, p.work_unit_code, NULL, p.spending_category, 1.0
    FROM plan_month AS p
    ANTI JOIN program_grain AS g USING (fiscal_year, work_unit_code, spending_category)
),
measured AS (
    SELECT g.fiscal_year, m.month, (m.month + 2) // 3 AS quarter, a.as_of_month,
           g.work_unit_code, g.program_code, g.spending_category, g.plan_share,
           CAST(coalesce(cb.budget_amount, 0) AS DECIMAL(38, 2)) AS budget_amount,
           CAST(coalesce(cb.blocked_amount, 0) AS DECIMAL(38, 2)) AS blocked_amount,
           CAST(coalesce(rm.realized_amount, 0) AS DECIMAL(38, 2)) AS realized_amount,
           CAST(coalesce(rm.refund_amount, 0) AS DECIMAL(38, 2)) AS refund_amount,
           CAST(coalesce(p.planned_amount, 0) * g.plan_share AS DECIMAL(38, 2)) AS planned_amount
    FROM grain AS g
    LEFT JOIN as_of AS a USING (fiscal_year)
    JOIN range(1, 13) AS m(month) ON m.month <= coalesce(a.as_of_month, 12)
    LEFT JOIN current_budget AS cb
        ON cb.fiscal_year = g.fiscal_year AND cb.work_unit_code = g.work_unit_code
        AND cb.program_code = g.program_code AND cb.spending_category = g.spending_category
    LEFT JOIN realized_month AS rm
        ON rm.fiscal_year = g.fiscal_year AND rm.work_unit_code = g.work_unit_code
        AND rm.program_code = g.program_code AND rm.spending_category = g.spending_category
        AND rm.month = m.month
    LEFT JOIN plan_month AS p
        ON p.fiscal_year = g.fiscal_year AND p.work_unit_code = g.work_unit_code
        AND p.spending_category = g.spending_category AND p.month = m.month
),
scored AS (
    SELECT c.*,
           c.budget_amount - c.blocked_amount AS absorption_base_amount,        -- deduct blokir
           CASE WHEN absorption_base_amount > 0
                THEN CAST(c.realized_cumulative AS DOUBLE) * 100 / CAST(absorption_base_amount AS DOUBLE)
           END AS absorption_pct,
           CASE WHEN c.planned_amount > 0
                THEN abs(CAST(c.realized_amount AS DOUBLE) - CAST(c.planned_amount AS DOUBLE)) * 100
                     / CAST(c.planned_amount AS DOUBLE)
           END AS deviation_pct,
           coalesce(t.target_pct, t_all.target_pct) AS quarter_target_pct,
           CASE WHEN c.quarter = 1 THEN 0 ELSE coalesce(tp.target_pct, tp_all.target_pct) END
               AS previous_quarter_target_pct,
           previous_quarter_target_pct
               + (quarter_target_pct - previous_quarter_target_pct) * (c.month - 3 * (c.quarter - 1)) / 3.0
               AS month_target_pct
    FROM (
        SELECT *,
               sum(realized_amount) OVER unit_months AS realized_cumulative,
               sum(planned_amount) OVER unit_months AS planned_cumulative
        FROM measured
        WINDOW unit_months AS (PARTITION BY fiscal_year, work_unit_code, program_code, spending_category
                               ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ) AS c
    LEFT JOIN ikpa_target AS t ON t.spending_category = c.spending_category AND t.quarter = c.quarter
    LEFT JOIN ikpa_target AS t_all ON t_all.spending_category = '*' AND t_all.quarter = c.quarter
    LEFT JOIN ikpa_target AS tp
        ON tp.spending_category = c.spending_category AND tp.quarter = c.quarter - 1
    LEFT JOIN ikpa_target AS tp_all ON tp_all.spending_category = '*' AND tp_all.quarter = c.quarter - 1
)
SELECT s.fiscal_year, s.month, s.quarter, s.as_of_month,
       coalesce(u.instansi_code,
                CASE WHEN s.work_unit_code LIKE '%.%' AND length(s.work_unit_code) IN (25, 28)
                     THEN substr(s.work_unit_code, 1, length(s.work_unit_code) - 23) END)
           AS instansi_code,
       s.work_unit_code, s.program_code, s.spending_category,
       s.budget_amount, s.blocked_amount, s.absorption_base_amount, s.realized_amount,
       s.refund_amount, s.realized_cumulative,
       round(s.absorption_pct, 6) AS absorption_pct,
       s.planned_amount, s.planned_cumulative,
       round(s.plan_share, 9) AS plan_share,
       round(s.deviation_pct, 6) AS deviation_pct,
       s.deviation_pct <= 5 AS deviation_within_tolerance,
       CAST(s.quarter_target_pct AS DOUBLE) AS quarter_target_pct,
       round(s.month_target_pct, 6) AS month_target_pct,
       s.absorption_pct >= s.month_target_pct AS on_track,
       'IKPA-PER-5-PB-2024' AS rule_id
FROM scored AS s
LEFT JOIN unit_instansi AS u USING (work_unit_code);

CREATE OR REPLACE TABLE mart_budget_performance AS
WITH output_candidates AS (
    -- where an output sits (program, activity): the current budget first, then earlier
    -- revisions, then realization lines; the largest amount wins, then the lowest codes
    SELECT fiscal_year, work_unit_code, output_code, program_code, activity_code,
           CASE WHEN revision_no = max(revision_no) OVER (PARTITION BY fiscal_year, work_unit_code)
                THEN 1 ELSE 2 END AS priority, amount
    FROM budget
    UNION ALL
    SELECT fiscal_year, work_unit_code, output_code, program_code, activity_code, 3, abs(amount)
    FROM realization
),
resolved AS (
    SELECT fiscal_year, work_unit_code, output_code, program_code, activity_code
    FROM (SELECT fiscal_year, work_unit_code, output_code, program_code, activity_code, priority,
                 sum(amount) AS amount
          FROM output_candidates GROUP BY ALL)
    QUALIFY row_number() OVER (PARTITION BY fiscal_year, work_unit_code, output_code
                               ORDER BY priority, amount DESC, program_code, activity_code) = 1
),
outputs AS (
    SELECT * FROM resolved
    UNION ALL
    SELECT DISTINCT v.fiscal_year, v.work_unit_code, v.output_code, NULL, NULL
    FROM output_volume AS v
    ANTI JOIN resolved AS r USING (fiscal_year, work_unit_code, output_code)
),
pak AS (
    SELECT fiscal_year, work_unit_code, output_code, sum(amount) AS budget_amount
    FROM budget_current GROUP BY ALL
),
rak AS (
    SELECT fiscal_year, work_unit_code, output_code, sum(amount) AS realized_amount
    FROM realization GROUP BY ALL
),
latest_volume AS (     -- CK of the latest volume report of the year, floored at 0, no cap
    SELECT fiscal_year, work_unit_code, output_code,
           clamp(round(CASE WHEN target_volume > 0 AND realized_volume IS NOT NULL
                            THEN realized_volume * 100 / target_volume END, 6), 0, NULL) AS output_achievement
    FROM output_volume
    QUALIFY row_number() OVER (PARTITION BY fiscal_year, work_unit_code, output_code
                               ORDER BY period_month DESC) = 1
),
efficiency AS (        -- mart_efficiency, the columns the unit scores read
    SELECT o.*,
           CAST(coalesce(p.budget_amount, 0) AS DECIMAL(38, 2)) AS budget_amount,
           CAST(coalesce(r.realized_amount, 0) AS DECIMAL(38, 2)) AS realized_amount,
           v.output_achievement
    FROM outputs AS o
    LEFT JOIN pak AS p USING (fiscal_year, work_unit_code, output_code)
    LEFT JOIN rak AS r USING (fiscal_year, work_unit_code, output_code)
    LEFT JOIN latest_volume AS v USING (fiscal_year, work_unit_code, output_code)
),
-- CK: geometric mean nested output > activity > program > unit (0 when a member is <= 0)
activity_ck AS (
    SELECT fiscal_year, work_unit_code, program_code, activity_code,
           CASE WHEN count(*) = 1 THEN max(output_achievement)
                WHEN min(output_achievement) <= 0 THEN 0
                ELSE exp(avg(ln(output_achievement))) END AS ck
    FROM efficiency WHERE output_achievement IS NOT NULL
    GROUP BY ALL
),
program_ck AS (
    SELECT fiscal_year, work_unit_code, program_code,
           CASE WHEN count(*) = 1 THEN max(ck) WHEN min(ck) <= 0 THEN 0
                ELSE exp(avg(ln(ck))) END AS ck
    FROM activity_ck GROUP BY ALL
),
unit_ck AS (
    SELECT fiscal_year, work_unit_code,
           CASE WHEN count(*) = 1 THEN max(ck) WHEN min(ck) <= 0 THEN 0
                ELSE exp(avg(ln(ck))) END AS ck
    FROM program_ck GROUP BY ALL
),
unit_efficiency AS (   -- E = sum(PAK x CK - RAK) / sum(PAK x CK) x 100 over outputs with volume data
    SELECT fiscal_year, work_unit_code, count(*) AS output_count,
           count(output_achievement) AS measured_output_count,
           sum(CASE WHEN output_achievement IS NOT NULL
                    THEN CAST(budget_amount AS DOUBLE) * output_achievement / 100 END) AS earned,
           sum(CASE WHEN output_achievement IS NOT NULL
                    THEN CAST(realized_amount AS DOUBLE) END) AS measured_realized
    FROM efficiency GROUP BY ALL
),
unit_absorption AS (
    SELECT fiscal_year, work_unit_code, max(as_of_month) AS as_of_month,
           sum(CASE WHEN month = as_of_month THEN budget_amount ELSE 0 END) AS budget_amount,
           sum(CASE WHEN month = as_of_month THEN absorption_base_amount ELSE 0 END) AS absorption_base_amount,
           sum(realized_amount) AS realized_amount
    FROM mart_absorption GROUP BY ALL
),
unit_consistency AS (
    SELECT fiscal_year, work_unit_code,
           avg(CASE WHEN planned_amount > 0
                    THEN abs(CAST(realized_amount AS DOUBLE) - CAST(planned_amount AS DOUBLE)) * 100
                         / CAST(planned_amount AS DOUBLE) END) AS mean_deviation_pct,
           count(CASE WHEN planned_amount > 0 THEN 1 END) AS planned_month_count
    FROM (SELECT fiscal_year, work_unit_code, month, sum(realized_amount) AS realized_amount,
                 sum(planned_amount) AS planned_amount
          FROM mart_absorption GROUP BY ALL)
    GROUP BY ALL
),
units AS (
    SELECT fiscal_year, work_unit_code FROM mart_absorption
    UNION
    SELECT fiscal_year, work_unit_code FROM efficiency
),
combined AS (
    SELECT u.fiscal_year, u.work_unit_code, a.as_of_month, a.budget_amount,
           a.absorption_base_amount, a.realized_amount,
           CASE WHEN a.absorption_base_amount > 0
                THEN CAST(a.realized_amount AS DOUBLE) * 100 / CAST(a.absorption_base_amount AS DOUBLE)
           END AS absorption_pct,
           c.mean_deviation_pct, c.planned_month_count, k.ck AS output_achievement_score,
           e.output_count, e.measured_output_count,
           CASE WHEN e.earned > 0 THEN (e.earned - e.measured_realized) * 100 / e.earned END
               AS efficiency_pct
    FROM units AS u
    LEFT JOIN unit_absorption AS a USING (fiscal_year, work_unit_code)
    LEFT JOIN unit_consistency AS c USING (fiscal_year, work_unit_code)
    LEFT JOIN unit_ck AS k USING (fiscal_year, work_unit_code)
    LEFT JOIN unit_efficiency AS e USING (fiscal_year, work_unit_code)
),
scored AS (
    SELECT *,
           clamp(absorption_pct, 0, 100) AS absorption_score,                -- P
           clamp(100 - mean_deviation_pct, 0, NULL) AS consistency_score,     -- K
           -- NE = 50 + (E / 20) x 50, E clamped to [-20, 20]
           0.0 + (clamp(efficiency_pct, -20.0, 20.0) - -20.0) / (20.0 - -20.0) * (100.0 - 0.0)
               AS efficiency_score
    FROM combined
),
nka AS (
    SELECT *,
           (9.7::DOUBLE * absorption_score + 18.2::DOUBLE * consistency_score
            + 43.5::DOUBLE * output_achievement_score + 28.6::DOUBLE * efficiency_score) / 100 AS nka_score
    FROM scored
)
SELECT n.fiscal_year,
       coalesce(i.instansi_code,
                CASE WHEN n.work_unit_code LIKE '%.%' AND length(n.work_unit_code) IN (25, 28)
                     THEN substr(n.work_unit_code, 1, length(n.work_unit_code) - 23) END)
           AS instansi_code,
       n.work_unit_code, n.as_of_month,
       CAST(coalesce(n.budget_amount, 0) AS DECIMAL(38, 2)) AS budget_amount,
       CAST(coalesce(n.absorption_base_amount, 0) AS DECIMAL(38, 2)) AS absorption_base_amount,
       CAST(coalesce(n.realized_amount, 0) AS DECIMAL(38, 2)) AS realized_amount,
       round(n.absorption_pct, 6) AS absorption_pct,
       round(n.absorption_score, 6) AS absorption_score,
       round(n.mean_deviation_pct, 6) AS mean_deviation_pct,
       coalesce(n.planned_month_count, 0) AS planned_month_count,
       round(n.consistency_score, 6) AS consistency_score,
       coalesce(n.output_count, 0) AS output_count,
       coalesce(n.measured_output_count, 0) AS measured_output_count,
       round(n.output_achievement_score, 6) AS output_achievement_score,
       round(n.efficiency_pct, 6) AS efficiency_pct,
       round(n.efficiency_score, 6) AS efficiency_score,
       round(n.nka_score, 6) AS nka_score,
       CASE WHEN round(n.nka_score, 2) > 90 THEN 'Sangat Baik'
            WHEN round(n.nka_score, 2) > 80 THEN 'Baik'
            WHEN round(n.nka_score, 2) > 60 THEN 'Cukup'
            WHEN round(n.nka_score, 2) > 50 THEN 'Kurang'
            WHEN n.nka_score IS NOT NULL THEN 'Sangat Kurang'
       END AS nka_category,
       'NKA-PMK-249-2011' AS rule_id
FROM nka AS n
LEFT JOIN unit_instansi AS i USING (work_unit_code);
