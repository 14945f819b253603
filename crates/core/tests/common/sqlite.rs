//! The native tests' database: SQLite (D1's engine, bundled by rusqlite) over the real
//! `worker/migrations`, running the very statements `netid_core::sql` hands to D1. It adds
//! what a test needs around them: a commit that fails on demand (as a D1 batch can), a
//! barrier that holds a commit until a rival is ready (races decided by the SQL), a
//! snapshot of every table, the outbox, and the invariants of `worker/invariants.sql`.

use netid_core::model::*;
use netid_core::sql::rows::*;
use netid_core::sql::{Database, Round, SqlStore, Statement, Value};
use netid_core::store::{Change, StoreResult};
use netid_core::Error;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};

pub type SqliteStore = SqlStore<Sqlite>;

pub struct Sqlite {
    conn: Connection,
    /// The file shared with other connections (`None`: a private in-memory database).
    pub path: Option<PathBuf>,
    fail_next_commit: Cell<bool>,
    commits: Cell<u32>,
    rounds: Cell<u32>,
    /// Held before the next commit until every party of the barrier reached it.
    gate: RefCell<Option<Arc<Rendezvous>>>,
    /// A second barrier the held commit waits at after the first (`hold_next_commit_until`).
    then: RefCell<Option<Arc<Rendezvous>>>,
}

fn migrations_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../worker/migrations")
}

/// The migrations, in order, as wrangler applies them.
pub fn migrations() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(migrations_dir())
        .expect("worker/migrations")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&p).expect("a migration"))
        })
        .collect()
}

fn storage(e: rusqlite::Error) -> Error {
    Error::internal(format!("storage: {e}"))
}

impl Sqlite {
    fn wrap(conn: Connection, path: Option<PathBuf>) -> Sqlite {
        Sqlite {
            conn,
            path,
            fail_next_commit: Cell::new(false),
            commits: Cell::new(0),
            rounds: Cell::new(0),
            gate: RefCell::new(None),
            then: RefCell::new(None),
        }
    }

    /// A fresh database with every migration applied.
    pub fn new() -> SqliteStore {
        let conn = Connection::open_in_memory().expect("sqlite");
        for (_, sql) in migrations() {
            conn.execute_batch(&sql).expect("migration applies");
        }
        SqlStore::new(Sqlite::wrap(conn, None))
    }

    /// A fresh database in a file that other connections can open ([`Sqlite::open`]): two
    /// connections are two Workers racing on one D1 database.
    pub fn shared() -> SqliteStore {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("netid-test-{}-{n}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let conn = Connection::open(&path).expect("sqlite file");
        conn.execute_batch("PRAGMA journal_mode = WAL;").expect("wal");
        for (_, sql) in migrations() {
            conn.execute_batch(&sql).expect("migration applies");
        }
        let store = SqlStore::new(Sqlite::wrap(conn, Some(path)));
        store.conn.busy_timeout(std::time::Duration::from_secs(10)).expect("busy timeout");
        store
    }

    /// Another connection to a shared database.
    pub fn open(path: &std::path::Path) -> SqliteStore {
        let conn = Connection::open(path).expect("sqlite file");
        conn.busy_timeout(std::time::Duration::from_secs(10)).expect("busy timeout");
        SqlStore::new(Sqlite::wrap(conn, Some(path.to_path_buf())))
    }

    /// Makes the next commit fail (as a D1 batch can), writing nothing.
    pub fn fail_next_commit(&self) {
        self.fail_next_commit.set(true);
    }

    /// Holds the next commit at `barrier` until the other parties reach it.
    pub fn hold_next_commit(&self, barrier: Arc<Rendezvous>) {
        *self.gate.borrow_mut() = Some(barrier);
    }

    /// Holds the next commit at `arrived` (another thread learns that this one read
    /// everything and is about to commit), then at `go` (until the other thread has done what
    /// must land first): a deterministic interleaving.
    pub fn hold_next_commit_until(&self, arrived: Arc<Rendezvous>, go: Arc<Rendezvous>) {
        *self.gate.borrow_mut() = Some(arrived);
        *self.then.borrow_mut() = Some(go);
    }

    /// Holds no commit any more (a racer that never reached its commit).
    pub fn release(&self) {
        self.gate.borrow_mut().take();
        self.then.borrow_mut().take();
    }

    /// Round trips so far (reads, counters, commits), as the Worker's `X-Netid-Queries` counts.
    pub fn rounds(&self) -> u32 {
        self.rounds.get()
    }

    /// Writes so far: commits and session touches.
    pub fn commits(&self) -> u32 {
        self.commits.get()
    }

    /// Runs one statement outside the store (test set-up and inspection).
    pub fn query<T: DeserializeOwned>(&self, sql: &str, params: &[Value]) -> Vec<T> {
        let st = Statement { sql: sql.to_string(), params: params.to_vec() };
        let rows = self.execute(&st).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        rows.into_iter().map(|r| serde_json::from_value(r).expect("row decodes")).collect()
    }

    fn execute(&self, st: &Statement) -> StoreResult<Vec<serde_json::Value>> {
        let mut prepared = self.conn.prepare(&st.sql).map_err(storage)?;
        let expected = prepared.parameter_count();
        if expected != st.params.len() {
            return Err(Error::internal(format!(
                "statement binds {} parameters, its SQL has {expected}: {}",
                st.params.len(),
                st.sql
            )));
        }
        for (k, v) in st.params.iter().enumerate() {
            let r = match v {
                Value::Null => prepared.raw_bind_parameter(k + 1, rusqlite::types::Null),
                Value::Int(n) => prepared.raw_bind_parameter(k + 1, n),
                Value::Text(t) => prepared.raw_bind_parameter(k + 1, t.as_str()),
            };
            r.map_err(storage)?;
        }
        let names: Vec<String> = prepared.column_names().into_iter().map(str::to_string).collect();
        let mut rows = prepared.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(storage)? {
            let mut obj = serde_json::Map::new();
            for (k, name) in names.iter().enumerate() {
                let v = match row.get_ref(k).map_err(storage)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(n) => serde_json::Value::from(n),
                    ValueRef::Real(f) => serde_json::Value::from(f),
                    ValueRef::Text(t) => serde_json::Value::from(String::from_utf8_lossy(t).to_string()),
                    ValueRef::Blob(b) => serde_json::Value::from(b.to_vec()),
                };
                obj.insert(name.clone(), v);
            }
            out.push(serde_json::Value::Object(obj));
        }
        Ok(out)
    }
}

