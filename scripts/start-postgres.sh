#!/usr/bin/env bash
# Start the local PostgreSQL 15 cluster (installing it if absent) and create the guankao role.
# Prints the DATABASE_URL to use. Used by .ci/run; needs root or sudo.
set -euo pipefail
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
if ! command -v pg_ctlcluster >/dev/null || [ ! -d /usr/lib/postgresql/15 ]; then
    "${sudo_cmd[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq postgresql-15 >&2
fi
if [ ! -d /etc/postgresql/15/main ]; then
    "${sudo_cmd[@]}" pg_createcluster 15 main >&2
fi
# Prints "Cluster is already running." on stdout when it is; only the URL may go to stdout.
"${sudo_cmd[@]}" pg_ctlcluster 15 main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
    "${sudo_cmd[@]}" su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
    sleep 1
done
"${sudo_cmd[@]}" su postgres -c "psql -q -v ON_ERROR_STOP=1 -p 5432" >&2 <<'SQL'
SELECT 'CREATE ROLE guankao LOGIN CREATEDB PASSWORD ''guankao'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'guankao') \gexec
SELECT 'CREATE DATABASE guankao OWNER guankao'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'guankao') \gexec
SQL
echo "postgres://guankao:guankao@127.0.0.1:5432/guankao"
