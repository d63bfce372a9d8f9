"""Makes the query and path files for bench/serve.sh.

  serve_queries.py DATA OUT N      writes OUT/queries.txt and OUT/search_paths.txt
  serve_queries.py --ids OUT URL   asks the running server for concept ids and
                                   writes OUT/concept_paths.txt
"""
import bz2, glob, gzip, json, os, random, re, sys, urllib.parse, urllib.request

def titles(data):
    with gzip.open(os.path.join(data, "wikispeedia/concepts.jsonl.gz"), "rt") as f:
        for line in f:
            yield json.loads(line)["title"]
    for path in sorted(glob.glob(os.path.join(data, "enwiki-2015-extracted/*/wiki_*.bz2"))):
        with bz2.open(path, "rt") as f:
            for line in f:
                m = re.match(r'<doc id="\d+" url="[^"]*" title="([^"]*)">', line)
                if m:
                    yield m.group(1)

def make_queries(data, out, n):
    rng = random.Random(42)
    all_titles = sorted(set(titles(data)))
    picked = rng.sample(all_titles, n)
    queries = []
    for t in picked:
        words = t.split()
        queries.append(" ".join(words[: rng.randint(1, min(3, len(words)))]))
    with open(os.path.join(out, "queries.txt"), "w") as f:
        f.write("\n".join(queries) + "\n")
    with open(os.path.join(out, "search_paths.txt"), "w") as f:
        for q in queries:
            f.write("/api/v1/search?limit=10&q=" + urllib.parse.quote(q) + "\n")

def concept_paths(out, url):
    ids = []
    with open(os.path.join(out, "queries.txt")) as f:
        for q in f.read().splitlines():
            with urllib.request.urlopen(url + "/api/v1/search?limit=1&q=" + urllib.parse.quote(q)) as r:
                items = json.load(r)["items"]
            if items:
                ids.append(items[0]["id"])
    with open(os.path.join(out, "concept_paths.txt"), "w") as f:
        f.write("".join(f"/concept/{i}\n" for i in ids))

if __name__ == "__main__":
    if sys.argv[1] == "--ids":
        concept_paths(sys.argv[2], sys.argv[3])
    else:
        make_queries(sys.argv[1], sys.argv[2], int(sys.argv[3]))
