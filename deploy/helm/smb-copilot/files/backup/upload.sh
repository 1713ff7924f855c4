#!/bin/sh
# The backup CronJob's second step: the dumps to $DESTINATION/<UTC time>/, the manifest last, so
# that a folder with a manifest holds a complete backup. Credentials: the pod's identity (EKS Pod
# Identity, IRSA) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from backup.storageSecret.
set -eu
scratch=${BACKUP_DIR:-/backup}
stamp=$(cat "$scratch/stamp")
target="${DESTINATION%/}/$stamp"
if [ -n "${ENDPOINT:-}" ]; then
  set -- --endpoint-url "$ENDPOINT"
else
  set --
fi
for file in "$scratch"/out/postgres-*.dump; do
  aws "$@" s3 cp --only-show-errors "$file" "$target/$(basename "$file")"
done
aws "$@" s3 cp --only-show-errors "$scratch"/out/manifest.properties "$target/manifest.properties"
echo "backup $stamp: $(ls "$scratch"/out | wc -l) files, $(du -sk "$scratch"/out | cut -f 1) KiB, to $target"
