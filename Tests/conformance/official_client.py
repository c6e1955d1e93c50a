"""Drive a WriftAI API server with the official Python client (PyPI package `wriftai`).

Usage: official_client.py BASE_URL TOKEN OWNER/NAME

The model must exist, belong to the token's user and hold at least 11 versions, the newest numbered
highest, whose output schema is {"type": "string"}. Exits 0 when every answer matches what the client
and the API promise, non-zero with a message on the first mismatch.
"""

import sys

import httpx
from wriftai import Client
from wriftai.predictions import WaitOptions

DIGEST = "sha256:" + "c0ffee" * 10 + "c0de"


class Mismatch(Exception):
    """An answer that differs from what the API promises."""


def check(condition, message):
    if not condition:
        raise Mismatch(message)


def expect_status(status, call, what):
    """Runs `call`, which must fail with HTTP `status`."""
    try:
        call()
    except httpx.HTTPStatusError as error:
        check(
            error.response.status_code == status,
            f"{what}: expected HTTP {status}, got {error.response.status_code}",
        )
        return
    raise Mismatch(f"{what}: expected HTTP {status}, got a success")


PREDICTION_KEYS = (
    "id", "status", "model", "input", "output", "error", "created_at", "updated_at",
    "setup_time", "execution_time", "metrics", "stream",
)


def check_predictions(client, model, number):
    """Creates predictions on `model:number` with and without waiting, reads and waits for them."""
    predictions = client.predictions
    owner, name = model.split("/")
    pinned = {"owner": owner, "name": name, "version_number": number}

    # create(wait=True) sends `Prefer: wait`: the answer is the finished prediction.
    done = predictions.create(model=f"{model}:{number}", input={"prompt": "hello"}, validate_input=True, wait=True)
    for key in PREDICTION_KEYS:
        check(key in done, f"prediction lacks {key}: {done}")
    check(done["status"] == "succeeded", f"create(wait=True): status {done['status']}")
    check(done["model"] == pinned, f"create: model {done['model']} is not {pinned}")
    check(done["input"] == {"prompt": "hello"}, f"create: input not echoed: {done['input']}")
    check(isinstance(done["output"], str), f"create: output {done['output']!r} does not match the output schema")
    check(done["error"] is None, f"create: error {done['error']}")

    # get answers the same prediction.
    check(predictions.get(done["id"]) == done, "get: differs from the finished create")

    # Without waiting the prediction is still running; wait() polls it to its end.
    running = predictions.create(model=f"{model}:{number}", input={"prompt": "again"})
    check(running["status"] in ("pending", "starting", "started"), f"create: status {running['status']} without waiting")
    check(running["output"] is None, "create: output before the end")
    finished = predictions.wait(running["id"], WaitOptions(poll_interval=0.05))
    check(finished["status"] == "succeeded", f"wait: status {finished['status']}")
    check(finished["id"] == running["id"], "wait: another prediction")

    # A version that does not exist, and a prediction that does not.
    expect_status(404, lambda: predictions.create(model=f"{model}:9999", input={}), "create on a missing version")
    expect_status(404, lambda: predictions.get("no-such-prediction"), "get of a missing prediction")


def run(base_url, token, model):
    client = Client(access_token=token, api_base_url=base_url)
    versions = client.model_versions

    # List: two pages of five, newest first, then back with previous_cursor.
    first = versions.list(model, {"page_size": 5})
    check(len(first.items) == 5, f"first page: expected 5 items, got {len(first.items)}")
    numbers = [item["number"] for item in first.items]
    check(numbers == sorted(numbers, reverse=True), f"first page not newest first: {numbers}")
    check(first.previous_cursor is None, "first page: previous_cursor should be null")
    check(first.next_cursor, "first page: next_cursor missing")
    for item in first.items:
        for key in ("number", "release_notes", "created_at", "container_image_digest"):
            check(key in item, f"list item lacks {key}: {item}")

    second = versions.list(model, {"page_size": 5, "cursor": first.next_cursor})
    second_numbers = [item["number"] for item in second.items]
    check(len(second_numbers) == 5, f"second page: expected 5 items, got {second_numbers}")
    check(
        max(second_numbers) < min(numbers),
        f"second page {second_numbers} overlaps or precedes the first {numbers}",
    )
    check(second.previous_cursor, "second page: previous_cursor missing")

    back = versions.list(model, {"page_size": 5, "cursor": second.previous_cursor})
    check(
        [item["number"] for item in back.items] == numbers,
        f"back via previous_cursor: expected {numbers}, got {[i['number'] for i in back.items]}",
    )

    # Get one version's details.
    newest = numbers[0]
    check_predictions(client, model, newest)
    details = versions.get(f"{model}:{newest}")
    check(details["number"] == newest, f"get: wrong number {details['number']}")
    for key in ("release_notes", "created_at", "schemas", "compatibilities", "size", "container_image_digest"):
        check(key in details, f"get: details lack {key}")
    check("input" in details["schemas"]["prediction"], "get: schemas.prediction.input missing")

    # Create: the next number, configuration inherited from the latest version.
    inherited = versions.get_configuration(f"{model}:{newest}")
    created = versions.create(
        model,
        {
            "release_notes": "created by the official client",
            "container_image_digest": DIGEST,
            "schemas": {"prediction": {"input": {"type": "object"}, "output": {"type": "string"}}},
            "compatibilities": {"openai_chat_completions": True},
        },
    )
    check(created["number"] == newest + 1, f"create: expected number {newest + 1}, got {created['number']}")
    check(created["container_image_digest"] == DIGEST, "create: digest not echoed")
    check(created["compatibilities"]["openai_chat_completions"] is True, "create: compatibility lost")
    check(created["compatibilities"]["anthropic_messages"] is False, "create: omitted flag not false")
    check(created["configuration"] == inherited, f"create: configuration {created['configuration']} not inherited {inherited}")
    identifier = f"{model}:{created['number']}"

    # Get and update the configuration.
    configuration = versions.get_configuration(identifier)
    check(configuration == inherited, f"get_configuration: {configuration}")
    updated = versions.update_configuration(identifier, {"hardware_identifier": "gpu-l4", "variable_names": ["API_KEY"]})
    check(updated == {"hardware_identifier": "gpu-l4", "variable_names": ["API_KEY"]}, f"update_configuration: {updated}")
    check(versions.get_configuration(identifier) == updated, "update_configuration: not persisted")

    # A validation error reaches the client as HTTP 422.
    expect_status(
        422,
        lambda: versions.create(
            model,
            {"release_notes": "x" * 256, "container_image_digest": "sha256:nope", "schemas": {"prediction": {}}},
        ),
        "invalid create",
    )

    # Delete: the client parses a JSON body on every answer and raises on the empty 204, so success is
    # judged by the version being gone.
    try:
        versions.delete(identifier)
    except ValueError:
        pass
    expect_status(404, lambda: versions.get(identifier), "get after delete")
    listed = versions.list(model, {"page_size": 5})
    check(
        created["number"] not in [item["number"] for item in listed.items],
        "deleted version still listed",
    )


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    _, base_url, token, model = argv
    try:
        run(base_url, token, model)
    except Mismatch as mismatch:
        print(f"conformance mismatch: {mismatch}", file=sys.stderr)
        return 1
    print("official client conformance: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
