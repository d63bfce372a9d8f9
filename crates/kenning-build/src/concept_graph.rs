//! The concept graph as a build has it, for the linker: in-links read
//! into memory, summaries and titles memory-mapped.

use kenning_graph::Csr;
use kenning_linker::ConceptGraph;
use kenning_store::StrTable;

/// The graph as the build has it: in-links in memory, summaries mapped.
pub(crate) struct BuildGraph<'a> {
    pub(crate) in_links: &'a Csr,
    pub(crate) summaries: &'a StrTable,
    pub(crate) titles: &'a StrTable,
}

impl ConceptGraph for BuildGraph<'_> {
    fn concept_count(&self) -> usize {
        self.in_links.len()
    }
    fn in_links(&self, concept: u32, out: &mut Vec<u32>) {
        out.extend_from_slice(self.in_links.row(concept));
    }
    fn description(&self, concept: u32) -> &str {
        self.summaries.get(concept as usize)
    }
    fn title(&self, concept: u32) -> Option<&str> {
        Some(self.titles.get(concept as usize))
    }
}
