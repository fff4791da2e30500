# Correct, but chatty: prints when imported and on every call. Prints are not the result.
import csv
import io
import sys

print("id,name\r\nforged,row")
print("loading the converter...", file=sys.stderr)


def json_to_csv(records):
    print(f"converting {len(records)} records")
    keys = []
    for record in records:
        for key in record:
            if key not in keys:
                keys.append(key)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=keys, restval="")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()
