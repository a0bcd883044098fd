{#
  An amount in integer cents as a decimal amount in dollars. Multiplying by 0.01 (instead of
  dividing by 100) keeps the arithmetic exact decimal on every engine.

  Usage: {{ cents_to_dollars('amount_cents') }}  ->  cast(amount_cents * 0.01 as decimal(18, 2))
#}
{% macro cents_to_dollars(column, scale=2) -%}
cast({{ column }} * 0.01 as decimal(18, {{ scale }}))
{%- endmacro %}
