-- The schema of a small shop: customers and their orders.
create table customers (
    id    integer primary key,
    name  text not null,
    email text not null unique
);

create table orders (
    id          integer primary key,
    customer_id integer not null references customers (id),
    total_cents integer not null check (total_cents >= 0),
    placed_at   timestamptz not null default now()
);

\ir views.sql
