-- Reconciliation of marts.mart_absorption with the facts, per fiscal year:
--   realization summed over every row = fact_realization total;
--   budget of the as-of month rows = current fact_budget total;
--   plan summed over every row = current plan of fact_budget_plan up to the as-of month, within
--   one cent per mart row (the plan is allocated to programs and rounded to the cent).
with mart as (
    select
        fiscal_year,
        max(as_of_month) as as_of_month,
        sum(realized_amount) as realized_amount,
        sum(case when month = as_of_month then budget_amount else 0 end) as budget_amount,
        sum(planned_amount) as planned_amount,
        count(*) as mart_rows
    from {{ ref('mart_absorption') }}
    group by fiscal_year
),

realized as (
    select fiscal_year, sum(realized_amount) as realized_amount
    from {{ ref('fact_realization') }}
    group by fiscal_year
),

budget as (
    select fiscal_year, sum(budget_amount) as budget_amount
    from {{ ref('fact_budget') }}
    where is_current_revision
    group by fiscal_year
),

planned as (
    select p.fiscal_year, sum(p.planned_amount) as planned_amount
    from {{ ref('fact_budget_plan') }} as p
    join mart as m
        on m.fiscal_year = p.fiscal_year
        and p.month <= m.as_of_month
    where p.is_current_revision
    group by p.fiscal_year
)

select
    m.fiscal_year,
    m.realized_amount as mart_realized, r.realized_amount as fact_realized,
    m.budget_amount as mart_budget, b.budget_amount as fact_budget,
    m.planned_amount as mart_planned, p.planned_amount as fact_planned
from mart as m
left join realized as r on r.fiscal_year = m.fiscal_year
left join budget as b on b.fiscal_year = m.fiscal_year
left join planned as p on p.fiscal_year = m.fiscal_year
where coalesce(m.realized_amount, 0) <> coalesce(r.realized_amount, 0)
   or coalesce(m.budget_amount, 0) <> coalesce(b.budget_amount, 0)
   or abs(coalesce(m.planned_amount, 0) - coalesce(p.planned_amount, 0)) > 0.01 * m.mart_rows
