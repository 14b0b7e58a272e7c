-- Included by schema.sql with \ir: its bytes are part of schema.sql's step.
create view customer_totals as
select c.name, count(o.id) as orders, coalesce(sum(o.total_cents), 0) as total_cents
from customers c left join orders o on o.customer_id = c.id
group by c.name;
