# The "enterprise" style: paths in and out, a BOM for Excel, an encoding option.
import csv
import json
from pathlib import Path


def convert_json_to_csv(input_path: str, output_path: str, *, encoding: str = "utf-8-sig") -> None:
    """Read a JSON array of objects from input_path and write it as CSV to output_path."""
    records = json.loads(Path(input_path).read_text(encoding="utf-8"))
    if not isinstance(records, list):
        raise ValueError("expected a JSON array")
    fieldnames: list[str] = []
    for record in records:
        for key in record:
            if key not in fieldnames:
                fieldnames.append(key)
    with open(output_path, "w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(records)
