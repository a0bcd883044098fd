-- One row per order, typed, with the amount in dollars.
select
    cast(order_id as integer)                       as order_id,
    cast(customer_id as integer)                    as customer_id,
    cast(ordered_at as timestamp)                   as ordered_at,
    cast(ordered_at as date)                        as order_date,
    lower(status)                                   as status,
    cast(amount_cents as integer)                   as amount_cents,
    {{ cents_to_dollars('amount_cents') }}          as amount,
    cast(updated_at as timestamp)                   as updated_at
from {{ ref('orders') }}
