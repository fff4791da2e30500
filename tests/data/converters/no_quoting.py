# Subtly wrong: joins values with commas and never quotes, so "a, b" becomes two cells and a
# line break inside a value starts a new row.
def json_to_csv(records):
    keys = []
    for record in records:
        for key in record:
            if key not in keys:
                keys.append(key)
    lines = [",".join(keys)]
    for record in records:
        lines.append(",".join("" if record.get(k) is None else str(record.get(k)) for k in keys))
    return "\n".join(lines) + "\n" if records else ""
