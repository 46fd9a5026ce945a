create table notes (id bigserial primary key, text varchar(200) not null, port int);
-- which server ran the migration: it must be the primary
create table migration_proof as select inet_server_port() as port;
-- the server's port from a STABLE function: may run on a standby, unlike inet_server_port() itself
create function server_port() returns int language sql stable as 'select inet_server_port()';
