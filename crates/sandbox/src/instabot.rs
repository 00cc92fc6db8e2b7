//! Instabot: the users object.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use instabot_server::types::{
    self, File, FileReference, GetUserResolve, ListUsersResolve, ListUsersType, ObjectIdEnvelope,
    ObjectReference, SuccessStatusCode, User, UserEnvelope, UserListEnvelope, UserUserType,
};
use instabot_server::{
    Context, CreateUserResponse, DeleteUserResponse, GetUserQuery, GetUserResponse, InstabotApi,
    ListUsersQuery, ListUsersResponse, ListUsersUpdatedSinceQuery, ListUsersUpdatedSinceResponse,
    RestoreUserResponse, ServerConfig, UpdateUserResponse,
};
use server_runtime::axum::Router;

use crate::scenario::{self, StateError};
use crate::seeds;
use crate::state::ApiState;
use serde_json::Value;

pub const DEFAULT_API_KEY: &str = "demo-api-key";
pub const DEFAULT_MASTER_API_KEY: &str = "demo-master-key";
/// Page size when the request gives no `limit` (the page documents none; 20 is its sample's).
pub const DEFAULT_LIMIT: u64 = 20;

/// The instabot sandbox: implements [`InstabotApi`] over in-memory state.
pub type Sandbox = crate::Sandbox<State>;

/// The instabot sandbox's state.
#[derive(Debug, Clone)]
pub struct State {
    /// In creation order (never removed from: delete is soft).
    users: Vec<Record>,
    /// objectId → index in `users`.
    index: HashMap<i64, usize>,
    /// Indexes of the live (not deleted) users, and of the live registered ones: the lists'
    /// pages and totals, in creation order.
    live: BTreeSet<usize>,
    live_registered: BTreeSet<usize>,
    /// (last change, index) of the live users: `lastUpdated?since=` is a range.
    live_by_updated: BTreeSet<(DateTime<Utc>, usize)>,
    /// The objectId the next create takes; `None` once `i64::MAX` is taken (creates are
    /// refused).
    next_id: Option<i64>,
    /// What the records and their indexes take, about (the memory cap's measure).
    stored_bytes: usize,
}

#[derive(Debug, Clone)]
struct Record {
    /// The user object as the API returns it (resolvable members included).
    user: User,
    /// Kept, never returned.
    password: Option<String>,
    deleted: bool,
    updated: DateTime<Utc>,
}

/// A user's fields the resource does not show, under the record's `_sandbox` member.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnFields {
    /// Soft-deleted (hidden from get, list and lastUpdated; restore brings it back).
    #[serde(default)]
    deleted: bool,
    /// The stored password (never returned by the API).
    #[serde(default)]
    password: Option<String>,
}

/// The members only returned when asked for with `resolve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolve {
    Organizations,
    UserSegments,
    Conversations,
}

impl Record {
    /// About what the record and its index entries take: the user's JSON size and more.
    fn stored_size(&self) -> usize {
        std::mem::size_of::<Record>()
            + serde_json::to_vec(&self.user).map_or(0, |json| json.len())
            + self.password.as_ref().map_or(0, String::len)
            + crate::storage::RECORD_OVERHEAD_BYTES
    }

    fn id(&self) -> i64 {
        self.user.object_id
    }

    /// Registered users; `type=all` adds the anonymous ones (`userType: reference`).
    fn registered(&self) -> bool {
        self.user.user_type != Some(UserUserType::Reference)
    }

    /// The object as returned, with only the resolved members among the resolvable ones
    /// (an empty member is left out of the JSON).
    fn render(&self, resolve: Option<Resolve>) -> User {
        let mut user = self.user.clone();
        if resolve != Some(Resolve::Organizations) {
            user.organizations.clear();
        }
        if resolve != Some(Resolve::UserSegments) {
            user.user_segments.clear();
        }
        if resolve != Some(Resolve::Conversations) {
            user.conversations.clear();
        }
        user
    }
}

/// Now, to Instabot's precision: four fractional digits (`2018-03-21T14:15:26.9713Z`).
fn instabot_now() -> DateTime<Utc> {
    let now = Utc::now();
    let tenths_of_millis = now.timestamp_subsec_nanos() / 100_000 * 100_000;
    now.with_nanosecond(tenths_of_millis).unwrap_or(now)
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            // The page's `since` has no offset (2017-03-30T14:44:55): UTC.
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|at| at.and_utc())
        })
}

