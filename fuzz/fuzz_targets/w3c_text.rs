#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| marginalia_fuzz::targets::w3c_text(data));
