#!/usr/bin/env python3
"""Turns the JSON fixtures into OCPP-J frames, one file each, as a seed corpus for the fuzzers."""
import json
import os
import sys

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(os.path.join(src, 'spec_examples.json')) as f:
    examples = json.load(f)
n = 0
for key, payloads in examples.items():
    action, kind = key.rsplit('.', 1)
    for p in payloads:
        frame = [2, 'id-%d' % n, action, p] if kind == 'req' else [3, action, p]
        with open(os.path.join(out, 'seed-%04d.json' % n), 'w') as f:
            json.dump(frame, f)
        n += 1
with open(os.path.join(src, 'invalid_examples.json')) as f:
    for case in json.load(f):
        action, kind = case['key'].rsplit('.', 1)
        frame = [2, 'id-%d' % n, action, case['payload']] if kind == 'req' else [3, action, case['payload']]
        with open(os.path.join(out, 'seed-%04d.json' % n), 'w') as f:
            json.dump(frame, f)
        n += 1
