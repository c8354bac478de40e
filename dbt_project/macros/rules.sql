{#- Reading the regulation-versioned rule seeds: which row is in force for a fiscal year, and
    which score band a value falls in. -#}

{#- Band lookup predicate for rule seeds that store (score_above, score_up_to]:
    a NULL bound is open. Scores are rounded to 2 decimals before banding so that a sum that
    should be exactly 70 is not 69.99999999. -#}
{% macro in_band(score, band_alias) -%}
    ({{ band_alias }}.score_above is null or round({{ score }}, 2) > {{ band_alias }}.score_above)
    and ({{ band_alias }}.score_up_to is null or round({{ score }}, 2) <= {{ band_alias }}.score_up_to)
{%- endmacro %}

{#- A rule row governs a fiscal year when fiscal_year_from <= year <= fiscal_year_to. -#}
{% macro rule_in_force(rule_alias, fiscal_year) -%}
    {{ fiscal_year }} between {{ rule_alias }}.fiscal_year_from and {{ rule_alias }}.fiscal_year_to
{%- endmacro %}
