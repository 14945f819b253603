//! The D1 [`Database`] under core's one storage implementation (`netid_core::sql`), which
//! writes every statement; KV holds the profile photos.
//!
//! Every `commit` is one D1 `batch()`: a transaction. Sessions are read from D1 on every
//! request, not from a KV copy: KV is eventually consistent (a deleted key can be served for
//! 60 s or more elsewhere) and has no compare-and-set, so a cached copy could outlive a
//! logout or be re-written by a racing request. D1 decides, and a revoked session is refused
//! everywhere at once.

use crate::faults::{Fault, Mode, Target};
use netid_core::model::Channel;
use netid_core::sql::{Database, Round, SqlStore, Statement, Value};
use netid_core::store::{Change, StoreResult};
use netid_core::Error;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, KvStore};

/// The Worker's store: core's SQL over D1 (fields of [`D1`] are reached through it).
pub type D1Store = SqlStore<D1>;

pub struct D1 {
    pub db: D1Database,
    pub kv: KvStore,
    /// Counters for the benchmarks and the dev tests (`X-Netid-Queries`, `Server-Timing`):
    /// D1 statements, D1 round trips (a batch is one), KV operations, and the milliseconds
    /// spent waiting on storage.
    pub d1_queries: Cell<u32>,
    pub d1_round_trips: Cell<u32>,
    /// Round trips that wrote (or may write): they must reach the primary database.
    pub d1_write_round_trips: Cell<u32>,
    pub kv_ops: Cell<u32>,
    pub storage_ms: Cell<f64>,
    /// A development fault armed for this request (`faults.rs`), and whether it fired.
    pub fault: Option<Fault>,
    pub fault_fired: Cell<bool>,
    /// How long one storage operation may take before the request gives up on it.
    pub timeout_ms: u32,
    /// The outbox messages this request committed, for the delivery queue.
    pub committed_messages: RefCell<Vec<(String, Channel)>>,
    /// This request's commits may have written back-channel logouts.
    pub backchannel_due: Cell<bool>,
}

/// A storage operation, as the counters see it.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    Kv,
    D1 { statements: u32, write: bool },
}

impl D1 {
    pub fn new(db: D1Database, kv: KvStore) -> D1Store {
        SqlStore::new(D1 {
            db,
            kv,
            d1_queries: Cell::new(0),
            d1_round_trips: Cell::new(0),
            d1_write_round_trips: Cell::new(0),
            kv_ops: Cell::new(0),
            storage_ms: Cell::new(0.0),
            fault: None,
            fault_fired: Cell::new(false),
            timeout_ms: 20_000,
            committed_messages: RefCell::new(Vec::new()),
            backchannel_due: Cell::new(false),
        })
    }

    /// Awaits one storage operation, counting it and the time spent waiting. It fails as
    /// `internal_error` when the platform does, when it takes longer than the storage timeout
    /// (it is then abandoned: a write may still land, which is why every write is a single
    /// idempotent-on-retry batch), or when a development fault was armed for it.
    pub async fn timed<T, E: std::fmt::Display>(
        &self,
        op: Op,
        op_future: impl std::future::Future<Output = Result<T, E>>,
    ) -> StoreResult<T> {
        let nth = match op {
            Op::Kv => {
                self.kv_ops.set(self.kv_ops.get() + 1);
                self.kv_ops.get()
            }
            Op::D1 { statements, write } => {
                self.d1_queries.set(self.d1_queries.get() + statements);
                self.d1_round_trips.set(self.d1_round_trips.get() + 1);
                if write {
                    self.d1_write_round_trips.set(self.d1_write_round_trips.get() + 1);
                }
                self.d1_round_trips.get()
            }
        };
        let target = if matches!(op, Op::Kv) { Target::Kv } else { Target::D1 };
        if let Some(f) = self.fault.filter(|f| f.target == target && f.nth == nth) {
            self.fault_fired.set(true);
            if f.mode == Mode::Hang {
                worker::Delay::from(std::time::Duration::from_millis(u64::from(f.timeout_ms))).await;
                return Err(Error::internal(format!("storage timeout (injected hang at {target:?} #{nth})")));
            }
            return Err(Error::internal(format!("injected storage failure at {target:?} #{nth}")));
        }
        let start = js_sys::Date::now();
        let timeout = worker::Delay::from(std::time::Duration::from_millis(u64::from(self.timeout_ms)));
        let (op_future, timeout) = (std::pin::pin!(op_future), std::pin::pin!(timeout));
        let outcome = match futures_util::future::select(op_future, timeout).await {
            futures_util::future::Either::Left((r, _)) => r.map_err(err),
            futures_util::future::Either::Right(_) => {
                Err(Error::internal(format!("storage timeout after {} ms", self.timeout_ms)))
            }
        };
        self.storage_ms.set(self.storage_ms.get() + (js_sys::Date::now() - start));
        outcome
    }
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::internal(format!("storage: {e}"))
}

fn js(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Int(n) => JsValue::from_f64(*n as f64),
        Value::Text(t) => JsValue::from_str(t),
    }
}

impl D1 {
    fn prepare(&self, st: &Statement) -> StoreResult<D1PreparedStatement> {
        let args: Vec<JsValue> = st.params.iter().map(js).collect();
        self.db.prepare(&st.sql).bind(&args).map_err(err)
    }
}

impl Database for D1 {
    type Result = worker::D1Result;

    async fn run(&self, round: Round, stmts: Vec<Statement>) -> StoreResult<Vec<worker::D1Result>> {
        let op = Op::D1 { statements: stmts.len() as u32, write: round != Round::Read };
        if let [one] = stmts.as_slice() {
            let prepared = self.prepare(one)?;
            return Ok(vec![self.timed(op, prepared.all()).await?]);
        }
        let prepared = stmts.iter().map(|st| self.prepare(st)).collect::<StoreResult<Vec<_>>>()?;
        let results = self.timed(op, self.db.batch(prepared)).await?;
        if let Some(e) = results.iter().find_map(|r| r.error()) {
            return Err(err(e));
        }
        Ok(results)
    }

    fn rows<T: DeserializeOwned>(result: &worker::D1Result) -> StoreResult<Vec<T>> {
        result.results::<T>().map_err(err)
    }

    /// This isolate's GET /me cache forgets what the commit may change, before it is sent
    /// and again once it landed (a read in between could have seen the old rows).
    fn committing(&self, changes: &[Change]) {
        crate::me_cache::invalidate(changes);
    }

    fn committed(&self, changes: &[Change], ok: bool) {
        crate::me_cache::invalidate(changes);
        if ok {
            // A commit that ended sessions may have written back-channel logouts (in SQL, so
            // their ids are not known here): the relay looks for them after the response.
            let ends = changes.iter().any(|c| {
                matches!(
                    c,
                    Change::EndAppSessions { .. }
                        | Change::DeleteSession(_)
                        | Change::DeleteSessionsOf { .. }
                        | Change::DeleteSessionById { .. }
                )
            });
            if ends {
                self.backchannel_due.set(true);
            }
            // Handed to the delivery queue once the request is answered (lib.rs).
            let sent = changes.iter().filter_map(|c| match c {
                Change::Outbox(m) => Some((m.id.clone(), m.channel)),
                // Written only when the place is new (the statement decides): the queue
                // consumer skips an id that never landed.
                Change::SignInPlace { notice: Some(m), .. } => Some((m.id.clone(), m.channel)),
                _ => None,
            });
            self.committed_messages.borrow_mut().extend(sent);
        }
    }
}
