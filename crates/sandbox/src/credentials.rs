//! The credentials each API's sandbox accepts.

use crate::{insightiq, instabot, publica};

/// The credentials each sandbox accepts. The defaults are fixed so that scripts can rely on them.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub insightiq: insightiq_server::types::auth::Credentials,
    pub publica: publica_server::types::auth::Credentials,
    pub instabot: instabot_server::types::auth::Credentials,
}

impl Credentials {
    /// insightIQ `demo:p@55w0rd` (the documents' `Basic ZGVtbzpwQDU1dzByZA==`), Publica.la
    /// `X-User-Token: demo-token`, Instabot `demo-api-key` / `demo-master-key`.
    pub fn defaults() -> Self {
        Credentials {
            insightiq: insightiq_server::types::auth::Credentials::new(
                insightiq::DEFAULT_CLIENT_ID,
                insightiq::DEFAULT_CLIENT_SECRET,
            ),
            publica: publica_server::types::auth::Credentials::new(publica::DEFAULT_USER_TOKEN),
            instabot: instabot_server::types::auth::Credentials::new(
                instabot::DEFAULT_API_KEY,
                instabot::DEFAULT_MASTER_API_KEY,
            ),
        }
    }
}
