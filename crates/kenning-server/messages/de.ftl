# Die Seitenelemente auf Deutsch (siehe en.ftl).

## Der Seitenrahmen
nav-wikify = Wikifizieren
nav-wikify-title = Die Begriffe finden, von denen ein Text handelt
footer-generated = Seiten automatisch aus einem Wiki-Abzug erzeugt
footer-api = API
search-placeholder = Begriffe suchen
search-label = Suche
search-button = Suchen

## Die Seite eines Begriffs
type-concept = Begriff
also-known-as = Auch bekannt als:
summary = Zusammenfassung
no-summary = Der Quellartikel hat keine Zusammenfassung.
timeline = Zeitleiste
related-concepts = Verwandte Begriffe
relatedness = Verwandtschaft
relevance = Relevanz
what-links-here = Links auf diese Seite
links-here-count = { $count ->
    [one] { $count } Begriff verlinkt hierher
   *[other] { $count } Begriffe verlinken hierher
}
links-here-most = ; die meistverlinkten:
links-here-all = Alle { $count } Begriffe, die hierher verlinken
categories = Kategorien
subjects = Themen
same-cluster = Im selben Cluster:
source = Quelle
original-article = Originalartikel
not-given = von der Quelle nicht angegeben
revision = Version
page-id = Seitenkennung
links-out = Ausgehende Links
data = Daten
languages = Sprachen
language-note = Keine Seite auf { $asked } für diesen Begriff: angezeigt auf { $shown }.
summary-note = Noch keine Zusammenfassung auf { $asked } für diesen Begriff: diese ist auf { $shown }.
about-this-result = Über dieses Ergebnis
notice = Diese Seite wird automatisch erzeugt und kann Angaben enthalten, die nicht richtig, vollständig, aktuell oder für Ihre Suche relevant sind. Dasselbe gilt für jede andere Seite dieser Website.
notice-institution = { notice } Bitte prüfen Sie die Angaben anhand der offiziellen Quellen von { $institution }.
generated-from-source = Automatisch aus der Quelle erzeugt:
field-summary = die Zusammenfassung
field-timeline = die Zeitleiste
field-related = verwandte Begriffe
field-summary_links = die Links der Zusammenfassung
field-in_links = die Links auf diese Seite
field-records = die Einträge zu diesem Begriff

# Die Suchseite.
search-results = Suchergebnisse
search-title = Suche
search-title-query = { $query } – Suche
search-browse-count = { $from }–{ $to } von { $total }, die meistverlinkten Begriffe zuerst, Einträge in der Reihenfolge der Institution
search-hint-records = Geben Sie ein paar Wörter ein, um Begriffe und Einträge zu suchen.
search-hint = Geben Sie ein paar Wörter ein, um Begriffe zu suchen.
search-none = Keine Ergebnisse für „{ $query }“.
search-no-more = Keine weiteren Ergebnisse.
search-back-to-first = Zurück zur ersten Seite
search-count = Ergebnisse { $from }–{ $to } von { $total } für „{ $query }“
search-as-typed = Nur die Wörter, wie sie eingegeben wurden.
search-allow-typos = Tippfehler zulassen
search-showing = Ergebnisse für { $corrected }.
search-only-for = Nur nach „{ $query }“ suchen
search-all-types = Alle Typen
search-filter-by-type = Nach Typ filtern
pagination-results = Ergebnisseiten
pagination-previous = Zurück
pagination-next = Weiter
