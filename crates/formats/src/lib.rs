//! Preventory's format adapters: reading the intervention database's text export
//! ([`seed_text`]), exchanging records as JSON and CSV ([`exchange`]), and writing synthetic
//! records in the text format for tests and benchmarks ([`synthetic`]), reading and writing
//! the studies behind ratings ([`studies`]) and who services can take ([`eligibility_file`])
//! as JSON or YAML data files ([`data_file`]).

pub mod data_file;
pub mod eligibility_file;
pub mod examples;
pub mod exchange;
pub mod seed_text;
pub mod studies;
pub mod synthetic;
