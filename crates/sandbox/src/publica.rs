//! Publica.la: dashboard users.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use publica_server::types::{
    self, DateObject, EmptyDataEnvelope, FlexibleBoolean, FlexibleBooleanInteger,
    ListUsersQuery as QueryFilter, NullableDateObject, NullableDateObjectInner, SuccessCode,
    UserCreated, UserCreatedEnvelope, UserListData, UserListEnvelope, UserListItem, UserPaginator,
    UserReactivatedEnvelope,
};
use publica_server::{
    Context, CreateUserResponse, DeactivateUserResponse, ForceLogoutUserResponse, ListUsersQuery,
    ListUsersResponse, PublicaApi, ReactivateUserResponse, ServerConfig, UpdateUserResponse,
};
use serde_json::Value;
use server_runtime::axum::Router;

use crate::scenario::{self, StateError};
use crate::seeds;
use crate::state::ApiState;

pub const DEFAULT_USER_TOKEN: &str = "demo-token";

/// The publica sandbox: implements [`PublicaApi`] over in-memory state.
pub type Sandbox = crate::Sandbox<State>;

/// The publica sandbox's state.
#[derive(Debug, Clone)]
pub struct State {
    /// By id (ids grow, so this is also creation order).
    users: BTreeMap<i64, Record>,
    /// Lower-cased e-mail → id and external_id → id, for every user (deactivated ones too):
    /// the uniqueness checks and lookups, changed in the same critical section as `users`.
    ids_by_email: HashMap<String, i64>,
    ids_by_external_id: HashMap<String, i64>,
    /// The id the next create takes; `None` once `i64::MAX` is taken (creates are refused).
    next_id: Option<i64>,
    /// What the records and their indexes take, about (the memory cap's measure).
    stored_bytes: usize,
}

/// A user's fields the resource does not show, under the record's `_sandbox` member.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnFields {
    external_id: String,
    #[serde(default)]
    logged_out_at: Option<DateTime<Utc>>,
}

/// The e-mail index's key: e-mails are unique case-insensitively.
fn email_key(email: &str) -> String {
    email.to_ascii_lowercase()
}

/// One dashboard user as the store keeps it.
#[derive(Debug, Clone)]
struct Record {
    id: i64,
    uuid: uuid::Uuid,
    external_id: String,
    email: String,
    admin: bool,
    plan_admin: bool,
    only_sees_readable: bool,
    sessions_limit: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// Set while the user is deactivated.
    deleted_at: Option<DateTime<Utc>>,
    /// The last forced logout.
    logged_out_at: Option<DateTime<Utc>>,
}

fn flag(value: &Option<FlexibleBoolean>) -> Option<bool> {
    value.as_ref().map(|v| match v {
        FlexibleBoolean::Boolean(b) => *b,
        FlexibleBoolean::Integer(i) => **i != 0,
    })
}

/// A date as the create endpoint writes it (`{timestamp, date, timezone}`).
fn date_object(at: &DateTime<Utc>) -> DateObject {
    DateObject::new(
        at.format("%Y-%m-%d %H:%M:%S")
            .to_string()
            .parse::<types::DateObjectDate>()
            .expect("the sandbox's date format matches the spec's pattern"),
        at.timestamp(),
        "UTC",
    )
}

fn nullable_date_object(at: Option<&DateTime<Utc>>) -> NullableDateObject {
    NullableDateObject(at.map(|at| {
        let object = date_object(at);
        NullableDateObjectInner::new(
            object
                .date
                .parse::<types::NullableDateObjectInnerDate>()
                .expect("the same pattern as DateObject's date"),
            object.timestamp,
            object.timezone,
        )
    }))
}

/// `0` or `1`, as the list endpoint writes `only_sees_readable`.
fn flag_integer(value: bool) -> FlexibleBoolean {
    FlexibleBoolean::Integer(
        FlexibleBooleanInteger::try_from(i64::from(value)).expect("0 and 1 are the spec's values"),
    )
}

