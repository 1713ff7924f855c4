#!/bin/sh
# The backup CronJob's first step: one pg_dump archive (custom format, one consistent snapshot)
# per database of $DATABASES into /backup/out, and manifest.properties with each file's size and
# SHA-256, in the layout of `./copilot backup` (`./copilot restore` restores it; tests/edge
# BackupDrillTest runs this script).
set -eu
scratch=${BACKUP_DIR:-/backup}
out=$scratch/out
mkdir -p "$out"
date -u +%Y%m%dT%H%M%SZ > "$scratch/stamp"
started=$(date +%s)
for db in $DATABASES; do
  echo "dumping $db from $PGHOST:$PGPORT"
  pg_dump --format=custom --dbname="$db" --file="$out/postgres-$db.dump"
done
{
  echo "created-at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "databases=$(echo $DATABASES | tr ' ' ',')"
  echo "postgres-version=$(pg_dump --version)"
  for file in "$out"/postgres-*.dump; do
    name=$(basename "$file")
    echo "file.$name.size=$(wc -c < "$file" | tr -d ' ')"
    echo "file.$name.sha256=$(sha256sum "$file" | cut -d ' ' -f 1)"
  done
  echo "seconds=$(($(date +%s) - started))"
} > "$out/manifest.properties"
echo "dumped $(echo $DATABASES | wc -w) databases in $(($(date +%s) - started)) s"
