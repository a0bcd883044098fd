{#
  The instrument list as it was known at each month end of the first quarter of 2024: one row
  per (as_of, instrument). Later runs add new month ends and rebuild a slice only when a late
  snapshot changes it. For any other date, use the macro: as_of(ref('instruments_history'), '2024-01-03').
#}
{{
  config(
    materialized='point_in_time',
    as_of_dates={'every': 'month_end', 'from': '2024-01-01', 'to': '2024-03-31'},
    tags=['history']
  )
}}

select * from {{ ref('instruments_history') }}
