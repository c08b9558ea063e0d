"""Baseline for bench/empty-bucket.ts: empties a versioned bucket the way boto3 users do.

    python bench/boto3_empty.py ENDPOINT BUCKET

Prints one JSON line: {"seconds": wall time of the emptying only, "deleted": n, "errors": n, "rounds": n}.

`Bucket.object_versions.delete()` lists a page of up to 1000 versions, sends one DeleteObjects for it and
lists the next page, sequentially. Against moto one call stops after the first page: the next page's
VersionIdMarker names an entry that was just deleted, and moto then finds no position to continue from
(real S3 continues). So the call is repeated until a listing shows the bucket empty; `rounds` says how
many calls that took (the last one finds nothing).
"""

import json
import sys
import time

import boto3


def main() -> None:
    endpoint, bucket_name = sys.argv[1], sys.argv[2]
    s3 = boto3.resource(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    bucket = s3.Bucket(bucket_name)

    deleted = errors = rounds = 0
    started = time.perf_counter()
    while True:
        rounds += 1
        round_deleted = 0
        for response in bucket.object_versions.delete():
            round_deleted += len(response.get("Deleted", []))
            errors += len(response.get("Errors", []))
        deleted += round_deleted
        if round_deleted == 0:  # nothing left, or nothing more that S3 will delete
            break
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "deleted": deleted, "errors": errors, "rounds": rounds}))


if __name__ == "__main__":
    main()
