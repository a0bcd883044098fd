{#
  Orders, built incrementally: the first run inserts every order; later runs take only orders
  updated since the last run and merge them on order_id, so a changed status updates its row.
#}
{{
  config(
    materialized='incremental',
    unique_key='order_id',
    incremental_strategy='merge'
  )
}}

select
    order_id,
    customer_id,
    ordered_at,
    order_date,
    status,
    amount,
    updated_at
from {{ ref('stg_orders') }}
{% if is_incremental() -%}
where updated_at >= (select max(updated_at) from {{ this }})
{%- endif %}
