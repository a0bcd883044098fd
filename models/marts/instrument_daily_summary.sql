{#
  One row per instrument and UTC trading date: the day's OHLCV rolled up from the one-minute
  bars, with the instrument's reference data.
#}
{{ config(materialized='table') }}

with bars as (

    select
        *,
        cast(bar_minute as date) as trade_date,
        row_number() over (partition by instrument_id, cast(bar_minute as date) order by bar_minute)      as minute_asc,
        row_number() over (partition by instrument_id, cast(bar_minute as date) order by bar_minute desc) as minute_desc
    from {{ ref('bars_1m') }}

),

daily as (

    select
        instrument_id,
        trade_date,
        max(case when minute_asc = 1 then open end)     as open,
        max(high)                                       as high,
        min(low)                                        as low,
        max(case when minute_desc = 1 then close end)   as close,
        cast(sum(volume) as bigint)                     as volume,
        cast(sum(trade_count) as bigint)                as trade_count,
        cast(sum(notional) as decimal(18, 4))           as notional,
        {{ rounded_ratio('sum(notional)', 'sum(volume)', var('vwap_scale', 6)) }} as vwap,
        count(*)                                        as bar_count,
        min(bar_minute)                                 as first_bar_minute,
        max(bar_minute)                                 as last_bar_minute
    from bars
    group by instrument_id, trade_date

)

select
    daily.instrument_id,
    instruments.symbol,
    instruments.instrument_name,
    instruments.exchange_code,
    instruments.currency,
    daily.trade_date,
    daily.open,
    daily.high,
    daily.low,
    daily.close,
    daily.close - daily.open                                                  as price_change,
    {{ rounded_ratio('(daily.close - daily.open) * 100', 'daily.open', var('pct_scale', 4)) }} as change_pct,
    {{ rounded_ratio('(daily.high - daily.low) * 100', 'daily.low', var('pct_scale', 4)) }}    as range_pct,
    daily.volume,
    daily.trade_count,
    daily.notional,
    daily.vwap,
    daily.bar_count,
    daily.first_bar_minute,
    daily.last_bar_minute
from daily
inner join {{ ref('stg_instruments') }} as instruments
    on instruments.instrument_id = daily.instrument_id
