# A correct function, then a command line parsed at the top level (no main guard): loading it
# exits with argparse's usage error, after the function is defined.
import argparse
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
    return out.getvalue()


parser = argparse.ArgumentParser()
parser.add_argument("input")
args = parser.parse_args()
print(json_to_csv(args.input))
