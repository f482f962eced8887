//! The connection cap of one target (`--scan-connections`), shared by all its
//! endpoints, with two kinds of waiters.
//!
//! Most probes are steps of a chain — the next suite to enumerate depends on
//! the last answer, ROBOT's rounds on its hellos — and a scan lasts as long
//! as its longest chain. The client simulation is the opposite: dozens of
//! independent connections that only need to be done by the end. Queued
//! first-come first-served with everything else, they would put each chain
//! step behind all of them. So a [`Limiter`] has a bulk lane: bulk waiters
//! pass one at a time through a gate before they queue for a permit, so a
//! chain step waits behind at most one of them, and bulk connections still
//! take every permit nobody else wants. Either way the cap is the same
//! semaphore: the server never sees more connections than it allowed.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::fail::{Fail, FailCode};

/// The connection cap, with a bulk lane.
#[derive(Debug, Clone)]
pub struct Limiter {
    permits: Arc<Semaphore>,
    bulk_gate: Arc<Semaphore>,
}

impl Limiter {
    /// A cap of `connections` (at least one).
    pub fn new(connections: usize) -> Self {
        Limiter {
            permits: Arc::new(Semaphore::new(connections.max(1))),
            bulk_gate: Arc::new(Semaphore::new(1)),
        }
    }

    /// A permit for a chain step: queued with every other waiter.
    pub async fn permit(&self) -> Result<OwnedSemaphorePermit, Fail> {
        self.permits.clone().acquire_owned().await.map_err(closed)
    }

    /// A permit for a bulk connection: queued behind every chain step
    /// already waiting, at most one bulk waiter queued at a time.
    pub async fn bulk_permit(&self) -> Result<OwnedSemaphorePermit, Fail> {
        let _turn = self.bulk_gate.acquire().await.map_err(closed)?;
        self.permit().await
    }

    /// The permits free now.
    #[cfg(test)]
    fn available(&self) -> usize {
        self.permits.available_permits()
    }
}

fn closed(_: tokio::sync::AcquireError) -> Fail {
    Fail::new(FailCode::Io, "connection limiter closed")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// With the only permit held, a chain step that starts waiting after
    /// ten bulk waiters is served second: behind the one bulk waiter in the
    /// queue, not behind all ten.
    #[tokio::test]
    async fn a_chain_step_waits_behind_at_most_one_bulk_waiter() {
        let limiter = Limiter::new(1);
        let held = limiter.permit().await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..10 {
            let (l, order) = (limiter.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _p = l.bulk_permit().await.unwrap();
                order.lock().unwrap().push(format!("bulk{i}"));
            }));
            tokio::task::yield_now().await;
        }
        let (l, o) = (limiter.clone(), order.clone());
        let step = tokio::spawn(async move {
            let _p = l.permit().await.unwrap();
            o.lock().unwrap().push("step".to_owned());
        });
        tokio::task::yield_now().await;
        drop(held);
        step.await.unwrap();
        for t in tasks {
            t.await.unwrap();
        }
        let order = order.lock().unwrap();
        assert_eq!(order.len(), 11);
        let step_at = order.iter().position(|s| s == "step").unwrap();
        assert!(step_at <= 1, "the chain step came {step_at}th: {order:?}");
    }

    /// Bulk connections alone take every permit: the lane never lowers
    /// the cap.
    #[tokio::test]
    async fn bulk_waiters_alone_use_the_whole_cap() {
        let limiter = Limiter::new(4);
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(limiter.bulk_permit().await.unwrap());
        }
        assert_eq!(limiter.available(), 0);
        drop(held);
        assert_eq!(limiter.available(), 4);
    }
}
