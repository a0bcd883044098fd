{{ config(tags=['critical']) }}
-- Every share traded appears in exactly one one-minute bar: per instrument, the bars' volume
-- equals the trades' quantity. Returns the instruments where the two disagree.
with bars as (
    select instrument_id, sum(volume) as bar_volume
    from {{ ref('bars_1m') }}
    group by instrument_id
),
trades as (
    select instrument_id, sum(quantity) as traded_volume
    from {{ ref('stg_trades') }}
    group by instrument_id
)
select t.instrument_id, t.traded_volume, b.bar_volume
from trades t
left join bars b on b.instrument_id = t.instrument_id
where b.bar_volume is null or b.bar_volume <> t.traded_volume
