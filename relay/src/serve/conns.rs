//! Who holds the server's connections: [`ConnTable`] admits a new connection
//! or refuses it, so that one client cannot shut the others out.
//!
//! * **Per client**: a client (an IPv4 address, an IPv6 /64 — see
//!   [`client_key`]) holds at most `per_client` connections; a new one beyond
//!   sheds that client's own oldest idle connection, or is refused when all
//!   of them are busy.
//! * **Reserve**: `per_client` is never above the global cap minus a reserve
//!   (an eighth of it), so one client always leaves room for others.
//! * **Idle first**: when the global cap is reached, an idle connection of the
//!   client holding the most is closed to make room; only when every open
//!   connection is busy is the new one refused.
//!
//! A connection is *idle* while no request of it is being answered: it has
//! not completed a request head yet (a slowloris never does), or it is a
//! kept-alive connection between requests. Among idle ones, those that never
//! completed a request go first, then the oldest.
//!
//! The address is the TCP peer's: behind a reverse proxy every connection
//! comes from the proxy, so `serve` turns the per-client cap off by default
//! with `--client-ip-header` (the proxy must bound its clients).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::Notify;

use super::limits::client_key;

/// The connection limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Open connections at most.
    pub max_connections: usize,
    /// Open connections of one client at most (before the reserve).
    pub per_client: usize,
}

impl ConnLimits {
    /// Places of the global cap one client can never take.
    pub fn reserve(&self) -> usize {
        self.max_connections / 8
    }

    /// The per-client cap in force: `per_client`, at most the global cap
    /// less the reserve, at least 1.
    pub fn effective_per_client(&self) -> usize {
        self.per_client
            .min(self.max_connections.saturating_sub(self.reserve()))
            .max(1)
    }
}

/// What a connection task holds: its place in the table (given back on
/// drop), the signal to close, and its request count.
#[derive(Debug)]
pub struct ConnGuard {
    id: u64,
    table: Arc<ConnTable>,
    /// Notified when the connection is shed; the task then closes it.
    pub shed: Arc<Notify>,
    activity: Arc<Activity>,
}

impl ConnGuard {
    /// What the connection's requests mark themselves busy with.
    pub fn tracker(&self) -> Tracker {
        Tracker(self.activity.clone())
    }

    /// Marks a request of this connection as being answered (see
    /// [`Tracker::busy`]).
    pub fn busy(&self) -> BusyGuard {
        self.tracker().busy()
    }
}

/// Marks the requests of one connection as busy.
#[derive(Debug, Clone)]
pub struct Tracker(Arc<Activity>);

impl Tracker {
    /// Marks a request as being answered until the returned value is
    /// dropped (after its response body).
    pub fn busy(&self) -> BusyGuard {
        self.0.busy.fetch_add(1, Ordering::SeqCst);
        self.0.served.store(true, Ordering::SeqCst);
        BusyGuard(self.0.clone())
    }
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        let mut t = self.table.lock();
        t.remove(self.id);
    }
}

/// A request being answered; dropping it makes the connection idle again
/// (unless another request of it is in progress).
#[derive(Debug)]
pub struct BusyGuard(Arc<Activity>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Debug, Default)]
struct Activity {
    /// Requests being answered.
    busy: AtomicUsize,
    /// Whether a request head was ever completed.
    served: AtomicBool,
}

#[derive(Debug)]
struct Conn {
    client: IpAddr,
    opened: Instant,
    activity: Arc<Activity>,
    shed: Arc<Notify>,
}

impl Conn {
    fn idle(&self) -> bool {
        self.activity.busy.load(Ordering::SeqCst) == 0
    }
}

#[derive(Debug, Default)]
struct Table {
    next_id: u64,
    conns: HashMap<u64, Conn>,
    per_client: HashMap<IpAddr, usize>,
}

impl Table {
    fn remove(&mut self, id: u64) -> Option<Conn> {
        let conn = self.conns.remove(&id)?;
        if let Some(n) = self.per_client.get_mut(&conn.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_client.remove(&conn.client);
            }
        }
        Some(conn)
    }

    /// The idle connection to shed among those `eligible`: of the client
    /// holding the most, never served before served, oldest first.
    fn victim(&self, eligible: impl Fn(&Conn) -> bool) -> Option<u64> {
        self.conns
            .iter()
            .filter(|(_, c)| c.idle() && eligible(c))
            .max_by_key(|(_, c)| {
                (
                    self.per_client.get(&c.client).copied().unwrap_or(0),
                    !c.activity.served.load(Ordering::SeqCst),
                    std::cmp::Reverse(c.opened),
                )
            })
            .map(|(id, _)| *id)
    }

    /// Closes connection `id` now: out of the table at once, its task told.
    fn shed(&mut self, id: u64) {
        if let Some(conn) = self.remove(id) {
            conn.shed.notify_one();
        }
    }
}

/// The open connections, by client.
#[derive(Debug)]
pub struct ConnTable {
    limits: ConnLimits,
    table: Mutex<Table>,
}

/// What [`ConnTable::admit`] decided.
#[derive(Debug)]
pub enum Admission {
    /// Serve it; `shed` idle connections were closed to make room.
    Admitted {
        /// The connection's place.
        guard: ConnGuard,
        /// How many idle connections were closed for it.
        shed: usize,
    },
    /// Every place it could take is busy: close it at once.
    Refused,
}

