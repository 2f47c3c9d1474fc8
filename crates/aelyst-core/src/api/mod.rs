//! The Aelyst API: identifiers, the status request, the HTTP client and what each answer
//! means. Nothing here knows about Tauri.

mod address;
mod client;
mod identifier;
mod lists;
mod outcome;
mod pages;
mod request;
mod retry;
mod token;

pub use address::{validate_base_url, ClientError, BASE_URL_ENV, DEFAULT_BASE_URL};
pub use client::{
    Client, ClientConfig, ClosingNote, ContactLookup, ContactPreview, Feature, ReadError,
    MAX_ANSWER_BYTES,
};
pub use identifier::{Identifier, IdentifierError, IdentifierKind};
pub use lists::{local_timezone, ContactQuery, Page, User};
pub use outcome::{
    classify, Answer, Outcome, RateLimit, Reason, ReasonDiscriminants, RetryReason,
    RetryReasonDiscriminants, StatusReply, Tries,
};
pub use request::{Action, NoteError, StatusChange, CATEGORY_MAX_CHARS, SUMMARY_MAX_CHARS};
pub use retry::{parse_retry_after, RetryPolicy};
pub use token::{ApiToken, TokenFormatError, MAX_TOKEN_CHARS};