impl State {
    fn find(&self, id: i64) -> Option<usize> {
        self.index.get(&id).copied()
    }

    fn insert(&mut self, record: Record) {
        let index = self.users.len();
        let live = !record.deleted;
        self.stored_bytes += record.stored_size();
        self.index.insert(record.id(), index);
        self.users.push(record);
        if live {
            self.add_live(index);
        }
    }

    fn empty() -> State {
        State {
            users: Vec::new(),
            index: HashMap::new(),
            live: BTreeSet::new(),
            live_registered: BTreeSet::new(),
            live_by_updated: BTreeSet::new(),
            next_id: Some(1),
            stored_bytes: 0,
        }
    }

    fn add_live(&mut self, index: usize) {
        let record = &self.users[index];
        self.live.insert(index);
        if record.registered() {
            self.live_registered.insert(index);
        }
        self.live_by_updated.insert((record.updated, index));
    }

    fn remove_live(&mut self, index: usize) {
        self.live.remove(&index);
        self.live_registered.remove(&index);
        self.live_by_updated
            .remove(&(self.users[index].updated, index));
    }

    /// Changes a user through `change` with every index kept in step.
    fn change(&mut self, index: usize, change: impl FnOnce(&mut Record)) {
        let was_live = !self.users[index].deleted;
        if was_live {
            self.remove_live(index);
        }
        let before = self.users[index].stored_size();
        change(&mut self.users[index]);
        self.stored_bytes =
            (self.stored_bytes + self.users[index].stored_size()).saturating_sub(before);
        if !self.users[index].deleted {
            self.add_live(index);
        }
    }
}

impl Sandbox {
    /// How many live users have this user name (the store's uniqueness, for tests).
    pub fn users_named(&self, username: &str) -> usize {
        self.state()
            .users
            .iter()
            .filter(|u| !u.deleted && u.user.username == username)
            .count()
    }
}

/// The sandbox behind the generated router, with the reset endpoint and the request log.
pub fn app(sandbox: Arc<Sandbox>, credentials: types::auth::Credentials) -> Router {
    crate::shell::app(sandbox, credentials)
}

impl ApiState for State {
    const API: crate::Api = crate::Api::Instabot;
    const GROWING: &'static [&'static str] = &["create_user", "update_user"];
    type Credentials = types::auth::Credentials;

    /// The users of the documents' Get User and list samples.
    fn seeded() -> State {
        let spec = seeds::spec(crate::Api::Instabot.spec());
        let spec = &spec.document;
        let mut state = State::empty();
        for pointer in [
            "/paths/~1users~1{objectId}/get/responses/200/content/application~1json/examples/user/value/data",
            "/paths/~1users/get/responses/200/content/application~1json/examples/users_with_conversations/value/data/0",
        ] {
            let user: User = seeds::typed(seeds::example(spec, pointer), "user");
            let updated = user.update_date.unwrap_or_else(Utc::now);
            state.insert(Record {
                user,
                password: None,
                deleted: false,
                updated,
            });
        }
        state.next_id = state
            .users
            .iter()
            .map(Record::id)
            .max()
            .unwrap_or(0)
            .checked_add(1);
        state
    }

    /// `{"users": [User + {"_sandbox": {"deleted", "password"}}]}`, in creation order.
    fn export(&self) -> Value {
        let users = self
            .users
            .iter()
            .map(|record| {
                let own = OwnFields {
                    deleted: record.deleted,
                    password: record.password.clone(),
                };
                scenario::exported(&record.user, Some(&own))
            })
            .collect();
        scenario::document(vec![("users", users)])
    }

    fn stored_bytes(&self) -> usize {
        self.stored_bytes
    }

    fn import(document: &Value) -> Result<State, StateError> {
        let collections = scenario::collections(document, &["users"])?;
        let mut state = State::empty();
        let records = collections.get("users").copied().unwrap_or_default();
        for (index, value) in records.iter().enumerate() {
            let imported = scenario::record::<User, OwnFields>(
                crate::Api::Instabot,
                "users",
                index,
                value,
                "User",
            )?;
            let user = imported.resource;
            if state.index.contains_key(&user.object_id) {
                return Err(scenario::duplicate(
                    "users",
                    index,
                    "objectId",
                    &user.object_id.to_string(),
                ));
            }
            let after = scenario::id_after("users", index, "objectId", user.object_id)?;
            state.next_id = state.next_id.max(Some(after));
            state.insert(Record {
                updated: user.update_date.unwrap_or_else(Utc::now),
                user,
                password: imported.sandbox.password,
                deleted: imported.sandbox.deleted,
            });
        }
        Ok(state)
    }

    fn router(
        sandbox: Arc<Sandbox>,
        credentials: types::auth::Credentials,
        limits: server_runtime::Limits,
    ) -> Router {
        instabot_server::router(
            sandbox,
            ServerConfig {
                credentials,
                limits,
            },
        )
    }
}

