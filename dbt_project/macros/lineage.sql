{#- Lineage: what every staged and fact row carries back to its source line. -#}

{#- The columns every staged and fact row carries back to its source: the load, the file and its
    sha256, the data row number in the file, and when it was ingested (ingest/contracts.py). -#}
{% macro lineage_columns() -%}
    _load_id,
    _source_file,
    _source_sha256,
    _source_row,
    _ingested_at
{%- endmacro %}
