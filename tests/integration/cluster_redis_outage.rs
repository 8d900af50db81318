//! Redis lost and back (issue 23), on two replica processes sharing a private Redis (a
//! `redis-server` this test starts on a free port, nothing persisted, and kills): while Redis
//! is away an answer already streaming goes on for its reader on the owner and is stored
//! whole, and new answers are refused with 503 and a sentence; when Redis returns — empty, as
//! a restarted Redis without persistence is — new answers are taken again and a live answer
//! is rewritten into Redis, so another replica resumes it exactly and can stop it.

use crate::support::replicas::{replicas_on, Read};
use crate::support::server_process::free_port;
use crate::support::test_redis::test_redis;
use crate::support::{error_message, EventReader, TempDir};
use sluice::conversation::MessageStatus;
use sluice::events::FinishReason;
use std::time::{Duration, Instant};

/// A private `redis-server`, killed when dropped.
struct PrivateRedis {
    /// The server.
    child: std::process::Child,
}

impl PrivateRedis {
    /// Starts a Redis on `port` working in `dir`; waits until it answers.
    async fn start(port: u16, dir: &std::path::Path) -> PrivateRedis {
        let child = std::process::Command::new("/usr/bin/redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start redis-server (installed by `make test-tools`)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        PrivateRedis { child }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_away_live_answers_finish_and_new_ones_wait_then_all_is_shared_again() {
    // Needs only the redis-server binary; the shared test Redis says whether it is installed.
    if test_redis().is_none() {
        return;
    }
    let dir = TempDir::new("redis-outage");
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}");
    let redis = PrivateRedis::start(port, &dir.path).await;
    let cluster = replicas_on(&url, 2, &[]).await;

    let (mut on_a, ids, turn_id) = cluster.send(0).await;
    let mut a = Read::default();
    a.some(&mut on_a, 3).await;

    // Redis goes away: the answer goes on for its reader on the owner…
    drop(redis);
    a.some(&mut on_a, 20).await;
    // …and new answers are refused with a sentence (on either replica).
    for n in [0, 1] {
        let response = cluster.try_send(n, "Refused?").await;
        assert_eq!(response.status(), 503, "replica {n}");
        let message = error_message(&response.text().await.expect("body"));
        assert!(message.contains("Try again"), "{message}");
    }

    // Redis returns, empty: new answers are taken again…
    let _redis = PrivateRedis::start(port, &dir.path).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut on_b = loop {
        let response = cluster.try_send(1, "Taken again?").await;
        if response.status() == 200 {
            break EventReader::new(response);
        }
        assert!(Instant::now() < deadline, "new answers still refused");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut second = Read::default();
    second.some(&mut on_b, 1).await;
    let second_turn = second.turn_id.clone().expect("a started event");
    assert!(cluster.stop(1, &second_turn).await);

    // …and the answer that streamed through the outage is in Redis again: replica B resumes
    // it exactly and stops it.
    a.some(&mut on_a, 5).await;
    let mut on_b_again = cluster.resume(1, &turn_id, &ids, 0).await;
    let mut b = Read::default();
    b.some(&mut on_b_again, a.text.split(' ').count()).await;
    assert!(cluster.stop(1, &turn_id).await, "Stop from B reaches A");
    a.rest(&mut on_a).await;
    b.rest(&mut on_b_again).await;
    assert_eq!(a.finish(), Some(FinishReason::Stopped), "{a:?}");
    assert_eq!(b.text, a.text, "B resumed the rewritten stream exactly");
    assert_eq!(b.last_seq, a.last_seq);
    let stored = cluster.stored_answer(1, &ids).await;
    assert_eq!(stored, (MessageStatus::Stopped, a.text.clone()));
}
