//! The crate's one error type.
//!
//! `Error` is only for input that cannot be understood at all (malformed JSON, a
//! facts document of another schema, PEM with no certificate). Everything that is
//! merely *wrong* with a server — a bad certificate, a weak suite — is a finding
//! in the report, never an `Error`.

/// What went wrong when the input could not be used at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The JSON could not be parsed into the expected type.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The document is of a schema this build does not read.
    #[error("unsupported schema {found:?}, expected {expected:?}")]
    Schema {
        /// The schema the document declared.
        found: String,
        /// The schema this build reads.
        expected: &'static str,
    },
    /// PEM, base64 or DER input that holds no certificate we can use.
    #[error("no certificate found: {0}")]
    NoCertificate(String),
    /// A root store id that is not one of [`crate::stores::StoreId`]'s.
    #[error("unknown root store {0:?}")]
    UnknownStore(String),
    /// Root store data that does not match this build.
    #[error("root store data: {0}")]
    RootStoreData(String),
    /// A profile name that is not known (the message lists the known ones).
    #[error(transparent)]
    UnknownProfile(#[from] crate::profiles::UnknownProfile),
    /// An endpoint IP that is not in the report, or was not scanned.
    #[error("no scanned endpoint {0} in the report")]
    NoEndpoint(String),
}
