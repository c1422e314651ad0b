//! Typed ids. Public ids are UUIDs v7: a millisecond timestamp, then 74 random bits, so nobody
//! can enumerate subjects by counting; typed, so a subject id cannot be passed where an entry
//! id is expected. The timestamp first puts new rows together at the end of every index on an
//! id (the primary keys, entries by subject): with random ids each insert landed on its own
//! page of a B-tree of a million rows, and a bulk import wrote a page per row and index.

use sea_orm::DeriveValueType;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, DeriveValueType)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh id (UUID v7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        // Primary keys must implement this; a UUID can never come from an integer.
        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(_: u64) -> Result<Self, sea_orm::DbErr> {
                Err(sea_orm::DbErr::ConvertFromU64(stringify!($name)))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// Id of a credit subject (信用主体).
    SubjectId
);
typed_id!(
    /// Id of a list entry (红黑名单记录).
    EntryId
);
typed_id!(
    /// Id of an exposure notice (曝光台文章).
    NoticeId
);
typed_id!(
    /// Id of a staff member of the credit office.
    StaffId
);
typed_id!(
    /// Id of an objection (异议申诉).
    ObjectionId
);
typed_id!(
    /// Id of a credit-repair application (信用修复申请).
    RepairId
);
typed_id!(
    /// Id of a partner agency.
    AgencyId
);
typed_id!(
    /// Id of an agency's API key.
    ApiKeyId
);
typed_id!(
    /// Id of a staff member's bearer token.
    StaffTokenId
);
typed_id!(
    /// Id of a staff member's console session.
    SessionId
);
typed_id!(
    /// Id of a revision: an agency's correction waiting for review.
    RevisionId
);