impl Record {
    /// About what the record and its index entries take.
    fn stored_size(&self) -> usize {
        std::mem::size_of::<Record>()
            + 2 * (self.email.len() + self.external_id.len())
            + crate::storage::RECORD_OVERHEAD_BYTES
    }

    fn picture(&self) -> String {
        format!(
            "https://www.gravatar.com/avatar/{}?s=160&d=mm&r=g",
            self.uuid.simple()
        )
    }

    /// As the create endpoint answers (dates as objects).
    fn created(&self) -> UserCreated {
        UserCreated::builder()
            .admin(self.admin)
            .created_at(date_object(&self.created_at))
            .deleted_at(nullable_date_object(self.deleted_at.as_ref()))
            .email(self.email.clone())
            .id(self.id)
            .only_sees_readable(self.only_sees_readable)
            .picture(self.picture())
            .plan_admin(self.plan_admin)
            .sessions_limit(self.sessions_limit)
            .updated_at(date_object(&self.updated_at))
            .uuid(self.uuid)
            .build()
    }

    /// As the list endpoint answers (dates as strings, only_sees_readable as 0/1).
    fn listed(&self) -> UserListItem {
        UserListItem::builder()
            .admin(self.admin)
            .can_be_edited(true)
            .created_at(self.created_at)
            .created_at_date_string(self.created_at.date_naive())
            .deleted_at(self.deleted_at)
            .email(self.email.clone())
            .id(self.id)
            .impersonate(format!(
                "https://example.publica.la/impersonate/take/{}",
                self.id
            ))
            .ip_ranges(Vec::new())
            .only_sees_readable(flag_integer(self.only_sees_readable))
            .picture(self.picture())
            .plan_admin(self.plan_admin)
            .purchased_issues_with_cancelled(Vec::new())
            .purchased_issues_with_cancelled_count(0)
            .referrers(Vec::new())
            .sessions(Value::Null)
            .sessions_limit(self.sessions_limit)
            .updated_at(self.updated_at)
            .user_plans(Vec::new())
            .user_plans_count(0)
            .uuid(self.uuid)
            .build()
    }
}

impl State {
    fn insert(&mut self, record: Record) {
        self.stored_bytes += record.stored_size();
        self.ids_by_email
            .insert(email_key(&record.email), record.id);
        self.ids_by_external_id
            .insert(record.external_id.clone(), record.id);
        self.users.insert(record.id, record);
    }

    /// Moves a user's index entries to new unique values (already checked as free).
    fn reindex(&mut self, id: i64, email: &str, external_id: &str) {
        if let Some(user) = self.users.get(&id) {
            self.ids_by_email.remove(&email_key(&user.email));
            self.ids_by_external_id.remove(&user.external_id);
            // The same record with its new keys.
            self.stored_bytes = (self.stored_bytes + 2 * (email.len() + external_id.len()))
                .saturating_sub(2 * (user.email.len() + user.external_id.len()));
        }
        self.ids_by_email.insert(email_key(email), id);
        self.ids_by_external_id.insert(external_id.to_owned(), id);
    }

    /// The field of another user that already holds one of these unique values.
    fn taken(&self, except: Option<i64>, email: &str, external_id: &str) -> Vec<&'static str> {
        let held_by_another = |holder: Option<&i64>| holder.is_some_and(|&id| Some(id) != except);
        let mut taken = Vec::new();
        if held_by_another(self.ids_by_email.get(&email_key(email))) {
            taken.push("email");
        }
        if held_by_another(self.ids_by_external_id.get(external_id)) {
            taken.push("external_id");
        }
        taken
    }

    fn active_mut(&mut self, id: i64) -> Option<&mut Record> {
        self.users.get_mut(&id).filter(|u| u.deleted_at.is_none())
    }
}

/// Laravel's validation error: "The given data was invalid." with the messages per field.
fn taken_error(fields: &[&str]) -> types::Error {
    let errors: HashMap<String, Vec<String>> = fields
        .iter()
        .map(|field| {
            let name = field.replace('_', " ");
            (
                (*field).to_owned(),
                vec![format!("The {name} has already been taken.")],
            )
        })
        .collect();
    types::Error::new("The given data was invalid.").with_errors(errors)
}

