# Subtly wrong: the header is sorted instead of in first-seen order.
import csv
import io


def json_to_csv(records):
    keys = sorted({key for record in records for key in record})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=keys)
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()
