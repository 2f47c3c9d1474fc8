//! Why the outbox refused: a code the window words, and the fields its sentence needs.

use super::journal;
use crate::error::{Coded, ErrorCode, Fields};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboxError {
    #[error("The action could not be saved on this computer ({0}), so it was not sent. Check the free disk space and try again.")]
    Disk(String),
    #[error("That action is no longer in the history.")]
    NotFound,
    #[error("Only a failed or cancelled action can be tried again.")]
    NotFailed,
    #[error("Aelyst Desk is already running on this computer. Use the window that is open (look for it in the taskbar).")]
    AlreadyRunning,
    #[error(
        "That workspace was removed, so nothing more can be saved in it. Choose another workspace."
    )]
    Closed,
    #[error("That action was made for {0}, which this workspace no longer uses, so it cannot be tried again here. Copy the contact into the form to act on it here.")]
    OtherAddress(String),
    #[error("That action was made before Aelyst Desk kept each action's address, so it is not sent again from here. Copy the contact into the form to act on it.")]
    AddressUnknown,
}

impl Coded for OutboxError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Disk(_) => ErrorCode::NotSaved,
            Self::NotFound => ErrorCode::EntryNotFound,
            Self::NotFailed => ErrorCode::EntryNotRetryable,
            Self::AlreadyRunning => ErrorCode::AlreadyRunning,
            Self::Closed => ErrorCode::WorkspaceNotFound,
            Self::OtherAddress(_) => ErrorCode::EntryOtherAddress,
            Self::AddressUnknown => ErrorCode::EntryAddressUnknown,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::Disk(detail) => crate::fields! { "detail" => detail },
            Self::OtherAddress(address) => crate::fields! { "address" => address },
            _ => Fields::new(),
        }
    }
}

pub(super) fn disk(err: std::io::Error) -> OutboxError {
    OutboxError::Disk(err.kind().to_string())
}

impl From<journal::OpenError> for OutboxError {
    fn from(err: journal::OpenError) -> Self {
        match err {
            journal::OpenError::Locked => Self::AlreadyRunning,
            journal::OpenError::Io(err) => disk(err),
        }
    }
}
