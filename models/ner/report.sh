#!/bin/sh
# Score trained variants on the dev split (selection) and GermEval test (report).
# Usage: sh models/ner/report.sh VARIANT...  -> models/ner/results/<variant>.{dev,test}.md
set -u
. ./.venv/bin/activate
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p models/ner/results
for v in "$@"; do
  m=models/ner/training/$v/model-best
  for split in dev test; do
    python models/ner/ablate.py "$m" --data "$split" --markdown "$v" > "models/ner/results/$v.$split.md"
  done
  best=$(grep -E "^\s+[0-9]+\s+[0-9]+" "models/ner/logs/$v.log" | sort -k4 -g | tail -1 | awk '{print "epoch " $1 ", step " $2 ", dev-split F1 " $4}')
  last=$(grep -E "^\s+[0-9]+\s+[0-9]+" "models/ner/logs/$v.log" | tail -1 | awk '{print $2}')
  echo "$v: best checkpoint $best; last step $last" > "models/ner/results/$v.train.txt"
done