fn not_found(ctx: &Context, what: &str) -> types::Error {
    ctx.error(
        404,
        "not_found",
        &format!("No query results for {what}"),
        None,
    )
}

impl Sandbox {
    /// How many users have this e-mail address (the store's uniqueness, for tests).
    pub fn users_with_email(&self, email: &str) -> usize {
        self.state()
            .users
            .values()
            .filter(|u| u.email.eq_ignore_ascii_case(email))
            .count()
    }
}

/// The sandbox behind the generated router, with the reset endpoint and the request log.
pub fn app(sandbox: Arc<Sandbox>, credentials: types::auth::Credentials) -> Router {
    crate::shell::app(sandbox, credentials)
}

impl ApiState for State {
    const API: crate::Api = crate::Api::Publica;
    const GROWING: &'static [&'static str] = &["create_user", "update_user"];
    type Credentials = types::auth::Credentials;

    /// The user of the documents' create and list samples (the same id, 923242), with the
    /// create request's external_id.
    fn seeded() -> State {
        let spec = seeds::spec(crate::Api::Publica.spec());
        let spec = &spec.document;
        let listed = seeds::example(
            spec,
            "/paths/~1integration-api~1v1~1dashboard~1users/get/responses/200/content/application~1json/examples/users/value/data/paginator/data/0",
        );
        let request = seeds::example(
            spec,
            "/paths/~1integration-api~1v1~1dashboard~1users/post/requestBody/content/application~1json/examples/create_user/value",
        );
        let at = |key: &str| {
            listed[key]
                .as_str()
                .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
                .map(|at| at.with_timezone(&Utc))
                .unwrap_or_else(Utc::now)
        };
        let record = Record {
            id: listed["id"].as_i64().unwrap_or(923242),
            uuid: listed["uuid"]
                .as_str()
                .and_then(|u| uuid::Uuid::parse_str(u).ok())
                .unwrap_or_else(uuid::Uuid::new_v4),
            external_id: request["external_id"]
                .as_str()
                .unwrap_or("user-id-in-your-platform")
                .to_owned(),
            email: listed["email"]
                .as_str()
                .unwrap_or("user@example.com")
                .to_owned(),
            admin: listed["admin"].as_bool().unwrap_or(false),
            plan_admin: listed["plan_admin"].as_bool().unwrap_or(false),
            only_sees_readable: listed["only_sees_readable"].as_i64() == Some(1),
            sessions_limit: listed["sessions_limit"].as_i64(),
            created_at: at("created_at"),
            updated_at: at("updated_at"),
            deleted_at: None,
            logged_out_at: None,
        };
        let mut state = State {
            next_id: record.id.checked_add(1),
            users: BTreeMap::new(),
            ids_by_email: HashMap::new(),
            ids_by_external_id: HashMap::new(),
            stored_bytes: 0,
        };
        state.insert(record);
        state
    }

    /// `{"users": [UserListItem + {"_sandbox": {"external_id", "logged_out_at"}}]}`.
    fn export(&self) -> Value {
        let users = self
            .users
            .values()
            .map(|user| {
                let own = OwnFields {
                    external_id: user.external_id.clone(),
                    logged_out_at: user.logged_out_at,
                };
                scenario::exported(&user.listed(), Some(&own))
            })
            .collect();
        scenario::document(vec![("users", users)])
    }

    fn stored_bytes(&self) -> usize {
        self.stored_bytes
    }

    fn import(document: &Value) -> Result<State, StateError> {
        let collections = scenario::collections(document, &["users"])?;
        let mut state = State {
            users: BTreeMap::new(),
            ids_by_email: HashMap::new(),
            ids_by_external_id: HashMap::new(),
            next_id: Some(1),
            stored_bytes: 0,
        };
        let records = collections.get("users").copied().unwrap_or_default();
        for (index, value) in records.iter().enumerate() {
            let imported = scenario::record::<UserListItem, Option<OwnFields>>(
                crate::Api::Publica,
                "users",
                index,
                value,
                "UserListItem",
            )?;
            let Some(own) = imported.sandbox else {
                return Err(StateError {
                    record: Some(format!("users/{index}")),
                    pointer: format!("/users/{index}/{}", scenario::SANDBOX_MEMBER),
                    reason: "missing: a user's external_id is kept there".into(),
                });
            };
            let user = imported.resource;
            if state.users.contains_key(&user.id) {
                return Err(scenario::duplicate(
                    "users",
                    index,
                    "id",
                    &user.id.to_string(),
                ));
            }
            if state.ids_by_email.contains_key(&email_key(&user.email)) {
                return Err(scenario::duplicate("users", index, "email", &user.email));
            }
            if state.ids_by_external_id.contains_key(&own.external_id) {
                return Err(scenario::duplicate(
                    "users",
                    index,
                    &format!("{}/external_id", scenario::SANDBOX_MEMBER),
                    &own.external_id,
                ));
            }
            let after = scenario::id_after("users", index, "id", user.id)?;
            state.next_id = state.next_id.max(Some(after));
            state.insert(Record {
                id: user.id,
                uuid: user.uuid,
                external_id: own.external_id,
                email: user.email,
                admin: flag(&Some(user.admin)).unwrap_or(false),
                plan_admin: flag(&Some(user.plan_admin)).unwrap_or(false),
                only_sees_readable: flag(&Some(user.only_sees_readable)).unwrap_or(false),
                sessions_limit: user.sessions_limit,
                created_at: user.created_at,
                updated_at: user.updated_at,
                deleted_at: user.deleted_at,
                logged_out_at: own.logged_out_at,
            });
        }
        Ok(state)
    }

    fn router(
        sandbox: Arc<Sandbox>,
        credentials: types::auth::Credentials,
        limits: server_runtime::Limits,
    ) -> Router {
        publica_server::router(
            sandbox,
            ServerConfig {
                credentials,
                limits,
            },
        )
    }
}

