{#
  Macros for resampling trades into time bars. All of them render portable SQL that runs
  unchanged on DuckDB and PostgreSQL.
#}

{# Start of the `grain` bucket ('second', 'minute', 'hour', 'day') a timestamp falls in. #}
{% macro time_bucket(column, grain='minute') -%}
date_trunc('{{ grain }}', {{ column }})
{%- endmacro %}

{#
  `numerator / denominator` rounded to `scale` decimals and typed decimal(18, scale), NULL when
  the denominator is 0. Rounding before the cast makes both engines return the same value even
  where one divides decimals exactly and the other in floating point.
#}
{% macro rounded_ratio(numerator, denominator, scale) -%}
cast(round(cast({{ numerator }} as decimal(38, 10)) / nullif({{ denominator }}, 0), {{ scale }}) as decimal(18, {{ scale }}))
{%- endmacro %}

{#
  The OHLCV columns of a bar, as aggregates over rows grouped by bar. The input rows carry
  `first_flag` / `last_flag` columns that are 1 on the first / last trade of their bar
  (see `bar_trade_order`), so open and close need no engine-specific first()/last() aggregate.
#}
{% macro ohlcv_columns(price='price', quantity='quantity', notional='notional', first_flag='is_first_in_bar', last_flag='is_last_in_bar', vwap_scale=6) -%}
{%- set price_aggregates = {
  'open':  'max(case when ' ~ first_flag ~ ' = 1 then ' ~ price ~ ' end)',
  'high':  'max(' ~ price ~ ')',
  'low':   'min(' ~ price ~ ')',
  'close': 'max(case when ' ~ last_flag ~ ' = 1 then ' ~ price ~ ' end)'
} -%}
{% for name, aggregate in price_aggregates -%}
{{ aggregate }} as {{ name }},
    {% endfor -%}
cast(sum({{ quantity }}) as bigint) as volume,
    count(*) as trade_count,
    cast(sum({{ notional }}) as decimal(18, 4)) as notional,
    {{ rounded_ratio('sum(' ~ notional ~ ')', 'sum(' ~ quantity ~ ')', vwap_scale) }} as vwap
{%- endmacro %}

{#
  1/0 flags marking the first and the last trade of each bar, ordered by time then trade id
  (several trades can share one second).
#}
{% macro bar_trade_order(partition_by, order_by) -%}
case when row_number() over (partition by {{ partition_by }} order by {{ order_by | join(', ') }}) = 1 then 1 else 0 end as is_first_in_bar,
        case when row_number() over (partition by {{ partition_by }} order by {{ order_by | join(' desc, ') }} desc) = 1 then 1 else 0 end as is_last_in_bar
{%- endmacro %}
