--liquibase formatted sql

--changeset sqlrs:1-create-customers
create table customers (
    id integer primary key,
    name text not null
);
--rollback drop table customers;

--changeset sqlrs:2-insert-customers
insert into customers (id, name) values (1, 'Ada'), (2, 'Brian'), (3, 'Chen');
--rollback delete from customers where id in (1, 2, 3);

--changeset sqlrs:3-add-email
alter table customers add column email text;
update customers set email = lower(name) || '@example.com';
--rollback alter table customers drop column email;