/// `{"CODE": "success", "data": []}`.
fn empty_success() -> EmptyDataEnvelope {
    EmptyDataEnvelope::new(SuccessCode::Success, Vec::new())
}

impl PublicaApi for Sandbox {
    async fn list_users(&self, _ctx: &mut Context, query: ListUsersQuery) -> ListUsersResponse {
        let state = self.state();
        // The documents give this list no paging: it is one page of every matching user. An
        // `email` filter is an index lookup.
        let by_email: Box<dyn Iterator<Item = &Record>> = match query.email.as_deref() {
            Some(email) => Box::new(
                state
                    .ids_by_email
                    .get(&email_key(email))
                    .and_then(|id| state.users.get(id))
                    .into_iter(),
            ),
            None => Box::new(state.users.values()),
        };
        let data: Vec<UserListItem> = by_email
            .filter(|u| match &query.query {
                Some(QueryFilter::Deactivated) => u.deleted_at.is_some(),
                Some(QueryFilter::Admins) => u.deleted_at.is_none() && u.admin,
                // Validation refuses values outside the enum before this is called.
                _ => u.deleted_at.is_none(),
            })
            .map(Record::listed)
            .collect();
        ListUsersResponse::Ok(UserListEnvelope::new(
            SuccessCode::Success,
            UserListData::new(UserPaginator::new(1, data)),
        ))
    }

