#!/usr/bin/env bash
# Starts the machine's PostgreSQL (Debian's newest cluster) when nothing answers on
# 127.0.0.1:5432, and waits up to 30 s for it. The tests need it; scripts/test.sh and
# scripts/cluster-test.sh call this.
set -euo pipefail
pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
printf '==> %s\n' "starting PostgreSQL" >&2
pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
echo "PostgreSQL did not answer on 127.0.0.1:5432 within 30 s" >&2
exit 1
