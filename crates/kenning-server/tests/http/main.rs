//! The HTTP layer end to end, in process: snapshots built from small wikis,
//! requests sent to the router with `tower::ServiceExt::oneshot` (and a few
//! over a real socket).
//!
//! One test binary; its modules by subject, the shared snapshots and
//! request helpers in [`fixtures`].

mod api;
mod api_docs;
mod categories;
mod escaping;
mod fixtures;
mod languages;
mod lists;
mod openapi;
mod pages;
mod real_data;
mod real_ontology;
mod records;
mod schema;
mod search;
mod serving;
mod wikify;
