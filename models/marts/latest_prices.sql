{#
  The latest one-minute bar of each traded instrument: a small "direct source" view for
  dashboards and notebooks.
#}
{{ config(materialized='view') }}

{%- set stale_after_minutes = var('stale_after_minutes', 5) %}

with ranked as (

    select
        bars.*,
        row_number() over (partition by instrument_id order by bar_minute desc) as recency_rank,
        max(bar_minute) over ()                                                   as as_of_minute
    from {{ ref('bars_1m') }} as bars

)

select
    ranked.instrument_id,
    instruments.symbol,
    instruments.currency,
    ranked.bar_minute                           as last_bar_minute,
    ranked.close                                as last_price,
    ranked.vwap                                 as last_vwap,
    ranked.volume                               as last_bar_volume,
    ranked.as_of_minute,
    ranked.bar_minute < ranked.as_of_minute - interval '{{ stale_after_minutes }} minutes' as is_stale
from ranked
inner join {{ ref('stg_instruments') }} as instruments
    on instruments.instrument_id = ranked.instrument_id
where ranked.recency_rank = 1
