# The page chrome in English: the headings, labels and notices that
# kenning writes around a concept's own text. One file per language, the
# same message ids in each; a message missing from a language falls back
# to this file.

## The page shell
nav-wikify = Wikify
nav-wikify-title = Find the concepts a text talks about
footer-generated = Pages generated automatically from a wiki snapshot
footer-api = API
search-placeholder = Search concepts
search-label = Search
search-button = Search

## A concept's page
type-concept = Concept
also-known-as = Also known as:
summary = Summary
no-summary = The source article has no summary.
timeline = Timeline
related-concepts = Related concepts
relatedness = Relatedness
relevance = Relevance
what-links-here = What links here
links-here-count = { $count ->
    [one] { $count } concept links here
   *[other] { $count } concepts link here
}
links-here-most = ; the most linked-to:
links-here-all = All { $count } concepts that link here
categories = Categories
subjects = Subjects
same-cluster = In the same cluster:
source = Source
original-article = Original article
not-given = not given by the source
revision = Revision
page-id = Page id
links-out = Links out
data = Data
languages = Languages
language-note = No page in { $asked } for this concept: shown in { $shown }.
summary-note = No summary in { $asked } for this concept yet: this one is in { $shown }.
about-this-result = About this result
notice = This page is automatically generated and may contain information that is not correct, complete, up-to-date, or relevant to your search query. The same applies to every other page on this website.
notice-institution = { notice } Please make sure to verify the information with { $institution }'s official sources.
generated-from-source = Generated automatically from the source:
field-summary = the summary
field-timeline = the timeline
field-related = related concepts
field-summary_links = the links in the summary
field-in_links = what links here
field-records = the records about this concept

# The search page.
search-results = Search results
search-title = Search
search-title-query = { $query } – Search
search-browse-count = { $from }–{ $to } of { $total }, the most linked-to concepts first, records in the institution's order
search-hint-records = Type a few words to search the concepts and the records.
search-hint = Type a few words to search the concepts.
search-none = No results for “{ $query }”.
search-no-more = No more results.
search-back-to-first = Back to the first page
search-count = Results { $from }–{ $to } of { $total } for “{ $query }”
search-as-typed = Only the words as typed.
search-allow-typos = Allow typos
search-showing = Showing results for { $corrected }.
search-only-for = Search only for “{ $query }”
search-all-types = All types
search-filter-by-type = Filter by type
pagination-results = Result pages
pagination-previous = Previous
pagination-next = Next
