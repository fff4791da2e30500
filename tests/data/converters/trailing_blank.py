# Subtly wrong: right rows, then one more line break, so the CSV ends with a blank line.
import csv
import io


def json_to_csv(records):
    keys = []
    for record in records:
        for key in record:
            if key not in keys:
                keys.append(key)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=keys)
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue() + "\r\n"
