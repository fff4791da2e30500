# Only a command line: main() reads the input path and the output path from argparse.
import argparse
import csv
import json


def main():
    parser = argparse.ArgumentParser(description="JSON to CSV")
    parser.add_argument("input")
    parser.add_argument("output")
    args = parser.parse_args()
    with open(args.input, encoding="utf-8") as f:
        records = json.load(f)
    keys = []
    for record in records:
        for key in record:
            if key not in keys:
                keys.append(key)
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys)
        writer.writeheader()
        writer.writerows(records)


if __name__ == "__main__":
    main()
