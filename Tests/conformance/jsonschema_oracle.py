"""Validate schema/instance pairs with the Python `jsonschema` package (Draft202012Validator): the oracle
of the differential test of WriftSync's JSON Schema validator (Tests/JSONSchemaTests).

Usage: jsonschema_oracle.py CASES RESULTS

CASES holds one JSON object per line, {"schema": ..., "instance": ...}. RESULTS receives one line per
case, in order: "valid", "invalid", or "error: <exception>" when jsonschema raised instead of deciding.
Numbers are parsed as Python's json module does (1 is an int, 1.0 a float), which is the point: both
must be integers to JSON Schema.
"""

import json
import sys
from importlib.metadata import version

from jsonschema import Draft202012Validator


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    _, cases_path, results_path = argv
    results = []
    # Many cases share a schema: check and compile each one once.
    validators = {}
    with open(cases_path, encoding="utf-8") as cases:
        for line in cases:
            case = json.loads(line)
            try:
                key = json.dumps(case["schema"], sort_keys=True)
                if key not in validators:
                    Draft202012Validator.check_schema(case["schema"])
                    validators[key] = Draft202012Validator(case["schema"])
                valid = validators[key].is_valid(case["instance"])
                results.append("valid" if valid else "invalid")
            except Exception as error:  # noqa: BLE001 - every failure is a result to compare
                results.append("error: " + repr(error).replace("\n", " ")[:300])
    with open(results_path, "w", encoding="utf-8") as output:
        output.write("\n".join(results) + "\n")
    print(f"jsonschema {version('jsonschema')}: {len(results)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