/// Where racing connections wait for each other before they commit. A party that never
/// arrives (its flow failed before its commit) releases the others after 10 seconds: a
/// deadlock's way out, never a timing the tests rely on.
pub struct Rendezvous {
    parties: usize,
    arrived: Mutex<usize>,
    all_here: Condvar,
}

impl Rendezvous {
    pub fn new(parties: usize) -> Arc<Rendezvous> {
        Arc::new(Rendezvous { parties, arrived: Mutex::new(0), all_here: Condvar::new() })
    }

    pub fn wait(&self) {
        let mut n = self.arrived.lock().unwrap_or_else(|e| e.into_inner());
        *n += 1;
        self.all_here.notify_all();
        let parties = self.parties;
        let _ = self
            .all_here
            .wait_timeout_while(n, std::time::Duration::from_secs(10), |n| *n < parties)
            .unwrap_or_else(|e| e.into_inner());
    }
}

impl Database for Sqlite {
    type Result = Vec<serde_json::Value>;

    async fn run(&self, round: Round, stmts: Vec<Statement>) -> StoreResult<Vec<Self::Result>> {
        self.rounds.set(self.rounds.get() + 1);
        if round == Round::Commit {
            if self.fail_next_commit.replace(false) {
                return Err(Error::internal("injected commit failure"));
            }
            if let Some(barrier) = self.gate.borrow_mut().take() {
                barrier.wait();
                if let Some(go) = self.then.borrow_mut().take() {
                    go.wait();
                }
            }
        }
        // A batch is a transaction, as on D1; a writing one takes the write lock at once.
        let begin = if round == Round::Read { "BEGIN DEFERRED" } else { "BEGIN IMMEDIATE" };
        self.conn.execute_batch(begin).map_err(storage)?;
        let mut results = Vec::new();
        for st in &stmts {
            match self.execute(st) {
                Ok(rows) => results.push(rows),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    return Err(e);
                }
            }
        }
        self.conn.execute_batch("COMMIT").map_err(storage)?;
        let touch = stmts.first().is_some_and(|s| s.sql.starts_with("UPDATE sessions SET last_seen_at"));
        if round == Round::Commit || touch {
            self.commits.set(self.commits.get() + 1);
        }
        Ok(results)
    }

    fn rows<T: DeserializeOwned>(result: &Self::Result) -> StoreResult<Vec<T>> {
        result
            .iter()
            .map(|r| serde_json::from_value(r.clone()).map_err(|e| Error::internal(format!("row: {e}"))))
            .collect()
    }
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
            let _ = std::fs::remove_file(p.with_extension("sqlite-wal"));
            let _ = std::fs::remove_file(p.with_extension("sqlite-shm"));
        }
    }
}

