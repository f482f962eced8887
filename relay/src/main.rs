//! The `tlslens-relay` binary: a thin shell over the `tlslens_relay` library.

fn main() {
    eprintln!("tlslens-relay: the scanner is not built yet (see issue 3)");
    std::process::exit(2);
}
