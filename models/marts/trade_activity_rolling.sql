{#
  Rolling trading activity per instrument at one-minute grain: for every minute with trades,
  the volume, notional, trade count, price range and last price over the last hour and the last
  day. The windows are spans of time: minutes without trades (the JPM halt) do not stretch them.
  (Only exact aggregations here, so the example gives identical values on DuckDB and PostgreSQL;
  avg and stddev are floating point.)
#}
{{
  config(
    materialized='windowed_aggregate',
    time_column='traded_at_utc',
    partition_by='instrument_id',
    grain='minute',
    windows=['1 hour', '1 day'],
    order_by='trade_id',
    aggregations={'quantity': ['sum', 'count'], 'notional': 'sum', 'price': ['min', 'max', 'last']},
    tags=['rolling']
  )
}}

select instrument_id, traded_at_utc, trade_id, price, quantity, notional
from {{ ref('stg_trades') }}
