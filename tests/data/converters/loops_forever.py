# A correct function, then an endless loop at the top level: loading never finishes.
import csv
import io


def json_to_csv(records):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]) if records else [])
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


while True:
    pass
