-- Closure of the indicator cascade (pohon kinerja, PermenPANRB 89/2021): one row per indicator and
-- each of its ancestors along parent_indicator_code within the same fiscal year and institution,
-- itself included at depth 0. The parent chain is walked with a fixed number of self-joins
-- (var pbk_cascade_max_depth) rather than a recursive CTE, so the SQL stays portable and a cycle
-- in the data cannot loop forever.
{%- set max_depth = var('pbk_cascade_max_depth') | int %}
with links as (
    select indicator_key, parent_indicator_key
    from {{ ref('dim_indicator') }}
),

depth_0 as (
    select indicator_key, indicator_key as ancestor_key, 0 as depth
    from links
)
{%- for d in range(1, max_depth + 1) %},

depth_{{ d }} as (
    select prev.indicator_key, l.parent_indicator_key as ancestor_key, {{ d }} as depth
    from depth_{{ d - 1 }} as prev
    join links as l
        on l.indicator_key = prev.ancestor_key
    where l.parent_indicator_key is not null
)
{%- endfor %},

all_depths as (
    {%- for d in range(0, max_depth + 1) %}
    select * from depth_{{ d }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select indicator_key, ancestor_key, min(depth) as depth
from all_depths
group by indicator_key, ancestor_key
