#!/bin/bash
# A/B in one process per run: main's source vs this branch's, same database, alternating, same load.
URL=$1; shift
for kind in "$@"; do
  for v in main mine main mine; do
    if [ $v = main ]; then P=/work/main/src; else P=/work/wt/search18/src; fi
    echo -n "$kind $v load $(cut -d' ' -f1 /proc/loadavg): "
    (cd /tmp && PYTHONPATH=$P PROFILE=0 /work/wt/search18/.venv/bin/python /tmp/search18/prof2.py $URL $kind 150 2>&1 | tail -3 | head -2 | tr '\n' ' ')
    echo
  done
done
