//! The three APIs as a value, and what the sandbox knows of each without its state: its name,
//! its spec (compiled in) and the base path its operations are served under.

/// One of the three APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Api {
    Insightiq,
    Publica,
    Instabot,
}

impl Api {
    pub const ALL: [Api; 3] = [Api::Insightiq, Api::Publica, Api::Instabot];

    /// `insightiq`, `publica`, `instabot`.
    pub fn name(self) -> &'static str {
        match self {
            Api::Insightiq => "insightiq",
            Api::Publica => "publica",
            Api::Instabot => "instabot",
        }
    }

    /// The spec's YAML text, compiled in (the seeds, the routes and the error shape are read from
    /// it, through `seeds::spec`).
    pub fn spec(self) -> &'static str {
        match self {
            Api::Insightiq => include_str!("../../../spec/insightiq.yaml"),
            Api::Publica => include_str!("../../../spec/publica.yaml"),
            Api::Instabot => include_str!("../../../spec/instabot.yaml"),
        }
    }

    /// The base path of the spec's first server URL, where the operations are served (the
    /// generated server's `BASE_PATH`).
    pub fn base_path(self) -> &'static str {
        match self {
            Api::Insightiq => insightiq_server::BASE_PATH,
            Api::Publica => publica_server::BASE_PATH,
            Api::Instabot => instabot_server::BASE_PATH,
        }
    }
}
