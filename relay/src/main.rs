//! The `tlslens-relay` binary: a thin shell over the `tlslens_relay` library.

#![forbid(unsafe_code)]

fn main() {
    std::process::exit(tlslens_relay::cli::main());
}
