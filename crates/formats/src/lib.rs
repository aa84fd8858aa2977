//! Preventory's format adapters: reading the intervention database's text export
//! ([`seed_text`]), exchanging records as JSON and CSV ([`exchange`]), and writing synthetic
//! records in the text format for tests and benchmarks ([`synthetic`]), and reading and
//! writing the studies behind ratings as JSON or YAML ([`studies`]).

pub mod examples;
pub mod exchange;
pub mod seed_text;
pub mod studies;
pub mod synthetic;
