//! TLS Lens relay: everything that touches the network. It observes servers and
//! hands the facts to `tlslens-core`, which grades them.

pub mod codec;
