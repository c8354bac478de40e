{#- Staging: the latest version per natural key, code cleaning, and the bodies of the two large
    extracts (stg_budget, stg_realization: views of their raw table without the rows a later
    version supersedes, superseded_versions below). -#}

{#- Latest version per natural key (DESIGN.md "Extract contracts"; latest load wins): among rows
    with the same natural key keep the one with the latest _ingested_at, ties broken by _load_id
    desc then _source_row desc. Nullable key columns compare with NULL = ''. Returns a subquery
    of the relation's columns.

    Only a key with rows in two loads has versions to choose from (a repeat inside one file is
    quarantined at ingest, ingest/quarantine.py). So the rows are split: keys that have a row
    outside the largest load ("contested") go through the window; every other row is the one row
    of its key in the largest load and is kept as it is. A first load, or a year file with a few
    re-sends, then ranks a handful of keys instead of sorting every line (at SF 1, 20M lines).
    The window ranks a narrow projection and the winners are joined back to their full rows on
    (_load_id, _source_row), which names one raw row. Should a key still repeat inside a load,
    the model's unique test on its key fails the build. -#}
{% macro latest_version(relation, natural_key) -%}
    {%- set keys = [] -%}
    {%- for col in natural_key -%}
        {%- do keys.append("coalesce(cast(" ~ col ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    select src.*
    from {{ relation }} as src
    left join ({{ contested_keys(relation, natural_key) }}) as contested
        on {% for col in natural_key -%}
        contested.k_{{ col }} = coalesce(cast(src.{{ col }} as {{ dbt.type_string() }}), '')
        {%- if not loop.last %}
        and {% endif %}
        {%- endfor %}
    where contested.k_{{ natural_key[0] }} is null
    union all
    select src.*
    from {{ relation }} as src
    join (
        select _load_id as latest_load_id, _source_row as latest_source_row
        from (
            select
                ranked_src._load_id,
                ranked_src._source_row,
                row_number() over (
                    partition by
                    {%- for col in natural_key %}
                        contested.k_{{ col }}{{ "," if not loop.last }}
                    {%- endfor %}
                    order by ranked_src._ingested_at desc, ranked_src._load_id desc,
                        ranked_src._source_row desc
                ) as _version_rank
            from {{ relation }} as ranked_src
            join ({{ contested_keys(relation, natural_key) }}) as contested
                on {% for col in natural_key -%}
                contested.k_{{ col }} = coalesce(cast(ranked_src.{{ col }} as {{ dbt.type_string() }}), '')
                {%- if not loop.last %}
                and {% endif %}
                {%- endfor %}
        ) as versions
        where _version_rank = 1
    ) as latest
        on latest.latest_load_id = src._load_id
        and latest.latest_source_row = src._source_row
{%- endmacro %}

{#- The keys (NULL written as '') with a row outside the relation's largest load: the only keys
    that can have more than one version in it. -#}
{% macro contested_keys(relation, natural_key) -%}
    select distinct
        {%- for col in natural_key %}
        coalesce(cast({{ col }} as {{ dbt.type_string() }}), '') as k_{{ col }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }} as other_loads
    where _load_id <> (
        select _load_id from {{ relation }} as loads
        group by _load_id
        order by count(*) desc, _load_id desc
        limit 1
    )
{%- endmacro %}

{#- Text code cleaning for staging: trimmed, empty string -> NULL. -#}
{% macro clean_code(col) -%}
    nullif(trim({{ col }}), '')
{%- endmacro %}

{% macro budget_natural_key() -%}
    {{ return(['fiscal_year', 'work_unit_code', 'program_code', 'activity_code', 'output_code',
               'account_code', 'funding_source', 'revision_no']) }}
{%- endmacro %}

{% macro realization_natural_key() -%}
    {{ return(['fiscal_year', 'work_unit_code', 'document_no', 'output_code', 'account_code']) }}
{%- endmacro %}

{% macro stg_budget_select(relation, superseded) -%}
select
    {{ pbk_key(budget_natural_key()) }} as budget_line_key,
    {{ pbk_key(budget_natural_key()[:-1]) }} as budget_item_key,
    cast(fiscal_year as integer) as fiscal_year,
    lower(trim(gov_level)) as gov_level,
    {{ clean_code('instansi_code') }} as instansi_code,
    trim(instansi_name) as instansi_name,
    {{ clean_code('work_unit_code') }} as work_unit_code,
    trim(work_unit_name) as work_unit_name,
    {{ clean_code('program_code') }} as program_code,
    trim(program_name) as program_name,
    {{ clean_code('activity_code') }} as activity_code,
    trim(activity_name) as activity_name,
    {{ clean_code('output_code') }} as output_code,
    trim(output_name) as output_name,
    {{ clean_code('account_code') }} as account_code,
    trim(account_name) as account_name,
    {{ clean_code('funding_source') }} as funding_source,
    cast(amount as decimal(38, 2)) as budget_amount,
    cast(revision_no as integer) as revision_no,
    revision_date,
    cast(blocked_amount as decimal(38, 2)) as blocked_amount,
    {{ lineage_columns() }}
{{ without_superseded(relation, superseded) }}
{%- endmacro %}

{#- The raw rows a later version of their natural key replaces (DESIGN.md "Extract contracts";
    latest load wins: the latest _ingested_at, ties broken by _load_id desc then _source_row
    desc; nullable key columns compare with NULL = ''), each with the row that replaces it.

    Found without sorting the whole extract: one aggregate counts the rows per hash of the key
    (row_hash, keys.sql) and keeps the hashes seen more than once; only the rows with those
    hashes are ranked by their exact key. At SF 1 that is 20M rows counted and a few thousand
    ranked, however many loads the rows came in. -#}
{% macro superseded_versions(relation, natural_key) -%}
    {%- set keys = [] -%}
    {%- for col in natural_key -%}
        {%- do keys.append("coalesce(cast(" ~ col ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    with repeated_hashes as (
        {{ repeated_key_hashes(relation, natural_key) }}
    ),

    versions as (
        select
            _load_id,
            _source_row,
            _ingested_at,
            row_number() over (
                partition by {{ keys | join(', ') }}
                order by _ingested_at desc, _load_id desc, _source_row desc
            ) as version_rank,
            first_value(_load_id) over (
                partition by {{ keys | join(', ') }}
                order by _ingested_at desc, _load_id desc, _source_row desc
            ) as superseded_by_load_id,
            first_value(_source_row) over (
                partition by {{ keys | join(', ') }}
                order by _ingested_at desc, _load_id desc, _source_row desc
            ) as superseded_by_source_row
        from {{ relation }}
        where {{ row_hash(natural_key) }} in (select key_hash from repeated_hashes)
    )

    select _load_id, _source_row, _ingested_at, superseded_by_load_id, superseded_by_source_row
    from versions
    where version_rank > 1
{%- endmacro %}

{#- The latest version of every realization line: the raw rows no later version replaces
    (`superseded`, a relation of superseded_versions), typed and renamed, with the month each
    line counts in and the key of its output in core.dim_program. The loader has typed them
    already (raw holds dates and decimals); the casts fix the contract's types. -#}
{% macro stg_realization_select(relation, superseded) -%}
select
    {{ pbk_key(realization_natural_key()) }} as realization_key,
    cast(fiscal_year as integer) as fiscal_year,
    transaction_date,
    -- month the line counts in for its fiscal year: a date outside the fiscal year (e.g. a
    -- correction posted in January for the previous year) counts in the nearest month of it
    cast(case
        when extract(year from transaction_date) < fiscal_year then 1
        when extract(year from transaction_date) > fiscal_year then 12
        else extract(month from transaction_date)
    end as integer) as period_month,
    {{ clean_code('document_no') }} as document_no,
    {{ clean_code('work_unit_code') }} as work_unit_code,
    {{ pbk_key([clean_code('program_code'), clean_code('activity_code'), clean_code('output_code')]) }} as program_key,
    {{ clean_code('program_code') }} as program_code,
    {{ clean_code('activity_code') }} as activity_code,
    {{ clean_code('output_code') }} as output_code,
    {{ clean_code('account_code') }} as account_code,
    {{ clean_code('funding_source') }} as funding_source,
    cast(amount as decimal(38, 2)) as realized_amount,
    amount < 0 as is_refund,
    trim(description) as description,
    {{ lineage_columns() }}
{{ without_superseded(relation, superseded) }}
{%- endmacro %}

{#- The raw rows of `relation` that `superseded` (a relation of superseded_versions) does not
    name: the latest version of every natural key. An anti-join on the row's identity in its
    load, a hash probe per row against a re-send's worth of rows. -#}
{% macro without_superseded(relation, superseded) -%}
from {{ relation }} as src
where not exists (
    select 1
    from {{ superseded }} as s
    where s._load_id = src._load_id
        and s._source_row = src._source_row
)
{%- endmacro %}
