{#
  One-minute OHLCV bars per instrument, resampled from one-second trades.

  Incremental: a run after the first one only re-aggregates the trades of the latest bar already
  built and later, and merges the result on (instrument_id, bar_minute), so the last, possibly
  partial, minute is recomputed in place instead of duplicated.
#}
{{
  config(
    materialized='incremental',
    unique_key=['instrument_id', 'bar_minute'],
    incremental_strategy='merge',
    on_schema_change='fail',
    tags=['bars']
  )
}}

with trades as (

    select
        instrument_id,
        {{ time_bucket('traded_at_utc', 'minute') }} as bar_minute,
        traded_at_utc,
        trade_id,
        price,
        quantity,
        notional
    from {{ ref('stg_trades') }}
    {% if is_incremental() -%}
    -- trades of the last bar already built (it may have been partial) and everything after it:
    -- traded_at_utc >= max(bar_minute) keeps exactly the trades with bar_minute >= max(bar_minute)
    where traded_at_utc >= (select max(bar_minute) from {{ this }})
    {%- endif %}

),

ordered as (

    select
        trades.*,
        {{ bar_trade_order('instrument_id, bar_minute', ['traded_at_utc', 'trade_id']) }}
    from trades

)

select
    instrument_id,
    bar_minute,
    {{ ohlcv_columns(vwap_scale=var('vwap_scale', 6)) }}
from ordered
group by instrument_id, bar_minute
