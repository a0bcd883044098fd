{#
  Instruments with their listing exchange. Ephemeral: inlined as a CTE into the models that
  ref it, so it never exists as a relation of its own.
#}
{{ config(materialized='ephemeral') }}

select
    i.instrument_id,
    i.symbol,
    i.name                          as instrument_name,
    i.asset_class,
    i.currency,
    i.tick_size,
    i.listed_on,
    i.is_active,
    i.exchange_code,
    e.name                          as exchange_name,
    e.country                       as exchange_country,
    e.timezone                      as exchange_timezone
from {{ ref('instruments') }} as i
left join {{ ref('exchanges') }} as e
    on e.exchange_code = i.exchange_code
