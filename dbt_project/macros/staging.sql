{#- Staging bodies of the two large extracts, shared by the staging model and the incremental
    path of the model that maintains them, so the typing and renaming exist once.
    `relation` is the raw table or a subquery of raw rows (the candidates of an incremental run). -#}

{% macro budget_natural_key() -%}
    {{ return(['fiscal_year', 'work_unit_code', 'program_code', 'activity_code', 'output_code',
               'account_code', 'funding_source', 'revision_no']) }}
{%- endmacro %}

{% macro realization_natural_key() -%}
    {{ return(['fiscal_year', 'work_unit_code', 'document_no', 'output_code', 'account_code']) }}
{%- endmacro %}

{#- Raw rows sharing a natural key with a row of a load that `target` does not contain yet: the
    only keys whose latest version can have changed since the last run. -#}
{% macro rows_of_touched_keys(raw_relation, natural_key, target) -%}
    (
        select src.*
        from {{ raw_relation }} as src
        join (
            select distinct
                {%- for col in natural_key %}
                coalesce(cast({{ col }} as {{ dbt.type_string() }}), '') as k_{{ col }}{{ "," if not loop.last }}
                {%- endfor %}
            from {{ raw_relation }}
            where _load_id in (
                select _load_id from {{ raw_relation }}
                {{ dbt.except() }}
                select _load_id from {{ target }}
            )
        ) as touched
            on {% for col in natural_key -%}
            coalesce(cast(src.{{ col }} as {{ dbt.type_string() }}), '') = touched.k_{{ col }}
            {%- if not loop.last %}
            and {% endif %}
            {%- endfor %}
    )
{%- endmacro %}

{% macro stg_budget_select(relation) -%}
with latest as (
    {{ latest_version(relation, budget_natural_key()) }}
)

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
from latest
{%- endmacro %}

{% macro stg_realization_select(relation) -%}
with latest as (
    {{ latest_version(relation, realization_natural_key()) }}
)

select
    {{ pbk_key(realization_natural_key()) }} as realization_key,
    cast(fiscal_year as integer) as fiscal_year,
    transaction_date,
    {{ clean_code('document_no') }} as document_no,
    {{ clean_code('work_unit_code') }} as work_unit_code,
    {{ clean_code('program_code') }} as program_code,
    {{ clean_code('activity_code') }} as activity_code,
    {{ clean_code('output_code') }} as output_code,
    {{ clean_code('account_code') }} as account_code,
    {{ clean_code('funding_source') }} as funding_source,
    cast(amount as decimal(38, 2)) as realized_amount,
    amount < 0 as is_refund,
    trim(description) as description,
    {{ lineage_columns() }}
from latest
{%- endmacro %}
