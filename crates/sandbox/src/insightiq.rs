//! insightIQ: users, SDK tokens, accounts, profiles.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::num::NonZeroU64;
use std::sync::Arc;

use insightiq_server::types::{
    self, Account, AccountStatus, Metadata, Profile, ProfileList, SdkToken, User, UserStatus,
};
use insightiq_server::{
    Context, CreateSdkTokenResponse, CreateUserResponse, DisconnectAccountResponse,
    GetProfileResponse, GetUserByExternalIdResponse, InsightiqApi, ListProfilesQuery,
    ListProfilesResponse, ServerConfig,
};
use server_runtime::axum::Router;

use crate::scenario::{self, StateError};
use crate::seeds;
use crate::state::ApiState;
use chrono::{DateTime, SubsecRound, Utc};
use serde_json::Value;

pub const DEFAULT_CLIENT_ID: &str = "demo";
pub const DEFAULT_CLIENT_SECRET: &str = "p@55w0rd";
/// Days an SDK token is valid (the documents' sample: created 2022-03-29, expires 2022-04-05).
pub const SDK_TOKEN_DAYS: i64 = 7;

/// The insightiq sandbox: implements [`InsightiqApi`] over in-memory state.
pub type Sandbox = crate::Sandbox<State>;

/// The insightiq sandbox's state.
#[derive(Debug, Clone)]
pub struct State {
    /// By id.
    users: BTreeMap<uuid::Uuid, User>,
    /// `external_id` → user id: the lookup and the uniqueness check, changed in the same
    /// critical section as `users`.
    user_ids_by_external_id: HashMap<String, uuid::Uuid>,
    /// By id.
    accounts: BTreeMap<uuid::Uuid, Account>,
    /// In the documents' order.
    profiles: Vec<Profile>,
    /// Profile id (as written in paths) → index in `profiles`.
    profile_index: HashMap<String, usize>,
    /// What the records and their indexes take, about (the memory cap's measure).
    stored_bytes: usize,
}

/// About what a record and its index entries take: its JSON size plus a fixed overhead.
fn stored_size<T: serde::Serialize>(record: &T) -> usize {
    serde_json::to_vec(record).map_or(0, |json| json.len()) + crate::storage::RECORD_OVERHEAD_BYTES
}

impl State {
    /// The state of these records, with its indexes (keys already known to be unique).
    fn indexed(
        users: BTreeMap<uuid::Uuid, User>,
        accounts: BTreeMap<uuid::Uuid, Account>,
        profiles: Vec<Profile>,
    ) -> State {
        let user_ids_by_external_id = users
            .values()
            .map(|user| (user.external_id.to_string(), user.id))
            .collect();
        let profile_index = profiles
            .iter()
            .enumerate()
            .map(|(index, profile)| (profile.id.to_string(), index))
            .collect();
        let stored_bytes = users.values().map(stored_size).sum::<usize>()
            + accounts.values().map(stored_size).sum::<usize>()
            + profiles.iter().map(stored_size).sum::<usize>();
        State {
            users,
            user_ids_by_external_id,
            accounts,
            profiles,
            profile_index,
            stored_bytes,
        }
    }

    fn user_by_external_id(&self, external_id: &str) -> Option<&User> {
        self.user_ids_by_external_id
            .get(external_id)
            .and_then(|id| self.users.get(id))
    }
}

impl Sandbox {
    /// How many users have this external id (the store's uniqueness, for tests: it scans the
    /// records, not the index, so it checks what the index keeps unique).
    pub fn users_with_external_id(&self, external_id: &str) -> usize {
        self.state()
            .users
            .values()
            .filter(|u| u.external_id == external_id)
            .count()
    }
}

/// The sandbox behind the generated router, with the reset endpoint and the request log.
pub fn app(sandbox: Arc<Sandbox>, credentials: types::auth::Credentials) -> Router {
    crate::shell::app(sandbox, credentials)
}

