-- Seed data: a few customers and orders.
insert into customers (id, name, email) values
    (1, 'Ada',   'ada@example.com'),
    (2, 'Brian', 'brian@example.com'),
    (3, 'Chen',  'chen@example.com');

insert into orders (id, customer_id, total_cents)
select g, 1 + g % 3, 100 * g from generate_series(1, 1000) as g;
