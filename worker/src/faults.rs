//! Development-only fault injection (ENVIRONMENT=development; absent from production's
//! behaviour because nothing arms it there): `POST /api/v1/dev/faults` arms one fault for the
//! next request of this isolate, which makes that request's Nth D1 round trip or Nth KV
//! operation fail, or hang until the storage timeout. The fault tests
//! (tests/e2e/faults.test.js) fail every storage step of every writing flow in turn and check
//! that nothing of it stays behind.

use std::cell::RefCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    D1,
    Kv,
    /// The hand-over of the request's committed messages to the delivery queue is dropped,
    /// as if the isolate died between the commit and the enqueue (`nth` is ignored).
    Relay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The operation is never sent; it fails at once.
    Fail,
    /// The operation is never sent; nothing answers until `timeout_ms`, then it fails as a
    /// timeout would.
    Hang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub target: Target,
    /// 1-based: the Nth D1 round trip (a batch is one) or the Nth KV operation.
    pub nth: u32,
    pub mode: Mode,
    pub timeout_ms: u32,
}

thread_local! {
    static ARMED: RefCell<Option<Fault>> = const { RefCell::new(None) };
}

pub fn arm(fault: Option<Fault>) {
    ARMED.with(|a| *a.borrow_mut() = fault);
}

/// The armed fault, for the request that takes it (once).
pub fn take() -> Option<Fault> {
    ARMED.with(|a| a.borrow_mut().take())
}