    async fn create_user(
        &self,
        ctx: &mut Context,
        body: types::UserCreateRequest,
    ) -> CreateUserResponse {
        let mut state = self.state();
        let taken = state.taken(None, &body.email, &body.external_id);
        if !taken.is_empty() {
            return CreateUserResponse::UnprocessableEntity(taken_error(&taken));
        }
        let Some(id) = state.next_id else {
            // Answered as 507 `ids_exhausted` by the sandbox (this body is replaced).
            crate::storage::mark_ids_exhausted(&mut ctx.response_headers);
            return CreateUserResponse::UnprocessableEntity(ctx.error(
                422,
                "ids_exhausted",
                "no id left",
                None,
            ));
        };
        let now = Utc::now();
        let record = Record {
            id,
            uuid: uuid::Uuid::new_v4(),
            external_id: body.external_id.clone(),
            email: body.email.clone(),
            admin: flag(&body.admin).unwrap_or(false),
            plan_admin: flag(&body.plan_admin).unwrap_or(false),
            only_sees_readable: flag(&body.only_sees_readable).unwrap_or(false),
            sessions_limit: body.sessions_limit,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            logged_out_at: None,
        };
        state.next_id = id.checked_add(1);
        let created = record.created();
        state.insert(record);
        CreateUserResponse::Ok(UserCreatedEnvelope::new(SuccessCode::Success, created))
    }

    async fn update_user(
        &self,
        ctx: &mut Context,
        user_id: i64,
        body: types::UserUpdateRequest,
    ) -> UpdateUserResponse {
        let mut state = self.state();
        if state.active_mut(user_id).is_none() {
            return UpdateUserResponse::NotFound(not_found(ctx, &format!("user {user_id}")));
        }
        let taken = state.taken(Some(user_id), &body.email, &body.external_id);
        if !taken.is_empty() {
            return UpdateUserResponse::UnprocessableEntity(taken_error(&taken));
        }
        state.reindex(user_id, &body.email, &body.external_id);
        if let Some(user) = state.active_mut(user_id) {
            user.email = body.email.clone();
            user.external_id = body.external_id.clone();
            user.only_sees_readable = flag(&Some(body.only_sees_readable.clone())).unwrap_or(false);
            if let Some(admin) = flag(&body.admin) {
                user.admin = admin;
            }
            if let Some(plan_admin) = flag(&body.plan_admin) {
                user.plan_admin = plan_admin;
            }
            if body.sessions_limit.is_some() {
                user.sessions_limit = body.sessions_limit;
            }
            user.updated_at = Utc::now();
        }
        UpdateUserResponse::NoContent
    }

    async fn deactivate_user(&self, ctx: &mut Context, user_id: i64) -> DeactivateUserResponse {
        let mut state = self.state();
        match state.active_mut(user_id) {
            Some(user) => {
                let now = Utc::now();
                user.deleted_at = Some(now);
                user.updated_at = now;
                DeactivateUserResponse::Ok(empty_success())
            }
            None => DeactivateUserResponse::NotFound(not_found(ctx, &format!("user {user_id}"))),
        }
    }

    async fn reactivate_user(&self, ctx: &mut Context, user_id: i64) -> ReactivateUserResponse {
        let mut state = self.state();
        match state.users.get_mut(&user_id) {
            Some(user) => {
                // `data` counts the users restored: 0 when the user was already active.
                let restored = i64::from(user.deleted_at.take().is_some());
                if restored == 1 {
                    user.updated_at = Utc::now();
                }
                ReactivateUserResponse::Ok(UserReactivatedEnvelope::new(
                    SuccessCode::Success,
                    restored,
                ))
            }
            None => ReactivateUserResponse::NotFound(not_found(ctx, &format!("user {user_id}"))),
        }
    }

    async fn force_logout_user(
        &self,
        ctx: &mut Context,
        user_id: String,
    ) -> ForceLogoutUserResponse {
        let mut state = self.state();
        // The ID or the external_id (the page); the ID wins when both could match.
        let numeric = user_id.parse::<i64>().ok();
        let id = numeric
            .filter(|id| state.users.contains_key(id))
            .or_else(|| state.ids_by_external_id.get(&user_id).copied());
        match id.and_then(|id| state.users.get_mut(&id)) {
            Some(user) => {
                user.logged_out_at = Some(Utc::now());
                ForceLogoutUserResponse::Ok(empty_success())
            }
            None => ForceLogoutUserResponse::NotFound(not_found(ctx, &format!("user {user_id:?}"))),
        }
    }
}
