#!/usr/bin/env python3
"""Generate a synthetic MediaWiki XML dump whose link graph has English Wikipedia's proportions.

    python3 bench/make_graph_dump.py OUT.xml --articles N [--seed S]

For memory benchmarks (bench/memory.sh): bench/make_dump.py repeats a 106-article excerpt, so almost
all of its links are red and the graph does not grow with the dump; here every article is new and
links to the others the way Wikipedia's articles do, so memory per article and per link can be
measured and projected to English Wikipedia (7M articles, ~10M redirects, ~200M links, ~2M
categories).

What it writes (MediaWiki export 0.10, English namespaces, page ids ascending with small gaps):

  articles    N pages in ns 0: "'''Title''' is a ..." then paragraphs of words drawn from a
              50,000-word synthetic vocabulary (Zipf), section headings, an occasional {{template|x}},
              <ref>...</ref>s, ~29 wiki links on average (log-normal per article), 1-8
              [[Category:...]] (3 on average); about 1.5-2 KB of wikitext per article
  redirects   ~1.4 per article (--redirects), separate pages "#REDIRECT [[Target]]" with
              <redirect title="Target" />; half go to articles drawn uniformly, half to popular
              ones (so a few articles have hundreds); ~9% are capitalisation variants of their
              target ({{R from other capitalisation}}), the rest other names
  categories  a pool of N/3.5 categories (--articles-per-category); members drawn Zipf-like;
              --category-pages percent of them (default 70) also get a page in ns 14

Link targets are drawn Zipf-Mandelbrot-like (p(rank) ~ 1/(rank + 50)), so in-degrees are skewed as
on Wikipedia (at 1M articles: median ~6, the top article ~0.2% of all links, a few hundred
thousand in-links at 7M); 10% of links (--red) point at titles
that do not exist (drawn from a pool of N red titles, also skewed), 12% of the others
(--via-redirect) go through one of the target's redirect titles. Anchors: mostly [[Target]], also
[[target]] (lower-case first letter), [[Target|other words]], [[Target]]s and [[Target#Part|...]].

Titles are 1-4 words (~20 bytes; some with a qualifier such as "(film)") and unique by
construction: each name is an injective function of its number, so no set of titles is kept.
Everything is deterministic for a given --seed and Python version.

At the end it prints the counts (articles, redirects, links, categories, bytes, ...) and writes
them as one JSON line to OUT.counts.json (OUT.xml -> OUT.counts.json). `links_distinct_resolved`,
`links_red`, `redirects` and `categories_expected` are what `kenning stats` should report as links
(distinct article-to-article links after redirects, self-links left out), red_links (occurrences),
redirects and categories.

Python standard library only. Memory is bounded: it holds the N article titles, a few arrays of N
integers, a pool of 2M text words (sentences are slices of it at random offsets) and caches of at
most 2^18 red/redirect/category names each; pages are written as they are made (52 MB at 5k
articles, 124 MB at 125k). Speed: about 4,500 articles/s on one core (125k articles in 28 s).
"""

import argparse
import functools
import hashlib
import json
import math
import os
import random
import sys
import time
from array import array

MASK64 = (1 << 64) - 1
VOCAB_SIZE = 50_000
TITLE_SKIP = 150  # the most common text words are not used in titles
# share of titles with 1, 2, 3, 4 words
WORD_CLASSES = (0.12, 0.44, 0.29, 0.15)
QUALIFIERS = (
    "film", "band", "album", "song", "river", "footballer", "politician", "novel", "company",
    "village", "mountain", "ship", "genus", "plant", "poet", "journal", "TV series",
    "1987 film", "2004 film", "video game", "magazine", "software", "unit", "disambiguation",
)
# category name patterns; {} is a unique name
CATEGORY_PATTERNS = (
    "{}", "{}", "{}", "{}", "People from {}", "Rivers of {}", "{} albums", "History of {}",
    "{} films", "Populated places in {}", "{} stubs", "Companies based in {}",
)
# words the patterns add: kept out of the vocabulary so that category names stay unique
PATTERN_WORDS = {"people", "from", "rivers", "of", "albums", "history", "films", "populated",
                 "places", "in", "stubs", "companies", "based"}