impl ApiState for State {
    const API: crate::Api = crate::Api::Insightiq;
    const GROWING: &'static [&'static str] = &["create_user"];
    type Credentials = types::auth::Credentials;

    /// The documents' samples: the users of the users page, the ten profiles of the list
    /// sample with their users and accounts, and the account of the disconnect sample.
    fn seeded() -> State {
        let spec = seeds::spec(crate::Api::Insightiq.spec());
        let spec = &spec.document;
        let example = |pointer: &str| seeds::example(spec, pointer);
        let mut users = BTreeMap::new();
        let mut accounts = BTreeMap::new();
        for pointer in [
            "/paths/~1users/post/responses/201/content/application~1json/examples/created_user/value",
            "/paths/~1users~1external_id~1{external_id}/get/responses/200/content/application~1json/examples/user/value",
        ] {
            let user: User = seeds::typed(example(pointer), "user");
            users.insert(user.id, user);
        }
        let list: ProfileList = seeds::typed(
            example("/paths/~1profiles/get/responses/200/content/application~1json/examples/ten_profiles/value"),
            "profile list",
        );
        let disconnected: Account = seeds::typed(
            example("/paths/~1accounts~1{id}~1disconnect/post/responses/200/content/application~1json/examples/disconnected_account/value"),
            "account",
        );
        // Users and accounts the samples only reference: the documents do not show their
        // external ids, so the sandbox uses the user's id (README: decisions).
        let mut reference = |id: uuid::Uuid, name: &str, created_at: &DateTime<Utc>| {
            users.entry(id).or_insert_with(|| {
                User::builder()
                    .created_at(*created_at)
                    .external_id(id.to_string())
                    .id(id)
                    .name(name)
                    .status(UserStatus::Active)
                    .updated_at(*created_at)
                    .build()
            });
        };
        for profile in &list.data {
            reference(profile.user.id, &profile.user.name, &profile.created_at);
        }
        reference(
            disconnected.user.id,
            &disconnected.user.name,
            &disconnected.created_at,
        );
        for profile in &list.data {
            let account = Account::builder()
                .created_at(profile.created_at)
                .id(profile.account.id)
                .status(AccountStatus::Connected)
                .updated_at(profile.updated_at)
                .user(profile.user.clone())
                .work_platform(profile.work_platform.clone())
                .build();
            accounts.insert(account.id, account);
        }
        // The disconnect sample shows the account after the call: before it, it was connected.
        let mut connected = disconnected;
        connected.status = AccountStatus::Connected;
        accounts.insert(connected.id, connected);
        State::indexed(users, accounts, list.data)
    }

    /// `{"users": [User], "accounts": [Account], "profiles": [Profile]}`.
    fn export(&self) -> Value {
        let each = |values: Vec<Value>| values;
        scenario::document(vec![
            (
                "users",
                each(
                    self.users
                        .values()
                        .map(|u| scenario::exported::<_, ()>(u, None))
                        .collect(),
                ),
            ),
            (
                "accounts",
                self.accounts
                    .values()
                    .map(|a| scenario::exported::<_, ()>(a, None))
                    .collect(),
            ),
            (
                "profiles",
                self.profiles
                    .iter()
                    .map(|p| scenario::exported::<_, ()>(p, None))
                    .collect(),
            ),
        ])
    }

    fn stored_bytes(&self) -> usize {
        self.stored_bytes
    }

    fn import(document: &Value) -> Result<State, StateError> {
        let api = crate::Api::Insightiq;
        let collections = scenario::collections(document, &["users", "accounts", "profiles"])?;
        let records = |name: &str| collections.get(name).copied().unwrap_or_default();
        let mut users = BTreeMap::new();
        let mut external_ids = HashSet::new();
        for (index, value) in records("users").iter().enumerate() {
            let user: User =
                scenario::record::<User, ()>(api, "users", index, value, "User")?.resource;
            if !external_ids.insert(user.external_id.clone()) {
                return Err(scenario::duplicate(
                    "users",
                    index,
                    "external_id",
                    &user.external_id,
                ));
            }
            if users.insert(user.id, user.clone()).is_some() {
                return Err(scenario::duplicate(
                    "users",
                    index,
                    "id",
                    &user.id.to_string(),
                ));
            }
        }
        let mut accounts = BTreeMap::new();
        for (index, value) in records("accounts").iter().enumerate() {
            let account: Account =
                scenario::record::<Account, ()>(api, "accounts", index, value, "Account")?.resource;
            let id = account.id;
            if accounts.insert(id, account).is_some() {
                return Err(scenario::duplicate(
                    "accounts",
                    index,
                    "id",
                    &id.to_string(),
                ));
            }
        }
        let mut profiles = Vec::new();
        let mut profile_ids = HashSet::new();
        for (index, value) in records("profiles").iter().enumerate() {
            let profile: Profile =
                scenario::record::<Profile, ()>(api, "profiles", index, value, "Profile")?.resource;
            if !profile_ids.insert(profile.id) {
                return Err(scenario::duplicate(
                    "profiles",
                    index,
                    "id",
                    &profile.id.to_string(),
                ));
            }
            profiles.push(profile);
        }
        Ok(State::indexed(users, accounts, profiles))
    }

    fn router(
        sandbox: Arc<Sandbox>,
        credentials: types::auth::Credentials,
        limits: server_runtime::Limits,
    ) -> Router {
        insightiq_server::router(
            sandbox,
            ServerConfig {
                credentials,
                limits,
            },
        )
    }
}

