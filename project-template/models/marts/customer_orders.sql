-- One row per customer with their order history summarised; customers without orders included.
select
    customers.customer_id,
    customers.full_name,
    customers.email,
    customers.country_code,
    customers.signed_up_on,
    coalesce(totals.order_count, 0)                         as order_count,
    cast(coalesce(totals.lifetime_value, 0) as decimal(18, 2)) as lifetime_value,
    totals.first_order_date,
    totals.last_order_date,
    coalesce(totals.order_count, 0) > 1                     as is_repeat_customer
from {{ ref('stg_customers') }} as customers
left join {{ ref('int_customer_order_totals') }} as totals
    on totals.customer_id = customers.customer_id
