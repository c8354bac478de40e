{#- Indicator achievement (capaian kinerja), DESIGN.md "Indicator achievement":
      max   (higher is better): R / T x 100
      min   (lower is better):  (2T - R) / T x 100  = (1 + (1 - R/T)) x 100
      range [L, U]: 100 inside the range; above U: R / U x 100; below L: R / L x 100
    Uncapped. A zero (or missing) target is a data error and yields NULL, never 0 %. -#}
{% macro indicator_achievement_pct(polarity, target, target_upper, realization) -%}
    (case
        when {{ realization }} is null or {{ target }} is null then null
        when {{ polarity }} = 'max' then
            case when {{ target }} = 0 then null
                 else cast({{ realization }} as {{ pbk_double() }}) * 100 / {{ target }} end
        when {{ polarity }} = 'min' then
            case when {{ target }} = 0 then null
                 else (2 * cast({{ target }} as {{ pbk_double() }}) - {{ realization }}) * 100 / {{ target }} end
        when {{ polarity }} = 'range' then
            case when {{ target_upper }} is null or {{ target_upper }} < {{ target }} then null
                 when {{ realization }} >= {{ target }} and {{ realization }} <= {{ target_upper }} then cast(100 as {{ pbk_double() }})
                 when {{ realization }} > {{ target_upper }} then
                     case when {{ target_upper }} = 0 then null
                          else cast({{ realization }} as {{ pbk_double() }}) * 100 / {{ target_upper }} end
                 else
                     case when {{ target }} = 0 then null
                          else cast({{ realization }} as {{ pbk_double() }}) * 100 / {{ target }} end
            end
        else null
    end)
{%- endmacro %}

{#- Why indicator_achievement_pct is NULL (or NULL when it is not). -#}
{% macro indicator_data_issue(polarity, target, target_upper, realization) -%}
    (case
        when {{ polarity }} is null or {{ polarity }} not in ('max', 'min', 'range') then 'polarity_unknown'
        when {{ target }} is null then 'target_missing'
        when {{ realization }} is null then 'realization_missing'
        when {{ polarity }} = 'range' and {{ target_upper }} is null then 'range_upper_missing'
        when {{ polarity }} = 'range' and {{ target_upper }} < {{ target }} then 'range_bounds_inverted'
        when {{ polarity }} in ('max', 'min') and {{ target }} = 0 then 'target_zero'
        when {{ polarity }} = 'range' and {{ realization }} > {{ target_upper }} and {{ target_upper }} = 0 then 'target_zero'
        when {{ polarity }} = 'range' and {{ realization }} < {{ target }} and {{ target }} = 0 then 'target_zero'
        else null
    end)
{%- endmacro %}

{#- Efficiency score NE from E (PMK 249/PMK.02/2011, PMK 214/PMK.02/2017):
    NE = score_at_lower + (clamp(E, e_lower, e_upper) - e_lower) / (e_upper - e_lower)
         x (score_at_upper - score_at_lower)
    which with the seed values (-20, 20, 0, 100) is NE = 50 + (E / 20) x 50, E clamped to
    [-20, 20], so NE is always within [0, 100]. -#}
{% macro efficiency_score(e, rule) -%}
    (case when {{ e }} is null then null else
        {{ rule }}.score_at_lower
        + ({{ clamp(e, rule ~ '.e_lower_pct', rule ~ '.e_upper_pct') }} - {{ rule }}.e_lower_pct)
          / ({{ rule }}.e_upper_pct - {{ rule }}.e_lower_pct)
          * ({{ rule }}.score_at_upper - {{ rule }}.score_at_lower)
    end)
{%- endmacro %}
