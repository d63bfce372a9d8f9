#!/usr/bin/env python3
"""Related-records scores compared on labelled course pairs.

Reads a snapshot's records.jsonl and record_concepts.jsonl (docs/formats.md)
and a course-dependencies CSV (CourseCode1, CourseCode2 columns), and prints
recall@10 of each pair's other course, in both directions, for:

- the plain sum of products of shared concept scores (EPFL Graph Search's
  formula; kenning used it, squashed into [0, 1], before the current score);
- kenning's current score (kenning-records SharedConcepts) for several
  values of its profile prior, with and without the rarity weight.

The row "rarity, prior 0.5" is the score kenning serves; it must agree with
`kenning-eval courses` on the same snapshot (bench/wikify.sh, part d).
The fan-out bound (1,000 records per concept) does not bind on 1,506
courses, so it is left out here.

    python3 bench/related_sweep.py SNAPSHOT_DIR DEPENDENCIES_CSV
"""
import collections
import csv
import json
import math
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: related_sweep.py SNAPSHOT_DIR DEPENDENCIES_CSV")
    snapshot, dependencies = sys.argv[1], sys.argv[2]
    with open(f"{snapshot}/CURRENT") as f:
        generation = f"{snapshot}/{f.read().strip()}"
    with open(f"{generation}/records.jsonl") as f:
        records = [json.loads(line) for line in f]
    with open(f"{generation}/record_concepts.jsonl") as f:
        profiles = [dict(map(tuple, json.loads(line)["concepts"])) for line in f]
    if len(records) != len(profiles):
        sys.exit(f"{generation}: records.jsonl and record_concepts.jsonl differ in length")

    course_at = {}
    for i, record in enumerate(records):
        if record["type"] == "course":
            course_at.setdefault(record["id"], i)
    csv.field_size_limit(1 << 30)
    with open(dependencies, newline="") as f:
        rows = list(csv.reader(f))
    one, two = rows[0].index("CourseCode1"), rows[0].index("CourseCode2")
    pairs = {tuple(sorted((r[one], r[two]))) for r in rows[1:] if r[one] and r[two] and r[one] != r[two]}
    usable = sorted(p for p in pairs if p[0] in course_at and p[1] in course_at)

    postings = collections.defaultdict(list)
    for i, profile in enumerate(profiles):
        for concept, score in profile.items():
            postings[concept].append((i, score))
    with_concepts = sum(1 for p in profiles if p)
    lengths = [math.sqrt(sum(s * s for s in p.values())) for p in profiles]
    courses = [records[i]["type"] == "course" for i in range(len(records))]

    def rarity(concept):
        return math.log1p(with_concepts / len(postings[concept])) / math.log1p(with_concepts)

    def recall(weight, divide):
        top = {}

        def related(i):
            if i not in top:
                sums = collections.defaultdict(float)
                for concept, score in profiles[i].items():
                    w = score * weight(concept)
                    for other, theirs in postings[concept]:
                        if other != i and courses[other]:
                            sums[other] += w * theirs
                ranked = sorted(((-divide(i, o, x), o) for o, x in sums.items()))
                top[i] = {o for _, o in ranked[:10]}
            return top[i]

        found = sum((course_at[b] in related(course_at[a])) + (course_at[a] in related(course_at[b])) for a, b in usable)
        return f"{found / (2 * len(usable)):.3f} ({found} of {2 * len(usable)})"

    print(f"{len(usable)} pairs with both courses in the snapshot; recall@10 per direction")
    print()
    print("| score | recall@10 |")
    print("|---|---:|")
    print(f"| sum of products (EPFL Graph Search) | {recall(lambda c: 1.0, lambda i, o, x: x)} |")
    print(f"| rarity-weighted sum of products | {recall(rarity, lambda i, o, x: x)} |")
    print(f"| cosine | {recall(lambda c: 1.0, lambda i, o, x: x / (lengths[i] * lengths[o]))} |")
    for prior in (0.1, 0.25, 0.5, 1.0, 2.0):
        divide = lambda i, o, x, p=prior: x / ((lengths[i] + p) * (lengths[o] + p))
        print(f"| no rarity, prior {prior} | {recall(lambda c: 1.0, divide)} |")
    for prior in (0.0, 0.1, 0.25, 0.5, 1.0, 2.0):
        divide = lambda i, o, x, p=prior: x / ((lengths[i] + p) * (lengths[o] + p))
        print(f"| rarity, prior {prior} | {recall(rarity, divide)} |")


if __name__ == "__main__":
    main()
