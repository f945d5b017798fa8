#!/bin/sh
# Train the ablation variants one after another (one core, fixed seed 0).
# Usage: sh models/ner/run_ablation.sh VARIANT...   (logs in models/ner/logs/)
set -u
. ./.venv/bin/activate
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p models/ner/logs
for v in "$@"; do
  if [ "$v" = pretrain ]; then
    timeout 13m python models/ner/pretrain.py --shared ../shared --epochs 6 --max-minutes 11 > models/ner/logs/pretrain.log 2>&1
  else
    timeout 24m python models/ner/train.py --variant "$v" > "models/ner/logs/$v.log" 2>&1
  fi
  echo "$(date -u +%H:%M:%S) done $v rc=$?" >> models/ner/logs/queue.log
done
