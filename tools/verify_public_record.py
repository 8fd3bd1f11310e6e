"""Check the network's public record from outside, with its open data alone.

For a city's auditor, a journalist, anyone: no account and no database needed.

    python -m tools.verify_public_record https://dwcn.example

It reads the whole audit chain from ``/api/v1/audit/entries`` and checks:

- the chain: each entry links to the one before, each public entry's hash is
  recomputed from its fields (private ones are followed by their hashes), and the
  last is the head that ``/api/v1/audit/head`` publishes;
- every closed vote: its published ballots (roll call or receipts) are as many as
  the cities whose ballot the log records, a recorded vote's roll call names those
  cities, a secret vote's ballots hash to the digest published at its close, and the
  published result is the one the log recorded at the close;
- every declaration's signatures: each is the one its ``declaration.signed`` entry
  records (city, signatory, title, date, how, code), withdrawn when an entry says so,
  and none that the log records is missing.

It prints what it checked and exits 1, naming each difference, if anything is off.
The API's rate limit is honoured (it waits as ``Retry-After`` says).
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from network.audit.rules import entry_hash
from network.votes.services import ballots_digest

PER_PAGE = 200


class PublicRecord:
    """The open data of one deployment, read page by page."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/") + "/api/v1"

    def get(self, path: str, **query: Any) -> Any:
        """GET a JSON answer, waiting as asked when the rate limit is reached."""
        url = self.base + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        for _attempt in range(10):
            try:
                with urllib.request.urlopen(url, timeout=60) as answer:
                    return json.load(answer)
            except urllib.error.HTTPError as error:
                if error.code != 429:
                    raise
                time.sleep(float(error.headers.get("Retry-After") or 5))
        raise RuntimeError(f"{url}: still rate-limited after ten waits")

    def pages(self, path: str, **query: Any) -> Iterator[dict[str, Any]]:
        """Yield every item of a paginated list."""
        page = 1
        while True:
            body = self.get(path, page=page, per_page=PER_PAGE, **query)
            yield from body["items"]
            if page * body["per_page"] >= body["total"]:
                return
            page += 1


def check_chain(entries: list[dict[str, Any]], head: dict[str, Any]) -> Iterator[str]:
    """Follow the chain from its first entry to the published head."""
    previous = None
    for entry in entries:
        if previous is not None and entry["prev_hash"] != previous["hash"]:
            yield f"entry #{entry['seq']}: does not link to entry #{previous['seq']}"
        if previous is not None and entry["seq"] != previous["seq"] + 1:
            yield f"entry #{entry['seq']}: follows #{previous['seq']}, an entry is missing"
        if entry["public"]:
            fields = {
                key: entry[key]
                for key in ("seq", "actor_id", "action", "subject_type", "subject_id", "data")
            }
            fields |= {
                "created_at": datetime.fromisoformat(entry["created_at"]),
                "public": True,
                "prev_hash": entry["prev_hash"],
            }
            if entry_hash(**fields) != entry["hash"]:
                yield f"entry #{entry['seq']}: its fields do not hash to its published hash"
        previous = entry
    if previous is None or (previous["seq"], previous["hash"]) != (head["seq"], head["hash"]):
        yield "the chain does not end at the published head"


