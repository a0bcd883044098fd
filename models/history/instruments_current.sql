{# The latest version of each instrument still listed: a direct source for notebooks. #}
{{ config(materialized='current', tags=['history']) }}

select * from {{ ref('instruments_history') }}
