#!/usr/bin/env python3
"""Regenerates catalog.json from the NL2KQL semantic data catalogues in
../shared/nl (MIT, see LICENSE-NL2KQL beside this file): per table, its
description and per column its type, description, entity kind, format and
enumerated values. Run from the repository root:

    python3 translate/catalog/gen.py ../shared/nl > translate/catalog/catalog.json
"""
import json, sys, yaml

def short(s, n=200):
    s = ' '.join(str(s or '').split())
    return s if len(s) <= n else s[:n].rsplit(' ', 1)[0]

def main(d):
    out = {}
    for f in ('catalog-defender.yml', 'catalog-sentinel.yml'):
        for t in yaml.safe_load(open(f'{d}/{f}')):
            cols = []
            for c in t.get('Columns') or []:
                e = {'n': c['Name'], 't': str(c.get('Type') or '').rstrip('?')}
                if c.get('Description'): e['d'] = short(c['Description'])
                if c.get('Entity'): e['e'] = str(c['Entity'])
                if c.get('Format'): e['f'] = str(c['Format'])
                vals = []
                for v in c.get('Values') or []:
                    if isinstance(v, dict) and 'Value' in v:
                        val = v['Value']
                        if isinstance(val, bool): val = str(val).lower()
                        vals.append(str(val))
                if vals: e['v'] = vals
                cols.append(e)
            name = t['Name']
            if name in out:  # the same table in both catalogues: merge columns
                have = {c['n'] for c in out[name]['c']}
                out[name]['c'] += [c for c in cols if c['n'] not in have]
                continue
            out[name] = {'d': short(t.get('Description'), 400), 'c': cols}
    json.dump(out, sys.stdout, separators=(',', ':'), sort_keys=True)
    sys.stdout.write('\n')

main(sys.argv[1] if len(sys.argv) > 1 else '../shared/nl')
