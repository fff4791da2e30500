# The common interpretation of "PythonでJSON→CSV変換関数を書いてください": csv.DictWriter with
# every key, in first-seen order. Passes the seed fixtures.
import csv
import io


def json_to_csv(records):
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
