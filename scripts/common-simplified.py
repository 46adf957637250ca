#!/usr/bin/env python3
"""Writes crates/conduct-rules/data/common-simplified/chars.txt: the Simplified Chinese characters
that make up 99.9 % of running text, ranked by jieba's word-frequency dictionary (MIT; each word's
count added to each of its characters). build.rs keeps the Traditional → Simplified pairs whose
Simplified or Traditional side is one of these or is written in a pack.

    pip install --target /tmp/pyjieba jieba
    python3 scripts/common-simplified.py /tmp/pyjieba/jieba/dict.txt
"""
import collections
import sys
from pathlib import Path

COVERAGE = 0.999
dict_path = Path(sys.argv[1]) if len(sys.argv) > 1 else sys.exit(__doc__)
freq = collections.Counter()
for line in dict_path.read_text(encoding="utf-8").splitlines():
    cols = line.split()
    if len(cols) >= 2 and cols[1].isdigit():
        for ch in cols[0]:
            if 0x3400 <= ord(ch) <= 0x9FFF:
                freq[ch] += int(cols[1])
total, seen, kept = sum(freq.values()), 0, []
for ch, n in freq.most_common():
    if seen >= COVERAGE * total:
        break
    kept.append(ch)
    seen += n
kept.sort()
out = Path(__file__).resolve().parent.parent / "crates/conduct-rules/data/common-simplified/chars.txt"
lines = ["".join(kept[i:i + 64]) for i in range(0, len(kept), 64)]
header = (f"# {len(kept)} characters, {COVERAGE:.1%} of the character count of jieba's dict.txt "
          "(word frequencies), in code point order; written by scripts/common-simplified.py\n")
out.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
print(f"{out}: {len(kept)} characters")
