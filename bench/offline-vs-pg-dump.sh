#!/usr/bin/env bash
# Benchmark: Cutover's offline transfer against `pg_dump -Fc -Z0 | pg_restore`, same database, same two servers.
#
# The embedded PostgreSQL bundles ship no pg_dump, and pg_dump cannot dump a newer server, so this runs both
# between two throwaway clusters of the distribution's PostgreSQL (Debian: postgresql-15), on loopback ports.
# Needs root (it installs the package if missing and creates the clusters). Usage: bench/offline-vs-pg-dump.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
version="${PG_VERSION:-15}"
src_port=55432
tgt_port=55433

if [ ! -x "/usr/lib/postgresql/$version/bin/pg_dump" ]; then
  apt-get update -qq && apt-get install -y -qq "postgresql-$version" >/dev/null
fi
cleanup() {
  for c in cutover_bench_src cutover_bench_tgt; do
    pg_dropcluster --stop "$version" "$c" 2>/dev/null || true
  done
}
trap cleanup EXIT
cleanup
for pair in "cutover_bench_src $src_port" "cutover_bench_tgt $tgt_port"; do
  set -- $pair
  pg_createcluster "$version" "$1" -p "$2" \
    -o shared_buffers=256MB -o max_wal_size=4GB -o maintenance_work_mem=256MB -o checkpoint_timeout=30min \
    -o max_connections=200 -- --auth=trust >/dev/null
  pg_ctlcluster "$version" "$1" start
done

[ -f local-stack/target/cutover-local-stack.jar ] || mvn -B -q install -DskipTests
java -jar local-stack/target/cutover-local-stack.jar --rows "$rows" \
  --source-port "$src_port" --target-port "$tgt_port" --compare-pg-dump "/usr/lib/postgresql/$version/bin"
