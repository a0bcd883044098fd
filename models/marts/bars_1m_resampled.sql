{#
  The one-minute OHLCV bars of `bars_1m`, built by the windowed_aggregate strategy instead of
  hand-written SQL: one-second trades resampled with grain minute and no rolling window
  (open = first price, high = max, low = min, close = last, volume = sum of quantities; ties in
  one second broken by trade_id). The singular test `bars_resampled_match_bars_1m` checks that
  both give the same bars.
#}
{{
  config(
    materialized='windowed_aggregate',
    source='stg_trades',
    time_column='traded_at_utc',
    partition_by='instrument_id',
    grain='minute',
    order_by='trade_id',
    aggregations={'price': ['first', 'max', 'min', 'last'], 'quantity': ['sum', 'count'], 'notional': 'sum'},
    tags=['bars']
  )
}}
