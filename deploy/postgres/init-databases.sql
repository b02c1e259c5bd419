-- One database and one role per service: a service can reach only its own tables, never another's.
-- Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d), or by hand with
-- psql as a superuser on a managed server. Passwords come from the environment (psql 15+ \getenv), never
-- from this file:  PG_PASSWORD_IDENTITY, PG_PASSWORD_REGISTRATION, PG_PASSWORD_TRAINING, PG_PASSWORD_REPORTING.
\set ON_ERROR_STOP on

\getenv identity_password PG_PASSWORD_IDENTITY
\getenv registration_password PG_PASSWORD_REGISTRATION
\getenv training_password PG_PASSWORD_TRAINING
\getenv reporting_password PG_PASSWORD_REPORTING

CREATE ROLE identity LOGIN PASSWORD :'identity_password';
CREATE ROLE registration LOGIN PASSWORD :'registration_password';
CREATE ROLE training LOGIN PASSWORD :'training_password';
-- CREATEDB: reporting rebuilds its projections into a fresh database (reporting_g<N>) beside its own.
CREATE ROLE reporting LOGIN CREATEDB PASSWORD :'reporting_password';

-- The role owns its database, so Alembic (run by the service itself) can create and alter its tables.
CREATE DATABASE identity OWNER identity ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE registration OWNER registration ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE training OWNER training ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE reporting OWNER reporting ENCODING 'UTF8' TEMPLATE template0;

REVOKE ALL ON DATABASE identity FROM PUBLIC;
REVOKE ALL ON DATABASE registration FROM PUBLIC;
REVOKE ALL ON DATABASE training FROM PUBLIC;
REVOKE ALL ON DATABASE reporting FROM PUBLIC;
