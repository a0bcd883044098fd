{#
  Rolling trading activity per instrument at one-minute grain: for every minute with trades,
  the volume, notional, trade count and price range over the last hour and the last day. The
  windows are spans of time: minutes without trades (the JPM halt) do not stretch them.
#}
{{
  config(
    materialized='windowed_aggregate',
    time_column='traded_at_utc',
    partition_by='instrument_id',
    grain='minute',
    windows=['1 hour', '1 day'],
    order_by='trade_id',
    aggregations={'quantity': ['sum', 'count'], 'notional': 'sum', 'price': ['min', 'max', 'avg', 'stddev', 'last']},
    tags=['rolling']
  )
}}

select instrument_id, traded_at_utc, trade_id, price, quantity, notional
from {{ ref('stg_trades') }}
