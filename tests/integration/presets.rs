//! Saved presets: create, list (by name, ignoring case), edit and delete through the HTTP API;
//! refused saves (taken name → 409, unknown model → 400, oversized prompt → 413, bad name →
//! 400, unknown or malformed id → 404) that change nothing; and, at the store level, another
//! user's presets being out of reach and concurrent saves of one name having one winner.

use crate::store::TempDb;
use crate::support::TestApp;
use serde_json::{json, Value};
use sluice::preset::{Preset, MAX_PRESET_NAME_CHARS};
use sluice::store::{StoreError, UserId};

/// An app whose message (and so system prompt) limit is 1000 bytes.
async fn preset_app() -> TestApp {
    TestApp::spawn(&[("SLUICE_MAX_MESSAGE_BYTES", "1000")]).await
}

/// Saves `body` and returns the stored preset (panics unless 200).
async fn save(app: &TestApp, body: Value) -> Preset {
    let response = app.api("/api/presets/save", body.clone()).await;
    let status = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(status, 200, "save {body} refused: {text}");
    serde_json::from_str(&text).expect("preset JSON")
}

/// Saves `body`, expecting it refused with `status`; returns the error text.
async fn refused(app: &TestApp, path: &str, body: Value, status: u16) -> String {
    let response = app.api(path, body.clone()).await;
    assert_eq!(response.status(), status, "{path} {body}");
    response.text().await.expect("body")
}

/// The listed presets.
async fn list(app: &TestApp) -> Vec<Preset> {
    let response = app.api("/api/presets/list", json!({})).await;
    assert_eq!(response.status(), 200, "list refused");
    response.json().await.expect("list JSON")
}

/// The listed names, in order.
async fn names(app: &TestApp) -> Vec<String> {
    list(app).await.into_iter().map(|p| p.name).collect()
}

#[tokio::test]
async fn presets_are_created_listed_by_name_edited_and_deleted() {
    let app = preset_app().await;
    assert!(list(&app).await.is_empty(), "a new database has no presets");

    let zeta = save(
        &app,
        json!({"name": "  Zeta\t writer ", "system_prompt": "Write tersely.", "model": "demo/sluice-demo"}),
    )
    .await;
    assert_eq!(
        zeta.name, "Zeta writer",
        "trimmed, inner whitespace collapsed"
    );
    assert_eq!(zeta.system_prompt, "Write tersely.");
    assert_eq!(zeta.model.as_deref(), Some("demo/sluice-demo"));
    assert_eq!(zeta.created_at, zeta.updated_at);
    let alpha = save(&app, json!({"name": "alpha"})).await;
    assert_eq!(alpha.system_prompt, "", "no prompt given: empty");
    assert_eq!(alpha.model, None, "no model given: none");
    save(
        &app,
        json!({"name": "Beta", "system_prompt": "B", "model": ""}),
    )
    .await;
    assert_eq!(
        names(&app).await,
        ["alpha", "Beta", "Zeta writer"],
        "ordered by name ignoring case"
    );

    let edited = save(
        &app,
        json!({"id": zeta.id, "name": "Archivist", "system_prompt": "Keep records.", "model": null}),
    )
    .await;
    assert_eq!(edited.id, zeta.id, "an update keeps the id");
    assert_eq!(edited.name, "Archivist");
    assert_eq!(edited.system_prompt, "Keep records.");
    assert_eq!(edited.model, None);
    assert_eq!(edited.created_at, zeta.created_at);
    assert!(edited.updated_at >= zeta.updated_at);
    let listed = list(&app).await;
    assert_eq!(listed.len(), 3, "an update adds no preset");
    assert_eq!(listed[1], edited, "the list shows the stored edit");
    assert_eq!(names(&app).await, ["alpha", "Archivist", "Beta"]);

    let deleted = app
        .api("/api/presets/delete", json!({"id": alpha.id}))
        .await;
    assert_eq!(deleted.status(), 200);
    assert_eq!(names(&app).await, ["Archivist", "Beta"]);
    let again = refused(&app, "/api/presets/delete", json!({"id": alpha.id}), 404).await;
    assert!(again.contains("That preset does not exist."), "{again}");
    refused(
        &app,
        "/api/presets/save",
        json!({"id": alpha.id, "name": "Back"}),
        404,
    )
    .await;
    assert_eq!(names(&app).await, ["Archivist", "Beta"]);
}