/// Every table, read back through the store's own row decoders.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub profiles: BTreeMap<String, Profile>,
    pub codes: BTreeMap<(String, Purpose), CodeRecord>,
    pub sessions: BTreeMap<String, Session>,
    pub refresh_tokens: BTreeMap<String, RefreshToken>,
    pub throttles: BTreeMap<String, Throttle>,
    pub outbox: Vec<OutboxMessage>,
    /// Send-limit counters: key -> (count, window start).
    pub send_counters: BTreeMap<String, (u32, i64)>,
    pub audit: Vec<AuditEntry>,
    pub accounts: BTreeMap<String, Account>,
    pub memberships: BTreeMap<String, Membership>,
    pub departments: BTreeMap<String, Department>,
    pub groups: BTreeMap<String, Group>,
    pub invitations: BTreeMap<String, Invitation>,
    pub two_factor: BTreeMap<String, TwoFactor>,
    /// (profile id, code hash) -> created at.
    pub recovery_codes: BTreeMap<(String, String), i64>,
    pub tickets: BTreeMap<String, LoginTicket>,
    /// Social sign-ins in progress, by state hash.
    pub social_states: BTreeMap<String, SocialState>,
    /// How many remembered browsers are stored.
    pub remembered_browsers: usize,
}

impl Data {
    /// The cards of a profile.
    pub fn cards_of(&self, profile_id: &str) -> Vec<&Membership> {
        self.memberships.values().filter(|m| m.profile_id.as_deref() == Some(profile_id)).collect()
    }
}

#[derive(serde::Deserialize)]
struct SendCounterRow {
    key: String,
    n: i64,
    window_start: i64,
}

#[derive(serde::Deserialize)]
struct RecoveryRow {
    profile_id: String,
    code_hash: String,
    created_at: i64,
}

impl Sqlite {
    /// A snapshot of everything stored.
    pub fn data(&self) -> Data {
        let mut d = Data::default();
        for r in self.query::<ProfileRow>(&format!("SELECT {PROFILE_SELECT} FROM profiles"), &[]) {
            let p: Profile = r.into();
            d.profiles.insert(p.id.clone(), p);
        }
        for r in self.query::<CodeRow>(&format!("SELECT {CODE_COLS} FROM codes"), &[]) {
            if let Some(c) = r.into_record() {
                d.codes.insert((c.profile_id.clone(), c.purpose), c);
            }
        }
        for r in self.query::<SessionRow>(&format!("SELECT {SESSION_COLS} FROM sessions"), &[]) {
            let s: Session = r.into();
            d.sessions.insert(s.token_hash.clone(), s);
        }
        for r in self.query::<RefreshRow>(&format!("SELECT {REFRESH_COLS} FROM refresh_tokens"), &[]) {
            let t: RefreshToken = r.into();
            d.refresh_tokens.insert(t.token_hash.clone(), t);
        }
        for r in self.query::<ThrottleRow>(&format!("SELECT {THROTTLE_COLS} FROM throttles"), &[]) {
            let t: Throttle = r.into();
            d.throttles.insert(t.key.clone(), t);
        }
        d.outbox = self
            .query::<OutboxRow>(&format!("SELECT {OUTBOX_COLS} FROM outbox ORDER BY rowid"), &[])
            .into_iter()
            .map(Into::into)
            .collect();
        for r in self.query::<SendCounterRow>("SELECT key, n, window_start FROM send_counters", &[]) {
            d.send_counters.insert(r.key, (r.n.max(0) as u32, r.window_start));
        }
        d.audit = self
            .query::<AuditRow>(&format!("SELECT {AUDIT_COLS} FROM audit_log ORDER BY rowid"), &[])
            .into_iter()
            .map(Into::into)
            .collect();
        for r in self.query::<AccountRecordRow>(&format!("SELECT {ACCOUNT_COLS} FROM accounts"), &[]) {
            let a: Account = r.into();
            d.accounts.insert(a.id.clone(), a);
        }
        for r in self.query::<MembershipRow>(MEMBERSHIP_SELECT, &[]) {
            let m: Membership = r.into();
            d.memberships.insert(m.id.clone(), m);
        }
        for r in self.query::<DepartmentRow>(&format!("SELECT {DEPARTMENT_COLS} FROM departments"), &[]) {
            let x: Department = r.into();
            d.departments.insert(x.id.clone(), x);
        }
        for r in self.query::<GroupRow>(&format!("SELECT {GROUP_COLS} FROM groups"), &[]) {
            let x: Group = r.into();
            d.groups.insert(x.id.clone(), x);
        }
        for r in self.query::<InvitationRow>(&format!("SELECT {INVITATION_COLS} FROM invitations"), &[]) {
            let x: Invitation = r.into();
            d.invitations.insert(x.id.clone(), x);
        }
        for r in self.query::<TwoFactorRow>(&format!("SELECT {TWO_FACTOR_COLS} FROM two_factor"), &[]) {
            let x: TwoFactor = r.into();
            d.two_factor.insert(x.profile_id.clone(), x);
        }
        for r in self.query::<RecoveryRow>("SELECT profile_id, code_hash, created_at FROM recovery_codes", &[]) {
            d.recovery_codes.insert((r.profile_id, r.code_hash), r.created_at);
        }
        for r in self.query::<TicketRow>(&format!("SELECT {TICKET_COLS} FROM login_tickets"), &[]) {
            let x: LoginTicket = r.into();
            d.tickets.insert(x.ticket_hash.clone(), x);
        }
        for r in self.query::<SocialStateRow>(&format!("SELECT {SOCIAL_STATE_COLS} FROM social_states"), &[]) {
            if let Some(x) = r.into_state() {
                d.social_states.insert(x.state_hash.clone(), x);
            }
        }
        d.remembered_browsers = self.query::<RememberedBrowser>(
            "SELECT id, profile_id, token_hash, device, user_agent, location, created_at, last_used_at, expires_at \
             FROM remembered_browsers",
            &[],
        )
        .len();
        d
    }

