# Subtly wrong: escapes everything outside ASCII ("山田" -> "\u5c71\u7530"), as code that
# pushes text through ascii()/json.dumps defaults does.
import csv
import io


def _ascii(value):
    return "" if value is None else str(value).encode("ascii", "backslashreplace").decode("ascii")


def json_to_csv(records):
    keys = []
    for record in records:
        for key in record:
            if key not in keys:
                keys.append(key)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_ascii(k) for k in keys])
    for record in records:
        writer.writerow([_ascii(record.get(k)) for k in keys])
    return out.getvalue()
