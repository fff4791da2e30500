# The contract of seed.json_to_csv_contract_en, followed to the letter (sim-oss-20b style).
import csv
import io
import json
from typing import Any


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def json_to_csv(records: list[dict]) -> str:
    """Convert a list of JSON objects to CSV text.

    The header lists every key in first-seen order; missing keys give empty cells; nested
    dicts and lists are written as compact JSON; None is empty; booleans are true/false.
    """
    if not records:
        return ""
    header: list[str] = []
    for record in records:
        for key in record:
            if key not in header:
                header.append(key)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for record in records:
        writer.writerow([_cell(record.get(key)) for key in header])
    return out.getvalue()