def check_votes(record: PublicRecord, entries: list[dict[str, Any]]) -> Iterator[str]:
    """Compare every closed vote's published ballots and result with the log."""
    voters: dict[int, Counter[str]] = defaultdict(Counter)
    closings: dict[int, dict[str, Any]] = {}
    for entry in entries:
        if entry.get("action") == "vote.ballot_cast":
            voters[int(entry["subject_id"])][entry["data"]["city"]] += 1
        elif entry.get("action") == "vote.closed":
            closings[int(entry["subject_id"])] = entry["data"]
    for vote_id, closing in sorted(closings.items()):
        vote = record.get(f"/votes/{vote_id}")
        label = f"vote {vote_id}"
        if vote.get("result") is None or vote["status"] != "closed":
            yield f"{label}: closed in the log, not published as closed"
            continue
        cities = voters.get(vote_id, Counter())
        if any(times > 1 for times in cities.values()):
            yield f"{label}: the log records a city's ballot twice"
        if "roll_call" in vote:
            published = [row for row in vote["roll_call"] if row.get("choice") is not None]
            if Counter(row["city"] for row in published) != cities:
                yield f"{label}: its roll call does not name the cities the log says voted"
        else:
            published = vote["ballots"]
            contents = sorted((row["receipt"], _stored(vote, row["choice"])) for row in published)
            if ballots_digest(contents) != closing["ballots_digest"]:
                yield f"{label}: its published ballots do not hash to the digest of its close"
        if len(published) != closing["ballots"] or len(published) != sum(cities.values()):
            yield (
                f"{label}: {len(published)} ballots published, {closing['ballots']} at its "
                f"close, {sum(cities.values())} cities recorded as voting"
            )
        if vote["result"] != _public_result(closing["result"], vote["result"]):
            yield f"{label}: its published result is not the one recorded at its close"


def _stored(vote: dict[str, Any], choice: Any) -> Any:
    """Return a published choice as the vote stored it: candidates by their option ids."""
    ids = {option["label"]: option["id"] for option in vote["options"]}
    if vote["kind"] == "approval" or choice is None:
        return choice
    if vote["kind"] == "single":
        return ids[choice]
    return [ids[label] for label in choice]


def _public_result(recorded: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """Return the recorded result, as far as the API publishes its fields."""
    return {key: recorded.get(key) for key in published}


def check_signatures(record: PublicRecord, entries: list[dict[str, Any]]) -> Iterator[str]:
    """Compare every declaration's published signatures with the log."""
    signed: dict[str, dict[str, Any]] = {}
    withdrawn: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry.get("action") == "declaration.signed":
            signed[entry["data"]["verification_code"]] = entry["subject_id"], entry["data"]
        elif entry.get("action") == "declaration.signature_withdrawn":
            withdrawn[entry["data"]["verification_code"]] = entry["data"]
    seen = set()
    for declaration in record.pages("/declarations"):
        slug = declaration["slug"]
        for signature in record.pages(f"/declarations/{slug}/signatures"):
            code = signature["verification_code"]
            seen.add(code)
            label = f"signature {code} of {signature['city']} on {slug}"
            if code not in signed:
                yield f"{label}: no entry of the log records it"
                continue
            where, said = signed[code]
            if where != slug:
                yield f"{label}: the log records it on {where}"
            for field in ("city", "signatory_name", "signatory_title", "signed_on", "mode"):
                if signature[field] != said[field]:
                    yield f"{label}: {field} is {signature[field]!r}, the log says {said[field]!r}"
            if signature["withdrawn"] != (code in withdrawn):
                yield f"{label}: withdrawn {signature['withdrawn']}, not as the log says"
    for code in signed.keys() - seen:
        yield f"signature {code}: recorded in the log, not published"


def verify(base_url: str) -> list[str]:
    """Run every check against ``base_url``; return the problems found."""
    record = PublicRecord(base_url)
    head = record.get("/audit/head")
    entries = list(record.pages("/audit/entries"))
    problems = list(check_chain(entries, head))
    problems += check_votes(record, entries)
    problems += check_signatures(record, entries)
    print(f"{len(entries)} entries read, head #{head['seq']} {head['hash']}")
    return problems


def main() -> int:
    """Verify the deployment named on the command line."""
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    problems = verify(sys.argv[1])
    for problem in problems:
        print(f"DIFFERS: {problem}")
    if problems:
        print(f"{len(problems)} difference(s) between the public record and its audit log.")
        return 1
    print("The public record agrees with its audit log: chain, votes and signatures.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
