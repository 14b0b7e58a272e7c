//! Any bytes as the body of `POST /v1/prepare-jobs` and `POST /v1/runs`: decoding and the
//! checks before any I/O must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sqlrs_engine::decode_prepare(data);
    let _ = sqlrs_engine::decode_run(data);
});
