{{ config(tags=['critical']) }}
-- QA: the generic resampling (windowed_aggregate, grain minute) and the hand-written bars
-- (bars_1m: row_number flags and a GROUP BY) are computed differently; they must agree on every
-- bar. Returns the bars that are missing on one side or differ in any OHLCV value.
with generic as (
    select instrument_id, bucket_start as bar_minute,
           price_first as open, price_max as high, price_min as low, price_last as close,
           quantity_sum as volume, quantity_count as trade_count
    from {{ ref('bars_1m_resampled') }}
),
hand as (
    select instrument_id, bar_minute, open, high, low, close, volume, trade_count
    from {{ ref('bars_1m') }}
)
select coalesce(g.instrument_id, h.instrument_id) as instrument_id,
       coalesce(g.bar_minute, h.bar_minute) as bar_minute,
       g.open as generic_open, h.open as hand_open,
       g.close as generic_close, h.close as hand_close,
       g.volume as generic_volume, h.volume as hand_volume
from generic g
full outer join hand h on g.instrument_id = h.instrument_id and g.bar_minute = h.bar_minute
where g.instrument_id is null or h.instrument_id is null
   or g.open <> h.open or g.high <> h.high or g.low <> h.low or g.close <> h.close
   or g.volume <> h.volume or g.trade_count <> h.trade_count
