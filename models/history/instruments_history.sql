{#
  Every version of every instrument, as the daily reference snapshots in landing/instruments/
  told it: a version starts at the load date that brought its values (`_valid_from`) and ends
  when a later snapshot changed them or no longer listed the instrument (`_valid_to`, NULL while
  current). Built from the append-only raw table, so `--full-refresh` rebuilds it exactly and a
  late snapshot is placed at its date. The source declares `load: snapshot`, so an instrument
  missing from a snapshot gets a `_is_deleted` version (TWTR on 2024-01-04).
#}
{{ config(materialized='history', unique_key='instrument_id', tags=['history']) }}

select * from {{ source('market', 'instruments') }}
