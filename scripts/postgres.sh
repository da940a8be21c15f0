# Start Debian's PostgreSQL for the test suite and export DOFC_TEST_POSTGRES_URL, the URL of a
# role that may create databases (the suite makes one database per test file).
# Sourced by test.sh; works as root on a machine with the postgresql package installed.

start_test_postgres() {
  local version cluster_port=5432
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
  if [ -z "$version" ]; then
    echo "PostgreSQL is not installed: apt-get install postgresql" >&2
    return 1
  fi
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
    pg_createcluster "$version" main >/dev/null || return 1
  fi
  pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$cluster_port" && break
    sleep 1
  done
  pg_isready -q -h 127.0.0.1 -p "$cluster_port" || return 1

  su postgres -c "psql -q -p $cluster_port -v ON_ERROR_STOP=1" <<'SQL' || return 1
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dofc_test') THEN
    CREATE ROLE dofc_test LOGIN CREATEDB PASSWORD 'dofc_test';
  END IF;
END
$$;
SQL
  export DOFC_TEST_POSTGRES_URL="postgres://dofc_test:dofc_test@127.0.0.1:$cluster_port/postgres"
  echo "PostgreSQL $version ready at 127.0.0.1:$cluster_port"
}
