#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| marginalia_fuzz::targets::tool_config(data));
