# Subtly wrong: writes each record's own values, so a missing key shifts the cells left
# instead of leaving an empty cell.
import csv
import io


def json_to_csv(records):
    keys = []
    for record in records:
        for key in record:
            if key not in keys:
                keys.append(key)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(keys)
    for record in records:
        writer.writerow(list(record.values()))
    return out.getvalue()