TEMPLATES = ("citation needed", "convert|12|km", "lang|fr|{w}", "nowrap|{w} {w}", "circa|1850",
             "as of|2019", "clarify", "sfn|{W}|2001|p=12", "IPA|{w}", "frac|1|2")
ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
          "b", "d", "k", "l", "m", "n", "r", "s", "t", "z", "j", "br", "ch", "st", "th", "tr", "",
          "", "", "")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "e", "ai", "ou", "y")
CODAS = ("", "", "", "", "", "", "n", "r", "s", "l", "m", "t", "n", "r", "nd", "st", "x")
ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü"}


def die(msg):
    sys.exit(f"make_graph_dump: error: {msg}")


def mix64(x):
    """splitmix64 finaliser: a well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def coprime_near(m, frac, salt):
    """An integer in (0, m) near frac*m, coprime with m (a multiplier for an affine permutation)."""
    if m <= 2:
        return 1
    a = max(1, int(m * frac) + salt % max(1, m // 1000))
    while math.gcd(a, m) != 1:
        a += 1
    return a % m or 1


def make_vocabulary(rng):
    """VOCAB_SIZE distinct synthetic lower-case words; short ones first (they are the common ones)."""
    words, seen = [], set(PATTERN_WORDS)
    while len(words) < VOCAB_SIZE:
        i = len(words)
        if i < 150:
            n = 1
        elif i < 3000:
            n = rng.choice((1, 2, 2))
        elif i < 20000:
            n = rng.choice((2, 2, 3))
        else:
            n = rng.choice((2, 2, 3, 3, 3))
        w = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(n))
        if not w[0].isalpha() or len(w) < 2:
            continue
        if i >= 1000 and rng.random() < 0.04:  # a few non-ASCII letters, never the first one
            j = rng.randrange(1, len(w))
            if w[j] in ACCENTED:
                w = w[:j] + ACCENTED[w[j]] + w[j + 1:]
        if w in seen:
            continue
        seen.add(w)
        words.append(w)
    return words


class Names:
    """name(u): a distinct title of 1-4 words for every integer u in [0, total).

    u is scrambled by an affine permutation of [0, total), the result picks a word-count class by
    range and, within the class, an index that an affine permutation of [0, V^k) turns into k
    word numbers. Capitalisation and qualifiers depend on u only, so two different u never give
    the same words, hence never the same title."""

    def __init__(self, words, total, seed):
        self.words = words
        v = self.v = len(words)
        self.total = total
        self.a = coprime_near(total, 0.6180339887, seed)
        self.b = mix64(seed) % total
        self.salt = mix64(seed ^ 0x5EED)
        self.classes = []  # (start, size, k, mult, add, modulus)
        start = 0
        sizes = [int(f * total) for f in WORD_CLASSES]
        sizes[0] = min(sizes[0], v // 2)
        sizes[1] += total - sum(sizes)
        for k, size in enumerate(sizes, 1):
            mod = v ** k
            if size > mod:
                die(f"too many names ({total:,}) for the vocabulary")
            self.classes.append((start, size, k, coprime_near(mod, 0.7548776662, seed + k),
                                 mix64(seed + 7 * k) % mod, mod))
            start += size

    def words_of(self, u):
        p = (u * self.a + self.b) % self.total
        for start, size, k, mult, add, mod in self.classes:
            if p < start + size:
                q = ((p - start) * mult + add) % mod
                out = []
                for _ in range(k):
                    q, d = divmod(q, self.v)
                    out.append(self.words[d])
                return out
        raise AssertionError("unreachable")

    def name(self, u):
        ws = self.words_of(u)
        h = mix64(u ^ self.salt)
        if h & 3:  # three in four: Title Case (proper names), else sentence case
            t = " ".join(w[0].upper() + w[1:] for w in ws)
        else:
            t = ws[0][0].upper() + ws[0][1:] + ("" if len(ws) == 1 else " " + " ".join(ws[1:]))
        if (h >> 8) % 100 < 7:
            t += " (" + QUALIFIERS[(h >> 16) % len(QUALIFIERS)] + ")"
        return t


def case_variant(title):
    """Another capitalisation of a title of 2+ words (a typical redirect), or None."""
    base, sep, qual = title.partition(" (")
    ws = base.split(" ")
    if len(ws) < 2:
        return None
    if all(w[:1].isupper() for w in ws[1:]):
        v = ws[0] + " " + " ".join(w[:1].lower() + w[1:] for w in ws[1:])
    else:
        v = " ".join(w[:1].upper() + w[1:] for w in ws)
    v = v + sep + qual
    return v if v != title else None


def esc_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(s):
    return esc_text(s).replace('"', "&quot;")


B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
B36_3 = [a + b + c for a in B36 for b in B36 for c in B36]


def sha1_base36(data):
    """The <sha1> of a revision: SHA-1 in base 36, 31 digits, as MediaWiki writes it."""
    n = int.from_bytes(hashlib.sha1(data).digest(), "big")
    out = []
    while n:
        n, r = divmod(n, 46656)
        out.append(B36_3[r])
    return "".join(reversed(out)).lstrip("0").rjust(31, "0")


def counts_path(out):
    return (out[:-4] if out.endswith(".xml") else out) + ".counts.json"


HEADER = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.10/ http://www.mediawiki.org/xml/export-0.10.xsd" \
version="0.10" xml:lang="en">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <dbname>enwiki</dbname>
    <base>https://en.wikipedia.org/wiki/Main_Page</base>
    <generator>MediaWiki 1.27.0-wmf.22</generator>
    <case>first-letter</case>
    <namespaces>
""" + "".join(
    f'      <namespace key="{k}" case="{c}">{n}</namespace>\n' if n
    else f'      <namespace key="{k}" case="{c}" />\n'
    for k, c, n in (
        (-2, "first-letter", "Media"), (-1, "first-letter", "Special"), (0, "first-letter", ""),
        (1, "first-letter", "Talk"), (2, "first-letter", "User"), (3, "first-letter", "User talk"),
        (4, "first-letter", "Wikipedia"), (5, "first-letter", "Wikipedia talk"),
        (6, "first-letter", "File"), (7, "first-letter", "File talk"),
        (8, "first-letter", "MediaWiki"), (9, "first-letter", "MediaWiki talk"),
        (10, "first-letter", "Template"), (11, "first-letter", "Template talk"),
        (12, "first-letter", "Help"), (13, "first-letter", "Help talk"),
        (14, "first-letter", "Category"), (15, "first-letter", "Category talk"),
        (100, "first-letter", "Portal"), (101, "first-letter", "Portal talk"),
        (108, "first-letter", "Book"), (109, "first-letter", "Book talk"),
        (118, "first-letter", "Draft"), (119, "first-letter", "Draft talk"),
        (446, "first-letter", "Education Program"), (447, "first-letter", "Education Program talk"),
        (710, "first-letter", "TimedText"), (711, "first-letter", "TimedText talk"),
        (828, "first-letter", "Module"), (829, "first-letter", "Module talk"),
        (2300, "first-letter", "Gadget"), (2301, "first-letter", "Gadget talk"),
        (2302, "case-sensitive", "Gadget definition"),
        (2303, "case-sensitive", "Gadget definition talk"), (2600, "first-letter", "Topic"),
    )
) + """    </namespaces>
  </siteinfo>
"""
FOOTER = "</mediawiki>\n"


