//! Fuzz target: certificate and chain parsing, OCSP, HSTS and facts JSON.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tlslens_core::fuzz_support::chain_and_grade(data);
});
