//! Preventory's domain core: intervention records, their vocabularies and validation.
//!
//! This crate does no I/O. Formats, storage, search and the web are adapters around it.

pub mod accounts;
pub mod audit;
pub mod date;
pub mod diff;
pub mod eligibility;
pub mod evidence;
pub mod facet;
pub mod gaps;
pub mod lifecycle;
pub mod matching;
pub mod rating;
pub mod record;
pub mod review;
pub mod slug;
pub mod terminology;
pub mod validation;
pub mod vocab;

pub use date::PartialDate;
pub use eligibility::Eligibility;
pub use evidence::{assess, Assessment, Study};
pub use facet::Facet;
pub use rating::Rating;
pub use record::{Contact, FacetRow, Intervention, Reference};
pub use vocab::{Term, Vocabulary};
