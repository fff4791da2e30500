# The DictWriter one-liner the fast small model writes: the header comes from the first
# record only, so a later record with another key raises ValueError, and [] raises IndexError.
import csv
import io


def json_to_csv(data):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=data[0].keys())
    writer.writeheader()
    writer.writerows(data)
    return out.getvalue()
