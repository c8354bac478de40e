{#- The combination of columns is unique (NULL compared as ''). One aggregate over a 64-bit hash of
    the combination (row_hash, keys.sql) finds the candidates; only their rows are grouped by the
    columns themselves, so a collision is never reported as a duplicate. On 20M lines this is a
    hash table of integers instead of one of strings. -#}
{% test unique_combination(model, combination) %}
with repeated_hashes as (
    {{ repeated_key_hashes(model, combination) }}
)

select {{ combination | join(', ') }}, count(*) as n
from {{ model }}
where {{ row_hash(combination) }} in (select key_hash from repeated_hashes)
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
