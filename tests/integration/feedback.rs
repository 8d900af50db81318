//! Feedback on answers (issue 24): `POST /api/feedback/set|clear` and `/api/admin/feedback`.
//! One rating per user per answer, changed and removed at will, returned with the
//! conversation so the page shows it after a reload; only on the user's own answers; the admin
//! sees every user's ratings counted per model (others get 403); export and import carry them.

use crate::support::{error_message, stored_ids, TestApp, LOCAL_AUTH};
use serde_json::{json, Value};

/// POSTs `body` to `path` as the cookie `token` (`None`: no cookie); returns status and JSON.
async fn call(app: &TestApp, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    let response = app.api_as(token, path, body).await;
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The `feedback` list of a conversation as loaded by `token`'s user.
async fn loaded_feedback(app: &TestApp, token: Option<&str>, conversation: &str) -> Value {
    let (status, tree) = call(
        app,
        token,
        "/api/conversations/get",
        json!({ "id": conversation }),
    )
    .await;
    assert_eq!(status, 200);
    tree.get("feedback").cloned().unwrap_or(json!([]))
}

#[tokio::test]
async fn a_rating_is_set_changed_commented_cleared_and_loaded_with_the_conversation() {
    let app = TestApp::fast_demo().await;
    let ids = stored_ids(&app.send_and_finish(None, None, "rate me").await);
    let conversation = ids.conversation_id.to_string();
    let answer = ids.answer_id.to_string();
    assert_eq!(loaded_feedback(&app, None, &conversation).await, json!([]));

    let (status, stored) = call(
        &app,
        None,
        "/api/feedback/set",
        json!({"message_id": answer, "rating": "up"}),
    )
    .await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored, json!({"message_id": answer, "rating": "up"}));
    assert_eq!(
        loaded_feedback(&app, None, &conversation).await,
        json!([{"message_id": answer, "rating": "up"}])
    );

    let (status, _) = call(
        &app,
        None,
        "/api/feedback/set",
        json!({"message_id": answer, "rating": "down", "comment": "  Wrong about tides.  "}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        loaded_feedback(&app, None, &conversation).await,
        json!([{"message_id": answer, "rating": "down", "comment": "Wrong about tides."}]),
        "one rating per answer, replaced, comment trimmed"
    );

    let (status, _) = call(
        &app,
        None,
        "/api/feedback/clear",
        json!({ "message_id": answer }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(loaded_feedback(&app, None, &conversation).await, json!([]));
    let (status, _) = call(
        &app,
        None,
        "/api/feedback/clear",
        json!({ "message_id": answer }),
    )
    .await;
    assert_eq!(status, 200, "clearing twice is fine");
}

#[tokio::test]
async fn ratings_are_owner_scoped_and_bad_ones_are_refused_with_a_sentence() {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    let app = TestApp::spawn(&env).await;
    let alice = app.signed_up("alice", "alice password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let ids = stored_ids(&app.send_as(&alice, "alice asks").await);
    let answer = ids.answer_id.to_string();
    let conversation = ids.conversation_id.to_string();

    let (status, _) = call(
        &app,
        Some(&bob),
        "/api/feedback/set",
        json!({"message_id": answer, "rating": "down"}),
    )
    .await;
    assert_eq!(status, 404, "bob cannot rate alice's answer");
    let (status, _) = call(
        &app,
        Some(&bob),
        "/api/feedback/clear",
        json!({"message_id": answer}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app,
        None,
        "/api/feedback/set",
        json!({"message_id": answer, "rating": "up"}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = call(
        &app,
        Some(&alice),
        "/api/feedback/set",
        json!({"message_id": ids.user_message_id.to_string(), "rating": "up"}),
    )
    .await;
    assert_eq!(status, 404, "a question is not rated");
    assert_eq!(
        loaded_feedback(&app, Some(&alice), &conversation).await,
        json!([])
    );

    for (body, expected) in [
        (json!({"message_id": answer, "rating": "sideways"}), 400),
        (json!({"message_id": answer}), 400),
        (
            json!({"message_id": answer, "rating": "up", "comment": "x".repeat(2001)}),
            400,
        ),
        (json!({"message_id": "nope", "rating": "up"}), 404),
    ] {
        let response = app
            .api_as(Some(&alice), "/api/feedback/set", body.clone())
            .await;
        assert_eq!(response.status().as_u16(), expected, "{body}");
        let message = error_message(&response.text().await.unwrap());
        assert!(message.ends_with('.'), "a sentence: {message}");
    }
    let (status, _) = call(
        &app,
        Some(&alice),
        "/api/feedback/set",
        json!({"message_id": answer, "rating": "up", "comment": "é".repeat(2000)}),
    )
    .await;
    assert_eq!(status, 200, "2000 characters are fine");
    // Bob rating his own answer does not touch alice's rating.
    let bobs = stored_ids(&app.send_as(&bob, "bob asks").await);
    call(
        &app,
        Some(&bob),
        "/api/feedback/set",
        json!({"message_id": bobs.answer_id.to_string(), "rating": "down"}),
    )
    .await;
    let alices = loaded_feedback(&app, Some(&alice), &conversation).await;
    assert_eq!(alices[0]["rating"], "up");
}

#[tokio::test]
async fn admins_see_ratings_per_model_and_others_get_403() {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    let app = TestApp::spawn(&env).await;
    let admin = app.signed_up("admin", "admin password").await;
    let bob = app.signed_up("bob", "bobs password").await;
    let (status, summary) = call(&app, Some(&admin), "/api/admin/feedback", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(summary, json!([]));

    let mut answers = Vec::new();
    for (token, text) in [(&admin, "one"), (&admin, "two"), (&bob, "three")] {
        answers.push((
            token,
            stored_ids(&app.send_as(token, text).await)
                .answer_id
                .to_string(),
        ));
    }
    for ((token, answer), rating) in answers.iter().zip(["up", "down", "up"]) {
        let (status, _) = call(
            &app,
            Some(token),
            "/api/feedback/set",
            json!({"message_id": answer, "rating": rating}),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, summary) = call(&app, Some(&admin), "/api/admin/feedback", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        summary,
        json!([{"model": "demo/sluice-demo", "count": 3, "up": 2}])
    );

    let (status, body) = call(&app, Some(&bob), "/api/admin/feedback", json!({})).await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = call(&app, None, "/api/admin/feedback", json!({})).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn ratings_survive_an_export_and_import_round_trip() {
    let app = TestApp::fast_demo().await;
    let ids = stored_ids(&app.send_and_finish(None, None, "export me").await);
    let answer = ids.answer_id.to_string();
    call(
        &app,
        None,
        "/api/feedback/set",
        json!({"message_id": answer, "rating": "down", "comment": "Too vague."}),
    )
    .await;

    let exported = app
        .client
        .get(app.url(&format!(
            "/api/conversations/{}/export?format=json",
            ids.conversation_id
        )))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("json");
    let document: Value = serde_json::from_str(&exported).expect("json");
    let rated: Vec<&Value> = document["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m.get("feedback").is_some())
        .collect();
    assert_eq!(rated.len(), 1);
    assert_eq!(rated[0]["role"], "assistant");
    assert_eq!(
        rated[0]["feedback"],
        json!({"rating": "down", "comment": "Too vague."})
    );

    let (status, imported) = call(
        &app,
        None,
        "/api/conversations/import",
        json!({ "document": exported }),
    )
    .await;
    assert_eq!(status, 200, "{imported}");
    let copy = imported["id"].as_str().unwrap();
    let feedback = loaded_feedback(&app, None, copy).await;
    assert_eq!(feedback.as_array().unwrap().len(), 1);
    assert_eq!(feedback[0]["rating"], "down");
    assert_eq!(feedback[0]["comment"], "Too vague.");
    assert_ne!(
        feedback[0]["message_id"],
        answer.as_str(),
        "the copy has fresh ids"
    );

    // A rating on a question in a file is left out; an over-long comment refuses the file.
    let mut bad = document.clone();
    bad["messages"][1]["feedback"]["comment"] = json!("x".repeat(2001));
    let (status, body) = call(
        &app,
        None,
        "/api/conversations/import",
        json!({ "document": bad.to_string() }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("feedback comment"),
        "{body}"
    );
}