/// A time the sandbox stores, at the precision the vendor writes (microseconds), so what it
/// holds is what it answers.
fn timestamp(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

impl InsightiqApi for Sandbox {
    async fn create_user(
        &self,
        ctx: &mut Context,
        body: types::UserCreateRequest,
    ) -> CreateUserResponse {
        let external_id: &str = &body.external_id;
        let mut state = self.state();
        if state.user_ids_by_external_id.contains_key(external_id) {
            return CreateUserResponse::BadRequest(ctx.error(
                400,
                "user_exists_with_external_id",
                &format!("A user with external_id {external_id:?} already exists"),
                Some("external_id"),
            ));
        }
        let now = timestamp(chrono::Utc::now());
        let user = User::builder()
            .created_at(now)
            .external_id(external_id)
            .id(uuid::Uuid::new_v4())
            .name(body.name.clone())
            .status(UserStatus::Active)
            .updated_at(now)
            .build();
        state
            .user_ids_by_external_id
            .insert(external_id.to_owned(), user.id);
        state.stored_bytes += stored_size(&user);
        state.users.insert(user.id, user.clone());
        CreateUserResponse::Created(user)
    }

    async fn get_user_by_external_id(
        &self,
        ctx: &mut Context,
        external_id: String,
    ) -> GetUserByExternalIdResponse {
        let state = self.state();
        match state.user_by_external_id(&external_id) {
            Some(user) => GetUserByExternalIdResponse::Ok(user.clone()),
            None => GetUserByExternalIdResponse::NotFound(ctx.error(
                404,
                "user_not_found",
                &format!("No user with external_id {external_id:?}"),
                Some("external_id"),
            )),
        }
    }

    async fn create_sdk_token(
        &self,
        ctx: &mut Context,
        body: types::SdkTokenRequest,
    ) -> CreateSdkTokenResponse {
        // Products are validated against the spec's enum before this is called. An empty list
        // is valid by the spec (no minItems), so it is accepted: the token grants nothing.
        // The state is taken first, whatever the id: that is how a stub sees a valid request.
        let state = self.state();
        let known = uuid::Uuid::parse_str(&body.user_id)
            .ok()
            .is_some_and(|id| state.users.contains_key(&id));
        drop(state);
        if !known {
            return CreateSdkTokenResponse::BadRequest(ctx.error(
                400,
                "user_not_found",
                &format!("No user with id {:?}", body.user_id),
                Some("user_id"),
            ));
        }
        let token = SdkToken::new(
            timestamp(chrono::Utc::now() + chrono::Duration::days(SDK_TOKEN_DAYS)),
            format!("sandbox.{}.{}", body.user_id, uuid::Uuid::new_v4().simple()),
        );
        CreateSdkTokenResponse::Created(token)
    }

    async fn disconnect_account(
        &self,
        ctx: &mut Context,
        id: String,
        _body: types::EmptyObject,
    ) -> DisconnectAccountResponse {
        let mut state = self.state();
        let account = uuid::Uuid::parse_str(&id)
            .ok()
            .and_then(|id| state.accounts.get_mut(&id));
        match account {
            Some(account) => {
                account.status = AccountStatus::NotConnected;
                account.updated_at = timestamp(chrono::Utc::now());
                DisconnectAccountResponse::Ok(account.clone())
            }
            None => DisconnectAccountResponse::NotFound(ctx.error(
                404,
                "account_not_found",
                &format!("No account with id {id:?}"),
                Some("id"),
            )),
        }
    }

    async fn get_profile(&self, ctx: &mut Context, id: String) -> GetProfileResponse {
        let state = self.state();
        match state
            .profile_index
            .get(&id)
            .map(|&index| &state.profiles[index])
        {
            Some(profile) => GetProfileResponse::Ok(profile.clone()),
            None => GetProfileResponse::NotFound(ctx.error(
                404,
                "profile_not_found",
                &format!("No profile with id {id:?}"),
                Some("id"),
            )),
        }
    }

    async fn list_profiles(
        &self,
        _ctx: &mut Context,
        query: ListProfilesQuery,
    ) -> ListProfilesResponse {
        let limit = query
            .limit
            .unwrap_or(NonZeroU64::new(10).expect("10 is not zero"));
        let offset = query.offset.unwrap_or(0);
        let state = self.state();
        let data: Vec<Profile> = state
            .profiles
            .iter()
            .filter(|p| {
                query
                    .user_id
                    .as_ref()
                    .is_none_or(|id| p.user.id.to_string() == *id)
            })
            .filter(|p| {
                query
                    .work_platform_id
                    .as_ref()
                    .is_none_or(|id| p.work_platform.id.to_string() == *id)
            })
            .filter(|p| query.account_id.is_none_or(|id| p.account.id == id))
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit.get()).unwrap_or(usize::MAX))
            .cloned()
            .collect();
        ListProfilesResponse::Ok(
            ProfileList::new()
                .with_metadata(Metadata::new(limit, offset))
                .with_data(data),
        )
    }
}
