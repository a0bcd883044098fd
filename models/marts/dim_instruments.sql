{#
  The instrument dimension: every instrument, traded or not, with its exchange and the span of
  trading seen in the data.
#}
{{ config(materialized='table') }}

with trading as (

    select
        instrument_id,
        min(traded_at_utc)  as first_traded_at_utc,
        max(traded_at_utc)  as last_traded_at_utc,
        count(*)            as trade_count
    from {{ ref('stg_trades') }}
    group by instrument_id

)

select
    instruments.instrument_id,
    instruments.symbol,
    instruments.instrument_name,
    instruments.asset_class,
    instruments.currency,
    instruments.tick_size,
    instruments.listed_on,
    instruments.is_active,
    instruments.exchange_code,
    instruments.exchange_name,
    instruments.exchange_country,
    instruments.exchange_timezone,
    trading.first_traded_at_utc,
    trading.last_traded_at_utc,
    coalesce(trading.trade_count, 0)        as trade_count,
    trading.instrument_id is not null       as has_trades
from {{ ref('stg_instruments') }} as instruments
left join trading
    on trading.instrument_id = instruments.instrument_id