fn id_envelope(id: i64) -> ObjectIdEnvelope {
    ObjectIdEnvelope::new(SuccessStatusCode::Success, ObjectReference::new(id))
}

fn list_resolve(resolve: &Option<ListUsersResolve>) -> Option<Resolve> {
    match resolve {
        Some(ListUsersResolve::Organizations) => Some(Resolve::Organizations),
        Some(ListUsersResolve::UserSegments) => Some(Resolve::UserSegments),
        Some(ListUsersResolve::Conversations) => Some(Resolve::Conversations),
        // Validation refuses values outside the enum before the sandbox is called.
        _ => None,
    }
}

fn get_resolve(resolve: &Option<GetUserResolve>) -> Option<Resolve> {
    match resolve {
        Some(GetUserResolve::Organizations) => Some(Resolve::Organizations),
        Some(GetUserResolve::UserSegments) => Some(Resolve::UserSegments),
        Some(GetUserResolve::Conversations) => Some(Resolve::Conversations),
        _ => None,
    }
}

fn not_found(ctx: &Context, id: i64) -> types::Error {
    ctx.error(
        404,
        "NotFound",
        &format!("No user with objectId {id}"),
        None,
    )
}

/// The file a request's photo reference names, as the user object holds it.
fn photo(reference: FileReference) -> File {
    File::new().with_object_id(reference.object_id)
}

/// Copies the members an update request gives onto the user object (custom properties are
/// merged, the others replaced).
fn apply(user: &mut User, request: &types::UserUpdateRequest) {
    user.custom_properties
        .extend(request.custom_properties.clone());
    if let Some(description) = &request.description {
        user.description = Some(description.clone());
    }
    if let Some(email) = &request.email {
        user.email = Some(email.clone());
    }
    if let Some(name) = &request.name {
        user.name = Some(name.clone());
    }
    if let Some(phone) = &request.phone {
        user.phone = Some(phone.clone());
    }
    if let Some(reference) = &request.photo_file {
        user.photo_file = Some(photo(reference.clone()));
    }
    if let Some(user_name) = &request.user_name {
        user.username = user_name.clone();
    }
}