    /// Messages sent to `to`, newest first.
    pub fn outbox_to(&self, to: &str) -> Vec<OutboxMessage> {
        self.query::<OutboxRow>(
            &format!("SELECT {OUTBOX_COLS} FROM outbox WHERE recipient = ?1 ORDER BY rowid DESC"),
            &[Value::Text(to.to_string())],
        )
        .into_iter()
        .map(Into::into)
        .collect()
    }

    /// The invariants of `worker/invariants.sql` that the data breaks, with a sample row each
    /// (the end-to-end tests check the same file against D1 after every test file).
    pub fn broken_invariants(&self) -> Vec<String> {
        let text = std::fs::read_to_string(migrations_dir().join("../invariants.sql")).expect("invariants.sql");
        let mut list: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            if let Some(head) = line.strip_prefix("-- invariant:") {
                list.push((head.trim().to_string(), String::new()));
            } else if !line.trim_start().starts_with("--") {
                if let Some((_, sql)) = list.last_mut() {
                    sql.push_str(line);
                    sql.push('\n');
                }
            }
        }
        let mut broken = Vec::new();
        for (head, sql) in list {
            let rows = self.query::<serde_json::Value>(sql.trim().trim_end_matches(';'), &[]);
            if let Some(first) = rows.first() {
                broken.push(format!("{head}: {} row(s), e.g. {first}", rows.len()));
            }
        }
        broken
    }
}

impl Sqlite {
    /// Puts a profile into a new account with a card of `status`, through the store's own
    /// statements (for tests).
    pub fn link_account(&self, profile_id: &str, account: AccountView, status: &str) {
        let n: usize = self.data().memberships.len();
        let changes = vec![
            Change::PutAccount(Account {
                id: account.id.clone(),
                name: account.name.clone(),
                address: account.address.clone(),
                plan: Plan::parse(&account.plan).unwrap_or_default(),
                renames_left: account.renames_left,
                created_by: profile_id.to_string(),
                created_at: 0,
                last_activity_at: 0,
                warned_at: None,
                require_two_factor: Default::default(),
                remember_browsers: true,
            }),
            Change::PutMembership(Membership {
                id: format!("mem_{}_{n}", account.id),
                account_id: account.id.clone(),
                profile_id: Some(profile_id.to_string()),
                role: Role::parse(&account.role).unwrap_or_default(),
                status: MemberStatus::parse(status).unwrap_or_default(),
                ..Membership::default()
            }),
        ];
        let stmts = netid_core::sql::commit_statements(&changes).expect("statements");
        pollster::block_on(self.run(Round::Commit, stmts)).expect("the account and card are written");
    }
}