impl ConnTable {
    /// An empty table with `limits`.
    pub fn new(limits: ConnLimits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            table: Mutex::new(Table::default()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Open connections.
    pub fn open(&self) -> usize {
        self.lock().conns.len()
    }

    /// Open connections of `peer`'s client.
    pub fn open_from(&self, peer: IpAddr) -> usize {
        let key = client_key(peer);
        self.lock().per_client.get(&key).copied().unwrap_or(0)
    }

    /// Admits a connection from `peer`, shedding idle ones where a cap is
    /// reached.
    pub fn admit(self: &Arc<Self>, peer: IpAddr, now: Instant) -> Admission {
        let client = client_key(peer);
        let per_client = self.limits.effective_per_client();
        let mut t = self.lock();
        let mut shed = 0;
        if t.per_client.get(&client).copied().unwrap_or(0) >= per_client {
            match t.victim(|c| c.client == client) {
                Some(id) => {
                    t.shed(id);
                    shed += 1;
                }
                None => return Admission::Refused,
            }
        }
        if t.conns.len() >= self.limits.max_connections {
            match t.victim(|_| true) {
                Some(id) => {
                    t.shed(id);
                    shed += 1;
                }
                None => return Admission::Refused,
            }
        }
        let id = t.next_id;
        t.next_id += 1;
        let activity = Arc::new(Activity::default());
        let notify = Arc::new(Notify::new());
        t.conns.insert(
            id,
            Conn {
                client,
                opened: now,
                activity: activity.clone(),
                shed: notify.clone(),
            },
        );
        *t.per_client.entry(client).or_default() += 1;
        Admission::Admitted {
            guard: ConnGuard {
                id,
                table: self.clone(),
                shed: notify,
                activity,
            },
            shed,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn admit(t: &Arc<ConnTable>, peer: &str, at: u64) -> Option<(ConnGuard, usize)> {
        let base = Instant::now();
        match t.admit(ip(peer), base + Duration::from_secs(at)) {
            Admission::Admitted { guard, shed } => Some((guard, shed)),
            Admission::Refused => None,
        }
    }

    #[test]
    fn the_per_client_cap_keeps_a_reserve() {
        let l = |max, per_client| ConnLimits {
            max_connections: max,
            per_client,
        };
        assert_eq!(l(1024, 64).effective_per_client(), 64);
        assert_eq!(l(16, 64).effective_per_client(), 14);
        assert_eq!(l(1, 64).effective_per_client(), 1);
        assert_eq!(l(1024, 5000).effective_per_client(), 896);
    }

    #[test]
    fn one_client_sheds_its_own_idle_connections() {
        let t = ConnTable::new(ConnLimits {
            max_connections: 100,
            per_client: 3,
        });
        let held: Vec<_> = (0..3).map(|i| admit(&t, "192.0.2.1", i).unwrap()).collect();
        assert!(held.iter().all(|(_, shed)| *shed == 0));
        // The fourth sheds the oldest of the three.
        let (_fourth, shed) = admit(&t, "192.0.2.1", 10).unwrap();
        assert_eq!(shed, 1);
        assert_eq!(t.open_from(ip("192.0.2.1")), 3);
        // Busy connections are never shed: with all three busy, refused.
        let busy: Vec<_> = held.iter().skip(1).map(|(g, _)| g.busy()).collect();
        let _also = _fourth.busy();
        assert!(admit(&t, "192.0.2.1", 11).is_none());
        drop(busy);
        // Another client is not affected.
        assert!(admit(&t, "192.0.2.2", 12).is_some());
    }

    #[test]
    fn a_full_table_sheds_an_idle_connection_of_the_biggest_holder() {
        let t = ConnTable::new(ConnLimits {
            max_connections: 8,
            per_client: 100,
        });
        // The reserve (1 of 8) caps one client at 7.
        let big: Vec<_> = (0..7).map(|i| admit(&t, "192.0.2.1", i).unwrap()).collect();
        let (small, _) = admit(&t, "192.0.2.2", 7).unwrap();
        assert_eq!(t.open(), 8);
        // Full: a third client gets in by shedding one of the big holder's.
        let (_third, shed) = admit(&t, "192.0.2.3", 8).unwrap();
        assert_eq!(shed, 1);
        assert_eq!(t.open_from(ip("192.0.2.1")), 6);
        assert_eq!(t.open_from(ip("192.0.2.2")), 1);
        drop(small);
        drop(big);
        assert_eq!(t.open(), 1);
    }

    #[test]
    fn served_connections_outlast_never_served_ones() {
        let t = ConnTable::new(ConnLimits {
            max_connections: 100,
            per_client: 2,
        });
        let (kept_alive, _) = admit(&t, "192.0.2.1", 0).unwrap();
        drop(kept_alive.busy()); // it answered a request, now idle
        let (slow, _) = admit(&t, "192.0.2.1", 5).unwrap();
        let (_new, shed) = admit(&t, "192.0.2.1", 6).unwrap();
        assert_eq!(shed, 1);
        // The never-served one went, though younger.
        assert!(t.lock().conns.contains_key(&kept_alive.id));
        assert!(!t.lock().conns.contains_key(&slow.id));
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        let t = ConnTable::new(ConnLimits {
            max_connections: 100,
            per_client: 2,
        });
        let _a = admit(&t, "2001:db8::1", 0).unwrap();
        let _b = admit(&t, "2001:db8::2", 1).unwrap();
        assert_eq!(t.open_from(ip("2001:db8::ffff")), 2);
        assert_eq!(t.open_from(ip("2001:db8:0:1::1")), 0);
    }
}