impl InstabotApi for Sandbox {
    async fn list_users(&self, _ctx: &mut Context, query: ListUsersQuery) -> ListUsersResponse {
        let all = matches!(query.type_, Some(ListUsersType::All));
        let resolve = list_resolve(&query.resolve);
        let limit = query.limit.map_or(DEFAULT_LIMIT, |l| l.get());
        let skip = query.skip.unwrap_or(0);
        let state = self.state();
        let matching = if all {
            &state.live
        } else {
            &state.live_registered
        };
        let total = matching.len();
        let page: Vec<User> = matching
            .iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|&index| state.users[index].render(resolve))
            .collect();
        let more = (skip as usize).saturating_add(page.len()) < total;
        ListUsersResponse::Ok(
            UserListEnvelope::new(SuccessStatusCode::Success, page)
                .with_has_more_records(more)
                .with_total_count(i64::try_from(total).unwrap_or(i64::MAX)),
        )
    }

    async fn create_user(
        &self,
        ctx: &mut Context,
        body: types::UserCreateRequest,
    ) -> CreateUserResponse {
        // The page states no uniqueness rule for userName, so none is enforced (README).
        let mut state = self.state();
        let Some(id) = state.next_id else {
            // Answered as 507 `ids_exhausted` by the sandbox (this body is replaced).
            crate::storage::mark_ids_exhausted(&mut ctx.response_headers);
            return CreateUserResponse::BadRequest(ctx.error(
                400,
                "ids_exhausted",
                "no id left",
                None,
            ));
        };
        state.next_id = id.checked_add(1);
        let now = instabot_now();
        let mut user = User::new(id, body.user_name)
            .with_create_date(now)
            .with_referral_code(uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase())
            .with_row_version(1)
            .with_update_date(now)
            .with_user_type(UserUserType::General)
            .with_custom_properties(body.custom_properties);
        // The request's optional members, as given (absent stays absent).
        user.description = body.description;
        user.email = body.email;
        user.name = body.name;
        user.phone = body.phone;
        user.photo_file = body.photo_file.map(photo);
        state.insert(Record {
            user,
            password: Some(body.user_password),
            deleted: false,
            updated: now,
        });
        CreateUserResponse::Created(types::UserCreatedEnvelope(id_envelope(id)))
    }

    async fn list_users_updated_since(
        &self,
        _ctx: &mut Context,
        query: ListUsersUpdatedSinceQuery,
    ) -> ListUsersUpdatedSinceResponse {
        // `since` matches the spec's pattern, but may still name no real instant
        // (0000-00-00T00:00:00, 2017-02-31T...): such a value is compared as text, digit by
        // digit, the way the pattern's fixed layout orders it.
        let state = self.state();
        let mut changed: Vec<usize> = match parse_time(&query.since) {
            // Strictly after `since`: a range of the index.
            Some(since) => state
                .live_by_updated
                .range((
                    std::ops::Bound::Excluded((since, usize::MAX)),
                    std::ops::Bound::Unbounded,
                ))
                .map(|&(_, index)| index)
                .collect(),
            None => {
                let since_text: String = query.since.chars().take(19).collect();
                state
                    .live_by_updated
                    .iter()
                    .filter(|(updated, _)| {
                        updated.format("%Y-%m-%dT%H:%M:%S").to_string() > since_text
                    })
                    .map(|&(_, index)| index)
                    .collect()
            }
        };
        // Listed in creation order, as before the index.
        changed.sort_unstable();
        let data: Vec<User> = changed
            .iter()
            .map(|&index| state.users[index].render(None))
            .collect();
        let total = i64::try_from(data.len()).unwrap_or(i64::MAX);
        ListUsersUpdatedSinceResponse::Ok(
            UserListEnvelope::new(SuccessStatusCode::Success, data)
                .with_has_more_records(false)
                .with_total_count(total),
        )
    }

    async fn get_user(
        &self,
        ctx: &mut Context,
        object_id: i64,
        query: GetUserQuery,
    ) -> GetUserResponse {
        let resolve = get_resolve(&query.resolve);
        let state = self.state();
        match state.find(object_id).map(|i| &state.users[i]) {
            Some(user) if !user.deleted => GetUserResponse::Ok(UserEnvelope::new(
                SuccessStatusCode::Success,
                user.render(resolve),
            )),
            _ => GetUserResponse::NotFound(not_found(ctx, object_id)),
        }
    }

    async fn update_user(
        &self,
        ctx: &mut Context,
        object_id: i64,
        body: types::UserUpdateRequest,
    ) -> UpdateUserResponse {
        let mut state = self.state();
        let Some(index) = state.find(object_id).filter(|&i| !state.users[i].deleted) else {
            return UpdateUserResponse::NotFound(not_found(ctx, object_id));
        };
        let now = instabot_now();
        state.change(index, |record| {
            apply(&mut record.user, &body);
            if let Some(password) = &body.user_password {
                record.password = Some(password.clone());
            }
            record.user.row_version = Some(record.user.row_version.unwrap_or(0) + 1);
            record.user.update_date = Some(now);
            record.updated = now;
        });
        UpdateUserResponse::Ok(id_envelope(object_id))
    }

    async fn restore_user(&self, ctx: &mut Context, object_id: i64) -> RestoreUserResponse {
        let mut state = self.state();
        let Some(index) = state.find(object_id) else {
            return RestoreUserResponse::NotFound(not_found(ctx, object_id));
        };
        // Restoring a user that is not deleted changes nothing.
        if state.users[index].deleted {
            state.change(index, |record| {
                record.deleted = false;
                record.updated = Utc::now();
            });
        }
        RestoreUserResponse::Ok(id_envelope(object_id))
    }

    async fn delete_user(&self, ctx: &mut Context, object_id: i64) -> DeleteUserResponse {
        let mut state = self.state();
        match state.find(object_id) {
            Some(index) if !state.users[index].deleted => {
                state.change(index, |record| {
                    record.deleted = true;
                    record.updated = Utc::now();
                });
                DeleteUserResponse::Ok(id_envelope(object_id))
            }
            _ => DeleteUserResponse::NotFound(not_found(ctx, object_id)),
        }
    }
}
