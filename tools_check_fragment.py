"""Temporary helper for data transcription (deleted after merge): checks a YAML fragment."""
import sys, yaml
sys.path.insert(0, "src"); sys.path.insert(0, "tests/catalog")
from source_text import position_in_source
from tekseru.catalog.schema import Criterion, Checklist
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
bad = 0
if "criteria" in doc:
    for raw in doc["criteria"]:
        c = Criterion.model_validate(raw)
        if position_in_source(c.text.kk) < 0:
            bad += 1; print("NOT FAITHFUL criterion", c.number)
else:
    cl = Checklist.model_validate(doc)
    for t in [cl.title.kk] + [i.text.kk for i in cl.items]:
        if position_in_source(t) < 0:
            bad += 1; print("NOT FAITHFUL:", t[:80])
print("ok" if not bad else f"{bad} problems")
