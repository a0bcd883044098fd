{#
  Order totals per customer. Ephemeral (the folder default in strata.yml): it is inlined into
  customer_orders and never created in the database.
#}
{%- set revenue_statuses = var('revenue_statuses', ['shipped', 'completed']) %}

select
    customer_id,
    count(*)                as order_count,
    sum(
        case
            when status in ({% for status in revenue_statuses %}'{{ status }}'{% if not loop.last %}, {% endif %}{% endfor %}) then amount
            else 0
        end
    )                       as lifetime_value,
    min(order_date)         as first_order_date,
    max(order_date)         as last_order_date
from {{ ref('stg_orders') }}
group by customer_id
