//! The Redis the cluster tests share: `SLUICE_TEST_REDIS_URL`, started by tools/with-redis.sh
//! in `make test-rust`; each test uses its own key prefix so tests never see each other's keys.

/// The test Redis, or `None` (with a message) to skip; under `CI=true` a missing one fails.
pub fn test_redis() -> Option<String> {
    match std::env::var("SLUICE_TEST_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "SLUICE_TEST_REDIS_URL is unset under CI=true: run through tools/with-redis.sh"
            );
            eprintln!("skipped: SLUICE_TEST_REDIS_URL is unset (run through tools/with-redis.sh)");
            None
        }
    }
}

/// A key prefix no other test (or run) uses.
pub fn fresh_prefix() -> String {
    format!("sluice-test-{:016x}", rand::random::<u64>())
}