class ZipfMandelbrot:
    """Ranks 0..n-1 with p(r) ~ 1/(r + q) (continuous inverse transform, O(1) per draw)."""

    def __init__(self, n, q):
        self.n, self.q = n, q
        self.ln = math.log((n + q) / q)

    def draw(self, u01):
        r = int(self.q * math.exp(u01 * self.ln) - self.q)
        return r if r < self.n else self.n - 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="the XML file to write (counts go to OUT.counts.json)")
    ap.add_argument("--articles", type=int, required=True, help="number of articles")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--redirects", type=float, default=1.4, help="redirects per article (1.4)")
    ap.add_argument("--links", type=float, default=29.0, help="mean wiki links per article (29)")
    ap.add_argument("--red", type=float, default=10.0, help="percent of links that are red (10)")
    ap.add_argument("--via-redirect", type=float, default=12.0,
                    help="percent of the other links written with a redirect title (12)")
    ap.add_argument("--categories", type=float, default=3.0, help="categories per article (3)")
    ap.add_argument("--articles-per-category", type=float, default=3.5,
                    help="articles per category of the pool (3.5, so N/3.5 categories)")
    ap.add_argument("--category-pages", type=float, default=70.0,
                    help="percent of the categories that get a page in ns 14 (70)")
    args = ap.parse_args()

    n = args.articles
    if n < 10:
        die(f"--articles must be at least 10, got {n}")
    for name in ("redirects", "links", "categories"):
        if getattr(args, name) < 0:
            die(f"--{name} must not be negative")
    for name in ("red", "via_redirect", "category_pages"):
        if not 0 <= getattr(args, name) <= 100:
            die(f"--{name.replace('_', '-')} must be a percentage (0-100)")
    if args.articles_per_category <= 0:
        die("--articles-per-category must be positive")
    out_dir = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(out_dir):
        die(f"{out_dir}: no such folder")

    t0 = time.time()
    rng = random.Random(args.seed)
    vocab = make_vocabulary(rng)
    title_words = vocab[TITLE_SKIP:]
    rng.shuffle(title_words)
    # text words: Zipf-Mandelbrot over the vocabulary (English-like: p ~ 1/(rank + 2.7))
    cw, acc = [], 0.0
    for i in range(len(vocab)):
        acc += 1.0 / (i + 2.7)
        cw.append(acc)

    # --- the graph skeleton: popularity order, redirect counts, name numbers
    pop_a = coprime_near(n, 0.6180339887, args.seed)
    pop_b = mix64(args.seed + 1) % n

    def article_of_rank(r):  # a bijection rank -> article, so popular articles are spread out
        return (r * pop_a + pop_b) % n

    total_redirects = round(args.redirects * n)
    nred = array("I", bytes(4 * n))
    zm_redirect = ZipfMandelbrot(n, max(50.0, n / 2000))
    rnd = rng.random
    for _ in range(total_redirects):
        if rnd() < 0.5:
            j = int(rnd() * n)
        else:
            j = article_of_rank(zm_redirect.draw(rnd()))
        nred[j] += 1
    first_redirect = array("Q", bytes(8 * (n + 1)))  # redirects of article j: names N+first..
    s = 0
    for j in range(n):
        first_redirect[j] = s
        s += nred[j]
    first_redirect[n] = s

    n_red_titles = n
    n_categories = max(1, round(n / args.articles_per_category))
    red_base = n + total_redirects
    cat_base = red_base + n_red_titles
    names = Names(title_words, cat_base + n_categories, args.seed)
    titles = [names.name(u) for u in range(n)]

    # red titles, redirect titles and categories are drawn Zipf-like: cache the popular names
    name = functools.lru_cache(maxsize=1 << 18)(names.name)

    @functools.lru_cache(maxsize=1 << 18)
    def category_name(c):
        h = mix64(c ^ 0xCA7)
        return CATEGORY_PATTERNS[h % len(CATEGORY_PATTERNS)].format(name(cat_base + c))

    def has_category_page(c):
        return (mix64(c ^ 0xCA7E) >> 11) % 10000 < args.category_pages * 100

    zm_link = ZipfMandelbrot(n, 50.0)
    zl_q, zl_ln, exp = zm_link.q, zm_link.ln, math.exp
    zm_red = ZipfMandelbrot(n_red_titles, 3.0)
    zm_cat = ZipfMandelbrot(n_categories, 20.0)
    cat_a = coprime_near(n_categories, 0.6180339887, args.seed + 3)
    red_p = args.red / 100
    via_p = args.via_redirect / 100
    sigma = 0.9
    mu = math.log(max(args.links, 0.01)) - sigma * sigma / 2
    cat_choices = (1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8)
    cat_scale = args.categories / (sum(cat_choices) / len(cat_choices))

    def redirect_title(j, r):
        if r == 0 and mix64(j ^ 0xCA5E) % 5 == 0:
            v = case_variant(titles[j])
            if v is not None:
                return v
        return name(n + first_redirect[j] + r)

    # --- writing
    tmp = args.out + ".tmp"
    try:
        f = open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
    except OSError as e:
        die(f"{tmp}: {e.strerror}")
    f.write(HEADER)
    c = dict(articles=0, redirects=0, redirects_case_variant=0, category_pages=0, pages=0,
             links=0, links_red=0, links_via_redirect=0, links_distinct_resolved=0,
             links_self_skipped=0, category_assignments=0, text_bytes=0, article_text_bytes=0)
    cat_used = bytearray(n_categories)
    page_id = 9
    rev_id = 1_000_000
    ts_base = 1_230_000_000  # 2008-12-23
    chunk = []
    last_report = time.time()
    redirect_a = coprime_near(n, 0.4142135624, args.seed + 5)  # whose redirects follow article i

    def page(title, ns, text, redirect=None):
        nonlocal page_id, rev_id
        page_id += 1 + (rnd() < 0.2) + (rnd() < 0.05) * 7
        rev_id += 1 + int(rnd() * 40)
        data = text.encode("utf-8")
        c["text_bytes"] += len(data)
        c["pages"] += 1
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts_base + int(rnd() * 480_000_000)))
        red = f'    <redirect title="{esc_attr(redirect)}" />\n' if redirect is not None else ""
        user = int(rnd() * 5_000_000)
        chunk.append(
            f"  <page>\n    <title>{esc_text(title)}</title>\n    <ns>{ns}</ns>\n"
            f"    <id>{page_id}</id>\n{red}    <revision>\n      <id>{rev_id}</id>\n"
            f"      <parentid>{rev_id - 1 - int(rnd() * 1000)}</parentid>\n"
            f"      <timestamp>{ts}</timestamp>\n      <contributor>\n"
            f"        <username>{vocab[user % VOCAB_SIZE].capitalize()}{user}</username>\n"
            f"        <id>{user}</id>\n      </contributor>\n"
            f"      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
            f'      <text bytes="{len(data)}" xml:space="preserve">{esc_text(text)}</text>\n'
            f"      <sha1>{sha1_base36(data)}</sha1>\n    </revision>\n  </page>\n")

    # Text words come from a pool drawn once (Zipf); each sentence or anchor is a slice of it at
    # a random offset, which is far faster than drawing every word.
    pool = rng.choices(vocab, cum_weights=cw, k=1 << 21)
    pool_n = len(pool)

    def words(k):
        o = int(rnd() * (pool_n - k))
        return pool[o:o + k]

    def fill(tpl):
        return tpl.replace("{w}", vocab[int(rnd() * 5000)]).replace(
            "{W}", vocab[int(rnd() * 5000)].capitalize())

    def link_markup(target, x=None):
        """[[Target]] 66%, [[target]] 10%, [[Target|other words]] 10%, [[Target|target]] 7%,
        [[Target]]s 4%, [[Target#Part|words]] 3%. x: a uniform draw already made (>= 0.66)."""
        if x is None:
            x = rnd()
        else:
            x = x + rnd() * (1 - x)
        if x < 0.66:
            return f"[[{target}]]"
        if x < 0.76:
            if target[0].isupper() and not target[1:2].isupper():
                return f"[[{target[0].lower()}{target[1:]}]]"
            return f"[[{target}]]"
        if x < 0.86:
            return f"[[{target}|{' '.join(words(1 + int(rnd() * 3)))}]]"
        if x < 0.93:
            return f"[[{target}|{target.lower()}]]"
        if x < 0.97:
            return f"[[{target}]]s"
        return f"[[{target}#{vocab[int(rnd() * 3000)].capitalize()}|{' '.join(words(2))}]]"

    for i in range(n):
        title = titles[i]
        # ---- links of article i
        n_links = min(2000, round(rng.lognormvariate(mu, sigma))) if args.links > 0 else 0
        links = []
        resolved = set()
        n_red = n_via = 0
        for _ in range(n_links):
            if rnd() < red_p:
                links.append(link_markup(name(red_base + zm_red.draw(rnd()))))
                n_red += 1
                continue
            r = int(zl_q * exp(rnd() * zl_ln) - zl_q)  # zm_link.draw, inlined
            j = ((r if r < n else n - 1) * pop_a + pop_b) % n
            if j == i:  # Wikipedia articles rarely link to themselves; draw once more
                j = article_of_rank(zm_link.draw(rnd()))
                if j == i:
                    c["links_self_skipped"] += 1
                    continue
            resolved.add(j)
            k = nred[j]
            if k and rnd() < via_p:
                links.append(link_markup(redirect_title(j, int(rnd() * k))))
                n_via += 1
            elif rnd() < 0.66:  # the common case of link_markup, inlined
                links.append("[[" + titles[j] + "]]")
            else:
                links.append(link_markup(titles[j], 0.66))
        c["links"] += len(links)
        c["links_red"] += n_red
        c["links_via_redirect"] += n_via
        c["links_distinct_resolved"] += len(resolved)

        # ---- text: lead, paragraphs with the links in sentences, refs, templates
        n_words = max(12, int(len(links) * 3.3 + 12 + rnd() * 16))
        sents = []
        while n_words > 0:
            k = min(n_words, 7 + int(rnd() * 14))
            sents.append(words(k))
            n_words -= k
        n_sent = len(sents)
        for lk in links:
            s = int(rnd() * n_sent)
            sents[s].insert(int(rnd() * (len(sents[s]) + 1)), lk)
        parts = []
        if rnd() < 0.3:
            parts.append(f"{{{{Infobox {vocab[int(rnd() * 3000)]}\n| name = {title}\n"
                         f"| {vocab[int(rnd() * 3000)]} = {' '.join(words(3))}\n}}}}\n")
        refs = 0
        para = 0
        for s, toks in enumerate(sents):
            if s == 0:
                sent = f"'''{title}''' is a " + " ".join(toks)
            else:
                if para == 0 and s > 1 and rnd() < 0.35:
                    parts.append(f"== {' '.join(words(1 + int(rnd() * 2))).capitalize()} ==\n")
                first = toks[0]
                if first[0] != "[":
                    toks[0] = first[0].upper() + first[1:]
                sent = " ".join(toks)
            if rnd() < 0.04:
                sent += " {{" + fill(TEMPLATES[int(rnd() * len(TEMPLATES))]) + "}}"
            sent += "."
            if rnd() < 0.2:
                refs += 1
                sent += (f"<ref>{{{{cite web |title={' '.join(words(3)).capitalize()} "
                         f"|url=https://www.{vocab[int(rnd() * 20000)]}.org/{int(rnd() * 99999)} "
                         f"|year={1990 + int(rnd() * 34)}}}}}</ref>")
            parts.append(sent)
            para += 1
            if para >= 3 + int(rnd() * 3) or s == n_sent - 1:
                parts.append("\n\n")
                para = 0
            else:
                parts.append(" ")
        if refs:
            parts.append("== References ==\n{{Reflist}}\n\n")
        # ---- categories
        cats = set()
        n_cats = round(cat_choices[int(rnd() * len(cat_choices))] * cat_scale)
        for _ in range(n_cats):
            cats.add((zm_cat.draw(rnd()) * cat_a) % n_categories)
        for cat in sorted(cats, key=lambda x: mix64(x ^ i)):
            cat_used[cat] = 1
            key = f"|{title.split(' ')[-1]}, {title.split(' ')[0]}" if rnd() < 0.1 else ""
            parts.append(f"[[Category:{category_name(cat)}{key}]]\n")
        c["category_assignments"] += len(cats)
        text = "".join(parts).rstrip("\n")
        page(title, 0, text)
        c["articles"] += 1
        c["article_text_bytes"] += len(text.encode("utf-8"))

        # ---- the redirects of one article (a permutation, so each article's come once)
        j = (i * redirect_a) % n
        for r in range(nred[j]):
            rt = redirect_title(j, r)
            if rt == titles[j] or not rt:
                raise AssertionError(f"bad redirect title {rt!r}")
            variant = r == 0 and name(n + first_redirect[j]) != rt
            c["redirects_case_variant"] += variant
            tmpl = ""
            if rnd() < 0.5:
                tmpl = ("\n\n{{R from other capitalisation}}" if variant
                        else "\n\n{{Redirect category shell|{{R from alternative name}}}}")
            page(rt, 0, f"#REDIRECT [[{titles[j]}]]{tmpl}", redirect=titles[j])
            c["redirects"] += 1

        # ---- category pages (spread along the dump)
        for cat in range(i * n_categories // n, (i + 1) * n_categories // n):
            if has_category_page(cat):
                cname = category_name(cat)
                parents = {(zm_cat.draw(rnd()) * cat_a) % n_categories
                           for _ in range(1 + (rnd() < 0.5))}
                parents.discard(cat)
                text = (f"{{{{Commons category|{cname}}}}}\n" if rnd() < 0.3 else "") + \
                    f"This category is about {cname}.\n\n" + \
                    "".join(f"[[Category:{category_name(p)}]]\n" for p in sorted(parents))
                page("Category:" + cname, 14, text.rstrip("\n"))
                c["category_pages"] += 1

        if len(chunk) >= 500:
            f.write("".join(chunk))
            chunk.clear()
            if time.time() - last_report > 5:
                last_report = time.time()
                el = last_report - t0
                print(f"make_graph_dump: {i + 1:,} / {n:,} articles, {f.tell() / 2**20:,.0f} MiB, "
                      f"{el:.0f} s", file=sys.stderr)
    f.write("".join(chunk))
    f.write(FOOTER)
    size = f.tell()
    f.close()
    os.replace(tmp, args.out)

    if c["redirects"] != total_redirects:
        raise AssertionError(f"{c['redirects']} redirects written, {total_redirects} planned")
    secs = time.time() - t0
    cats_with_page = sum(1 for x in range(n_categories) if has_category_page(x))
    expected_cats = sum(1 for x in range(n_categories) if cat_used[x] or has_category_page(x))
    result = {
        "articles": c["articles"],
        "redirects": c["redirects"],
        "redirects_case_variant": c["redirects_case_variant"],
        "links": c["links"],
        "links_red": c["links_red"],
        "links_via_redirect": c["links_via_redirect"],
        "links_distinct_resolved": c["links_distinct_resolved"],
        "links_self_skipped": c["links_self_skipped"],
        "categories": n_categories,
        "categories_used": sum(cat_used),
        "category_pages": c["category_pages"],
        "categories_expected": expected_cats,
        "category_assignments": c["category_assignments"],
        "pages": c["pages"],
        "text_bytes": c["text_bytes"],
        "article_text_bytes": c["article_text_bytes"],
        "bytes": size,
        "seed": args.seed,
        "seconds": round(secs, 1),
    }
    if cats_with_page != c["category_pages"]:
        raise AssertionError("category page count")
    cpath = counts_path(args.out)
    with open(cpath, "w", encoding="utf-8") as cf:
        cf.write(json.dumps(result) + "\n")
    print(f"make_graph_dump: wrote {args.out} in {secs:.1f} s ({n / secs:,.0f} articles/s)",
          file=sys.stderr)
    for k in ("articles", "redirects", "links", "links_red", "links_via_redirect",
              "links_distinct_resolved", "categories", "categories_used", "category_pages",
              "category_assignments", "pages", "text_bytes", "bytes"):
        print(f"  {k:24} {result[k]:>15,}")
    print(f"  {'wikitext bytes / article':24} {c['article_text_bytes'] / c['articles']:>15,.0f}")
    print(f"  counts: {cpath}")


if __name__ == "__main__":
    main()
