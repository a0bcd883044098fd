{#
  One row per trade, typed and cleaned, from the raw trades the loader brings in from
  landing/trades/. A view (the folder default): cheap to recompute and always in step with raw.
#}
{{ config(materialized='view') }}

with source as (

    select * from {{ source('market', 'trades') }}

),

typed as (

    select
        cast(trade_id as bigint)            as trade_id,
        cast(instrument_id as integer)      as instrument_id,
        cast(traded_at as timestamptz)      as traded_at,
        cast(price as decimal(18, 4))       as price,
        cast(quantity as integer)           as quantity,
        upper(trim(side))                   as side
    from source
    -- busted or malformed prints carry no price or no size
    where price > 0
      and quantity > 0

)

select
    trade_id,
    instrument_id,
    traded_at,
    -- the same instant as a plain UTC timestamp, so bucketing never depends on the session time zone
    cast(traded_at at time zone 'UTC' as timestamp)     as traded_at_utc,
    price,
    quantity,
    cast(price * quantity as decimal(18, 4))            as notional,
    side
from typed
