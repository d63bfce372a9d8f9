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
