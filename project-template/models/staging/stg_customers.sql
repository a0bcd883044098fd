-- One row per customer, cleaned: names trimmed, e-mail addresses lower-cased.
select
    cast(customer_id as integer)                    as customer_id,
    trim(first_name)                                as first_name,
    trim(last_name)                                 as last_name,
    trim(first_name) || ' ' || trim(last_name)      as full_name,
    lower(trim(email))                              as email,
    upper(country)                                  as country_code,
    cast(signed_up_on as date)                      as signed_up_on
from {{ ref('customers') }}