#[tokio::test]
async fn a_taken_name_is_a_409_that_says_so() {
    let app = preset_app().await;
    let coder = save(&app, json!({"name": "Coder", "system_prompt": "Code."})).await;
    let other = save(&app, json!({"name": "Reviewer"})).await;

    let text = refused(
        &app,
        "/api/presets/save",
        json!({"name": " coder ", "system_prompt": "Other."}),
        409,
    )
    .await;
    assert!(
        text.contains("A preset named “coder” already exists."),
        "{text}"
    );
    let text = refused(
        &app,
        "/api/presets/save",
        json!({"id": other.id, "name": "CODER"}),
        409,
    )
    .await;
    assert!(text.contains("already exists"), "{text}");

    let listed = list(&app).await;
    assert_eq!(listed.len(), 2, "nothing was added");
    assert_eq!(listed[0], coder, "the first Coder is untouched");
    assert_eq!(listed[1].name, "Reviewer", "the rename did not happen");

    // A preset may change the case of its own name.
    let recased = save(&app, json!({"id": coder.id, "name": "CODER"})).await;
    assert_eq!(recased.name, "CODER");
    assert_eq!(names(&app).await, ["CODER", "Reviewer"]);
}

#[tokio::test]
async fn invalid_fields_are_refused_and_change_nothing() {
    let app = preset_app().await;
    let kept = save(
        &app,
        json!({"name": "Kept", "system_prompt": "Original.", "model": "demo/sluice-demo"}),
    )
    .await;

    for body in [
        json!({"name": "New", "model": "nope/missing"}),
        json!({"id": kept.id, "name": "Kept", "model": "demo/not-a-model"}),
    ] {
        let text = refused(&app, "/api/presets/save", body, 400).await;
        assert!(text.contains("Unknown model"), "{text}");
    }
    for body in [
        json!({"name": "Big", "system_prompt": "x".repeat(1001)}),
        json!({"id": kept.id, "name": "Kept", "system_prompt": "é".repeat(501)}),
    ] {
        let text = refused(&app, "/api/presets/save", body, 413).await;
        assert!(text.contains("too long"), "{text}");
    }
    let too_long_name = "n".repeat(MAX_PRESET_NAME_CHARS + 1);
    for name in ["", "  \n\t ", too_long_name.as_str()] {
        refused(&app, "/api/presets/save", json!({ "name": name }), 400).await;
    }
    refused(
        &app,
        "/api/presets/save",
        json!({"system_prompt": "no name"}),
        400,
    )
    .await;
    assert_eq!(list(&app).await, [kept], "nothing changed");

    // Exactly at the limits is fine.
    let at_limit = save(
        &app,
        json!({"name": "é".repeat(MAX_PRESET_NAME_CHARS), "system_prompt": "x".repeat(1000)}),
    )
    .await;
    assert_eq!(at_limit.system_prompt.len(), 1000);
    assert_eq!(list(&app).await.len(), 2);
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_not_found() {
    let app = preset_app().await;
    let kept = save(&app, json!({"name": "Kept"})).await;
    for id in [
        "",
        "nope",
        "00000000-0000-4000-8000-000000000000",
        "' OR 1=1 --",
    ] {
        let text = refused(
            &app,
            "/api/presets/save",
            json!({"id": id, "name": "Hijack"}),
            404,
        )
        .await;
        assert!(
            text.contains("That preset does not exist."),
            "{id:?}: {text}"
        );
        refused(&app, "/api/presets/delete", json!({ "id": id }), 404).await;
    }
    refused(&app, "/api/presets/delete", json!({"nope": 1}), 400).await;
    assert_eq!(list(&app).await, [kept], "nothing changed");
}

#[tokio::test]
async fn another_users_presets_are_invisible_and_untouchable() {
    const ALICE: UserId = UserId::LOCAL;
    const BOB: UserId = UserId(2);
    let db = TempDb::new();
    let store = db.open().await;
    db.add_user(BOB.0, "bob").await;
    let alices = store
        .create_preset(ALICE, "Private", "Alice's secret prompt.", Some("demo/x"))
        .await
        .unwrap();

    assert!(store.list_presets(BOB).await.unwrap().is_empty());
    assert!(matches!(
        store
            .update_preset(BOB, &alices.id, "Pwned", "", None)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_preset(BOB, &alices.id).await,
        Err(StoreError::NotFound)
    ));
    // Names are unique per user: Bob may use the same one.
    let bobs = store
        .create_preset(BOB, "private", "Bob's prompt.", None)
        .await
        .unwrap();

    assert_eq!(store.list_presets(ALICE).await.unwrap(), [alices]);
    assert_eq!(store.list_presets(BOB).await.unwrap(), [bobs]);
}

#[tokio::test]
async fn concurrent_saves_of_one_name_have_exactly_one_winner() {
    let db = TempDb::new();
    let store = db.open().await;
    let saves = (0..8).map(|i| {
        let store = store.clone();
        // Different cases of one name: the schema's own UNIQUE would let them all in.
        let name = if i % 2 == 0 { "Racer" } else { "racer" };
        tokio::spawn(async move {
            store
                .create_preset(UserId::LOCAL, name, &format!("prompt {i}"), None)
                .await
        })
    });
    let results = futures::future::join_all(saves).await;
    let mut won = 0;
    for result in results {
        match result.expect("task") {
            Ok(_) => won += 1,
            Err(StoreError::Conflict(message)) => {
                assert!(message.contains("already exists"), "{message}")
            }
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(store.list_presets(UserId::LOCAL).await.unwrap().len(), 1);
}
