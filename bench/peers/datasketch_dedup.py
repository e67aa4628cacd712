# datasketch's signing + LSH on a JSONL file of {"text": ...} lines: the same work as
# `reprint dedup` before confirmation (word 5-grams, 128 permutations, threshold 0.8).
# MODE "batch" hashes a document's shingles with MinHash.update_batch (datasketch's fastest
# path); "update" calls MinHash.update once per shingle, as in datasketch's README.
# Prints seconds of signing, seconds of LSH (insert + query every document), the CPU seconds of
# both, candidate pairs.
# Reading the file and starting Python are not counted.
import json, sys, time
from datasketch import MinHash, MinHashLSH

path = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else 'batch'
threshold = float(sys.argv[3]) if len(sys.argv) > 3 else 0.8
texts = []
with open(path, encoding='utf-8') as f:
    for line in f:
        if line.strip():
            o = json.loads(line)
            texts.append(o.get('text') or o.get('content') or o.get('body') or '')

t0 = time.perf_counter()
c0 = time.process_time()
sigs = []
for t in texts:
    w = t.lower().split()
    m = MinHash(num_perm=128)
    sh = [' '.join(w[i:i + 5]).encode('utf8') for i in range(max(0, len(w) - 4))] or [' '.join(w).encode('utf8')]
    if mode == 'batch':
        m.update_batch(sh)
    else:
        for s in sh:
            m.update(s)
    sigs.append(m)
t1 = time.perf_counter()
lsh = MinHashLSH(threshold=threshold, num_perm=128)
for i, m in enumerate(sigs):
    lsh.insert(i, m)
pairs = 0
for i, m in enumerate(sigs):
    pairs += sum(1 for j in lsh.query(m) if j > i)
t2 = time.perf_counter()
c2 = time.process_time()
print(json.dumps({'sign': t1 - t0, 'lsh': t2 - t1, 'cpu': c2 - c0, 'candidates': pairs, 'documents': len(texts)}))
