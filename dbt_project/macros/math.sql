{#- Portable numeric helpers (ANSI / dbt cross-database forms only, so core and marts can build
    on Spark as well as DuckDB). -#}

{% macro pbk_double() -%}double{%- endmacro %}

{#- Division that yields NULL when the denominator is NULL or zero (a zero target or budget is a
    data error, never 0 %). Computed in double precision. -#}
{% macro safe_divide(numerator, denominator) -%}
    (case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as {{ pbk_double() }}) / cast({{ denominator }} as {{ pbk_double() }})
    end)
{%- endmacro %}

{#- Geometric mean aggregate (PMK 214/PMK.02/2017; PMK 22/PMK.02/2021): exp(avg(ln x)).
    NULL inputs are ignored; any value <= 0 makes the mean 0 (the limit of the product); no input
    gives NULL. Example: 100 and 90 -> sqrt(100 * 90) = 94.8683. -#}
{% macro geometric_mean(expr) -%}
    (case
        when count({{ expr }}) = 0 then null
        when count({{ expr }}) = 1 then cast(max({{ expr }}) as {{ pbk_double() }})
        when min({{ expr }}) <= 0 then cast(0 as {{ pbk_double() }})
        else exp(avg(ln(case when {{ expr }} > 0 then cast({{ expr }} as {{ pbk_double() }}) end)))
    end)
{%- endmacro %}

{#- Clamp a value into [low, high]; NULL stays NULL. -#}
{% macro clamp(expr, low, high) -%}
    (case
        when {{ expr }} is null then null
        when {{ expr }} < {{ low }} then {{ low }}
        when {{ expr }} > {{ high }} then {{ high }}
        else {{ expr }}
    end)
{%- endmacro %}

{#- Scores and percentages leave the marts rounded to 6 decimals (computations use full
    precision): deterministic figures for BI, reconciliation and hand-computed tests. -#}
{% macro pbk_round(expr, digits=6) -%}
    {{ return(adapter.dispatch('pbk_round')(expr, digits)) }}
{%- endmacro %}

{% macro default__pbk_round(expr, digits) -%}
    cast(round({{ expr }}, {{ digits }}) as {{ pbk_double() }})
{%- endmacro %}

{#- Spark rounds a double through its decimal text (BigDecimal), DuckDB the double itself
    (std::round(x * 10^d) / 10^d, half away from zero): a quotient such as 1234.565, stored as
    1234.56499999..., is 1234.57 on Spark and 1234.56 on DuckDB. DuckDB's rule in Spark's double
    arithmetic, so both engines give the same figure: v = |x| * 10^d, its integer part plus one
    when the exact fraction v % 1 is at least one half. -#}
{% macro spark__pbk_round(expr, digits) -%}
    {%- set x = "cast(" ~ expr ~ " as " ~ pbk_double() ~ ")" -%}
    {%- set v = "(abs(" ~ x ~ ") * power(10, " ~ digits ~ "))" -%}
    cast(signum({{ x }}) * (({{ v }} - {{ v }} % 1) + case when {{ v }} % 1 >= 0.5 then 1 else 0 end)
         / power(10, {{ digits }}) as {{ pbk_double() }})
{%- endmacro %}

{#- Bound a score by an optional floor and cap (NULL bound = none). -#}
{% macro bounded(expr, floor_expr, cap_expr) -%}
    (case
        when {{ expr }} is null then null
        when {{ cap_expr }} is not null and {{ expr }} > {{ cap_expr }} then {{ cap_expr }}
        when {{ floor_expr }} is not null and {{ expr }} < {{ floor_expr }} then {{ floor_expr }}
        else {{ expr }}
    end)
{%- endmacro %}
