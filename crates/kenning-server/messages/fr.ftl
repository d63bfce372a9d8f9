# L'habillage des pages en français (voir en.ftl).

## L'enveloppe des pages
nav-wikify = Wikifier
nav-wikify-title = Trouver les concepts dont parle un texte
footer-generated = Pages générées automatiquement à partir d'un instantané du wiki
footer-api = API
search-placeholder = Chercher des concepts
search-label = Recherche
search-button = Chercher

## La page d'un concept
type-concept = Concept
also-known-as = Aussi appelé :
summary = Résumé
no-summary = L'article source n'a pas de résumé.
timeline = Chronologie
related-concepts = Concepts liés
relatedness = Proximité
relevance = Pertinence
what-links-here = Pages qui mènent ici
links-here-count = { $count ->
    [one] { $count } concept mène ici
   *[other] { $count } concepts mènent ici
}
links-here-most = ; les plus cités :
links-here-all = Les { $count } concepts qui mènent ici
categories = Catégories
subjects = Sujets
same-cluster = Dans le même groupe :
source = Source
original-article = Article d'origine
not-given = non indiqué par la source
revision = Révision
page-id = Identifiant de page
links-out = Liens sortants
data = Données
languages = Langues
language-note = Pas de page en { $asked } pour ce concept : affiché en { $shown }.
summary-note = Pas encore de résumé en { $asked } pour ce concept : celui-ci est en { $shown }.
about-this-result = À propos de ce résultat
notice = Cette page est générée automatiquement et peut contenir des informations inexactes, incomplètes, périmées ou sans rapport avec votre recherche. Il en va de même pour toutes les autres pages de ce site.
notice-institution = { notice } Vérifiez ces informations auprès des sources officielles de { $institution }.
generated-from-source = Généré automatiquement à partir de la source :
field-summary = le résumé
field-timeline = la chronologie
field-related = les concepts liés
field-summary_links = les liens du résumé
field-in_links = les pages qui mènent ici
field-records = les documents liés à ce concept

# La page de recherche.
search-results = Résultats de la recherche
search-title = Recherche
search-title-query = { $query } – Recherche
search-browse-count = { $from }–{ $to } sur { $total }, les concepts les plus cités d’abord, les fiches dans l’ordre de l’institution
search-hint-records = Tapez quelques mots pour chercher parmi les concepts et les fiches.
search-hint = Tapez quelques mots pour chercher parmi les concepts.
search-none = Aucun résultat pour « { $query } ».
search-no-more = Plus de résultats.
search-back-to-first = Retour à la première page
search-count = Résultats { $from }–{ $to } sur { $total } pour « { $query } »
search-as-typed = Seulement les mots tels qu’ils sont tapés.
search-allow-typos = Tolérer les fautes de frappe
search-showing = Résultats pour { $corrected }.
search-only-for = Chercher seulement « { $query } »
search-all-types = Tous les types
search-filter-by-type = Filtrer par type
pagination-results = Pages de résultats
pagination-previous = Précédente
pagination-next = Suivante
