//! Organising chats (issue 24) over HTTP, on the backend under test: pins order the list,
//! archived chats leave it (search still finds them, marked) and come back on restore, folders
//! are created, renamed, folded and deleted (their chats kept), chats move in and out one or
//! many at a time, bulk archive and delete act on every chosen chat in one transaction, another
//! user's chats and folders are not found and unchanged, bad requests get a sentence and change
//! nothing, the JSON export carries pin, archive and folder and an import restores them, and
//! `sluice migrate-to-postgres` copies them.

use crate::support::{error_message, TestApp, LOCAL_AUTH};
use serde_json::{json, Value};
use sluice::conversation::ConversationSummary;
use sluice::organise::{Folder, MAX_BULK_CONVERSATIONS, MAX_FOLDER_NAME_CHARS};
use sluice::store::{Store, UserId};

/// One user of the test app: their session and their id.
struct User {
    /// The session cookie's token.
    token: String,
    /// The store's id.
    id: UserId,
}

/// An app with local accounts and two signed-up users, Alice and Bob.
async fn app_with_two_users() -> (TestApp, User, User) {
    let mut env = LOCAL_AUTH.to_vec();
    env.push(("SLUICE_SIGNUP", "open"));
    let app = TestApp::spawn(&env).await;
    let mut users = Vec::new();
    for (name, password) in [("alice", "alice password"), ("bob", "bobs password")] {
        let token = app.signed_up(name, password).await;
        let id = app
            .state
            .store
            .account_by_name(name)
            .await
            .expect("account")
            .expect("signed up")
            .id;
        users.push(User { token, id });
    }
    let bob = users.pop().expect("bob");
    let alice = users.pop().expect("alice");
    (app, alice, bob)
}

/// POSTs `body` to `path` as `user`; the status and the body's text.
async fn call(app: &TestApp, user: &User, path: &str, body: Value) -> (u16, String) {
    let response = app.api_as(Some(&user.token), path, body).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// POSTs and expects 200; the answer as JSON (`null` for none).
async fn ok(app: &TestApp, user: &User, path: &str, body: Value) -> Value {
    let (status, text) = call(app, user, path, body).await;
    assert_eq!(status, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The titles of a list answer, in order.
fn titles(list: &[ConversationSummary]) -> Vec<&str> {
    list.iter().map(|c| c.title.as_str()).collect()
}

/// The user's sidebar list (`archived`: the archived view).
async fn list(app: &TestApp, user: &User, archived: bool) -> Vec<ConversationSummary> {
    let answer = ok(
        app,
        user,
        "/api/conversations/list",
        json!({"archived": archived}),
    )
    .await;
    serde_json::from_value(answer).expect("a conversation list")
}

/// The user's search results for `text`.
async fn search(app: &TestApp, user: &User, text: &str) -> Vec<ConversationSummary> {
    let answer = ok(
        app,
        user,
        "/api/conversations/list",
        json!({"search": text}),
    )
    .await;
    serde_json::from_value(answer).expect("a conversation list")
}

/// The user's folders.
async fn folders(app: &TestApp, user: &User) -> Vec<Folder> {
    serde_json::from_value(ok(app, user, "/api/folders/list", json!({})).await).expect("folders")
}

/// Creates a folder through the API.
async fn create_folder(app: &TestApp, user: &User, name: &str) -> Folder {
    serde_json::from_value(ok(app, user, "/api/folders/create", json!({"name": name})).await)
        .expect("a folder")
}

/// Creates conversations titled `titles` for `user` in that order (the last is the newest);
/// their ids in the same order.
async fn chats(store: &Store, user: UserId, titles: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for title in titles {
        let conversation = store
            .create_conversation(user, title, None, None)
            .await
            .expect("conversation");
        ids.push(conversation.id.to_string());
        // Distinct activity times, so the order is by time and not by the tie-break.
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    ids
}

/// Everything a user has organised, to compare before and after a refused request.
async fn snapshot(app: &TestApp, user: &User) -> Value {
    let store = &app.state.store;
    json!({
        "list": serde_json::to_value(store.list_conversations(user.id, None).await.unwrap()).unwrap(),
        "archived": serde_json::to_value(store.list_archived_conversations(user.id).await.unwrap()).unwrap(),
        "folders": serde_json::to_value(store.list_folders(user.id).await.unwrap()).unwrap(),
    })
}

#[tokio::test]
async fn pinned_chats_come_first_and_unpinning_restores_the_activity_order() {
    let (app, alice, _bob) = app_with_two_users().await;
    let ids = chats(&app.state.store, alice.id, &["old", "middle", "new"]).await;
    assert_eq!(
        titles(&list(&app, &alice, false).await),
        ["new", "middle", "old"]
    );

    ok(
        &app,
        &alice,
        "/api/conversations/pin",
        json!({"id": ids[0], "pinned": true}),
    )
    .await;
    let pinned = list(&app, &alice, false).await;
    assert_eq!(titles(&pinned), ["old", "new", "middle"]);
    assert!(pinned[0].pinned && !pinned[1].pinned && !pinned[2].pinned);

    ok(
        &app,
        &alice,
        "/api/conversations/pin",
        json!({"id": ids[1], "pinned": true}),
    )
    .await;
    assert_eq!(
        titles(&list(&app, &alice, false).await),
        ["middle", "old", "new"]
    );

    for id in &ids[..2] {
        ok(
            &app,
            &alice,
            "/api/conversations/pin",
            json!({"id": id, "pinned": false}),
        )
        .await;
    }
    let unpinned = list(&app, &alice, false).await;
    assert_eq!(titles(&unpinned), ["new", "middle", "old"]);
    assert!(unpinned.iter().all(|c| !c.pinned));
}

#[tokio::test]
async fn archived_chats_leave_the_list_stay_searchable_and_come_back_on_restore() {
    let (app, alice, _bob) = app_with_two_users().await;
    let ids = chats(
        &app.state.store,
        alice.id,
        &["kept chat", "zebra facts", "zebra jokes"],
    )
    .await;
    ok(
        &app,
        &alice,
        "/api/conversations/archive",
        json!({"ids": [ids[1]], "archived": true}),
    )
    .await;

    assert_eq!(
        titles(&list(&app, &alice, false).await),
        ["zebra jokes", "kept chat"]
    );
    let archived = list(&app, &alice, true).await;
    assert_eq!(titles(&archived), ["zebra facts"]);
    assert!(archived[0].archived_at.is_some());

    // Search finds it, marked; the others are not marked.
    for text in ["zebra", "ze"] {
        let found = search(&app, &alice, text).await;
        assert_eq!(
            titles(&found),
            ["zebra jokes", "zebra facts"],
            "search {text:?}"
        );
        assert!(found[0].archived_at.is_none() && found[1].archived_at.is_some());
    }

    ok(
        &app,
        &alice,
        "/api/conversations/archive",
        json!({"ids": [ids[1]], "archived": false}),
    )
    .await;
    let restored = list(&app, &alice, false).await;
    assert_eq!(
        titles(&restored),
        ["zebra jokes", "zebra facts", "kept chat"]
    );
    assert!(restored.iter().all(|c| c.archived_at.is_none()));
    assert!(list(&app, &alice, true).await.is_empty());
}

#[tokio::test]
async fn folders_are_created_renamed_collapsed_and_deleted_keeping_their_chats() {
    let (app, alice, _bob) = app_with_two_users().await;
    let ids = chats(&app.state.store, alice.id, &["plan", "notes"]).await;
    let work = create_folder(&app, &alice, "  Work \t stuff ").await;
    assert_eq!(work.name, "Work stuff");
    assert!(!work.collapsed);
    let home = create_folder(&app, &alice, "home").await;
    let names = |folders: Vec<Folder>| folders.into_iter().map(|f| f.name).collect::<Vec<_>>();
    assert_eq!(names(folders(&app, &alice).await), ["home", "Work stuff"]);

    // A second folder of the same name, ignoring case, is a conflict.
    let (status, text) = call(
        &app,
        &alice,
        "/api/folders/create",
        json!({"name": "WORK stuff"}),
    )
    .await;
    assert_eq!(status, 409, "{text}");
    assert_eq!(
        error_message(&text),
        "A folder named “WORK stuff” already exists."
    );
    let (status, _) = call(
        &app,
        &alice,
        "/api/folders/rename",
        json!({"id": home.id, "name": "work STUFF"}),
    )
    .await;
    assert_eq!(status, 409);

    ok(
        &app,
        &alice,
        "/api/folders/rename",
        json!({"id": work.id, "name": "Projects"}),
    )
    .await;
    ok(
        &app,
        &alice,
        "/api/folders/collapse",
        json!({"id": work.id, "collapsed": true}),
    )
    .await;
    let now = folders(&app, &alice).await;
    assert_eq!(names(now.clone()), ["home", "Projects"]);
    assert!(!now[0].collapsed && now[1].collapsed, "{now:?}");

    ok(
        &app,
        &alice,
        "/api/conversations/move",
        json!({"ids": ids, "folder_id": work.id}),
    )
    .await;
    let listed = list(&app, &alice, false).await;
    assert!(
        listed
            .iter()
            .all(|c| c.folder_id.as_ref() == Some(&work.id)),
        "{listed:?}"
    );

    ok(
        &app,
        &alice,
        "/api/conversations/move",
        json!({"ids": [ids[0]], "folder_id": null}),
    )
    .await;
    let listed = list(&app, &alice, false).await;
    let folder_of = |title: &str| {
        listed
            .iter()
            .find(|c| c.title == title)
            .and_then(|c| c.folder_id.clone())
    };
    assert_eq!(folder_of("plan"), None);
    assert_eq!(folder_of("notes"), Some(work.id.clone()));

    // Deleting the folder keeps its chats, in no folder.
    ok(&app, &alice, "/api/folders/delete", json!({"id": work.id})).await;
    assert_eq!(names(folders(&app, &alice).await), ["home"]);
    let listed = list(&app, &alice, false).await;
    assert_eq!(titles(&listed), ["notes", "plan"]);
    assert!(listed.iter().all(|c| c.folder_id.is_none()));
}

#[tokio::test]
async fn bulk_move_archive_and_delete_act_on_every_chosen_chat() {
    let (app, alice, _bob) = app_with_two_users().await;
    let ids = chats(&app.state.store, alice.id, &["a", "b", "c", "d", "e"]).await;
    let folder = create_folder(&app, &alice, "Bulk").await;

    ok(
        &app,
        &alice,
        "/api/conversations/move",
        json!({"ids": [ids[0], ids[1], ids[1]], "folder_id": folder.id}),
    )
    .await;
    let in_folder: Vec<String> = list(&app, &alice, false)
        .await
        .into_iter()
        .filter(|c| c.folder_id.is_some())
        .map(|c| c.title)
        .collect();
    assert_eq!(in_folder, ["b", "a"]);

    ok(
        &app,
        &alice,
        "/api/conversations/archive",
        json!({"ids": [ids[2], ids[3]], "archived": true}),
    )
    .await;
    assert_eq!(titles(&list(&app, &alice, false).await), ["e", "b", "a"]);
    assert_eq!(titles(&list(&app, &alice, true).await).len(), 2);

    ok(
        &app,
        &alice,
        "/api/conversations/delete_many",
        json!({"ids": [ids[0], ids[2], ids[4]]}),
    )
    .await;
    assert_eq!(titles(&list(&app, &alice, false).await), ["b"]);
    assert_eq!(titles(&list(&app, &alice, true).await), ["d"]);
    let (status, _) = call(
        &app,
        &alice,
        "/api/conversations/get",
        json!({"id": ids[0]}),
    )
    .await;
    assert_eq!(status, 404, "a deleted chat is gone with its messages");
}

#[tokio::test]
async fn another_users_chats_and_folders_are_not_found_and_unchanged() {
    let (app, alice, bob) = app_with_two_users().await;
    let alice_chats = chats(&app.state.store, alice.id, &["alice private"]).await;
    let alice_folder = create_folder(&app, &alice, "Alice only").await;
    ok(
        &app,
        &alice,
        "/api/conversations/move",
        json!({"ids": alice_chats, "folder_id": alice_folder.id}),
    )
    .await;
    let bob_chats = chats(&app.state.store, bob.id, &["bob's"]).await;
    let bob_folder = create_folder(&app, &bob, "Bob's").await;
    // The same name is fine for another user.
    create_folder(&app, &bob, "Alice only").await;

    let alice_before = snapshot(&app, &alice).await;
    let bob_before = snapshot(&app, &bob).await;
    let attempts = [
        (
            "/api/conversations/pin",
            json!({"id": alice_chats[0], "pinned": true}),
        ),
        (
            "/api/conversations/archive",
            json!({"ids": [alice_chats[0]], "archived": true}),
        ),
        // One of Bob's own ids beside Alice's: nothing of either changes.
        (
            "/api/conversations/archive",
            json!({"ids": [bob_chats[0], alice_chats[0]], "archived": true}),
        ),
        (
            "/api/conversations/delete_many",
            json!({"ids": [bob_chats[0], alice_chats[0]]}),
        ),
        (
            "/api/conversations/move",
            json!({"ids": [alice_chats[0]], "folder_id": bob_folder.id}),
        ),
        (
            "/api/conversations/move",
            json!({"ids": [bob_chats[0]], "folder_id": alice_folder.id}),
        ),
        (
            "/api/conversations/move",
            json!({"ids": [alice_chats[0]], "folder_id": null}),
        ),
        (
            "/api/folders/rename",
            json!({"id": alice_folder.id, "name": "pwned"}),
        ),
        (
            "/api/folders/collapse",
            json!({"id": alice_folder.id, "collapsed": true}),
        ),
        ("/api/folders/delete", json!({"id": alice_folder.id})),
    ];
    for (path, body) in attempts {
        let (status, text) = call(&app, &bob, path, body.clone()).await;
        assert_eq!(status, 404, "{path} {body} as bob: {text}");
        assert!(
            !text.contains("Alice only") && !text.contains("alice private"),
            "{text}"
        );
    }
    assert_eq!(snapshot(&app, &alice).await, alice_before);
    assert_eq!(snapshot(&app, &bob).await, bob_before);
    let names: Vec<String> = folders(&app, &bob)
        .await
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(
        names,
        ["Alice only", "Bob's"],
        "Bob sees only his own folders"
    );
    assert_eq!(
        titles(&search(&app, &bob, "alice").await),
        Vec::<&str>::new()
    );
}

#[tokio::test]
async fn bad_organising_requests_get_a_sentence_and_change_nothing() {
    let (app, alice, _bob) = app_with_two_users().await;
    let ids = chats(&app.state.store, alice.id, &["one", "two"]).await;
    let folder = create_folder(&app, &alice, "Existing").await;
    let unknown = "6f1c1e8e-0000-4000-8000-000000000000";
    let too_many: Vec<String> = (0..=MAX_BULK_CONVERSATIONS)
        .map(|_| ids[0].clone())
        .collect();
    let long_name = "x".repeat(MAX_FOLDER_NAME_CHARS + 1);
    let before = snapshot(&app, &alice).await;
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "/api/conversations/pin",
            json!({"id": unknown, "pinned": true}),
            404,
            "does not exist",
        ),
        (
            "/api/conversations/pin",
            json!({"id": ids[0]}),
            400,
            "pinned",
        ),
        (
            "/api/conversations/archive",
            json!({"ids": [ids[0], unknown], "archived": true}),
            404,
            "nothing was changed",
        ),
        (
            "/api/conversations/archive",
            json!({"ids": [ids[0], "not-a-uuid"], "archived": true}),
            404,
            "nothing was changed",
        ),
        (
            "/api/conversations/archive",
            json!({"ids": [], "archived": true}),
            400,
            "No chats were chosen.",
        ),
        (
            "/api/conversations/archive",
            json!({"ids": too_many, "archived": true}),
            400,
            "at most 500",
        ),
        (
            "/api/conversations/archive",
            json!({"ids": "not a list", "archived": true}),
            400,
            "ids",
        ),
        (
            "/api/conversations/delete_many",
            json!({"ids": [ids[0], ids[1], unknown]}),
            404,
            "nothing was changed",
        ),
        (
            "/api/conversations/delete_many",
            json!({"ids": too_many}),
            400,
            "Too many chats at once (501)",
        ),
        ("/api/conversations/delete_many", json!({}), 400, "ids"),
        (
            "/api/conversations/move",
            json!({"ids": [ids[0]], "folder_id": unknown}),
            404,
            "nothing was changed",
        ),
        (
            "/api/conversations/move",
            json!({"ids": [ids[0], unknown], "folder_id": folder.id}),
            404,
            "nothing was changed",
        ),
        (
            "/api/folders/create",
            json!({"name": "   "}),
            400,
            "The folder name is empty.",
        ),
        (
            "/api/folders/create",
            json!({"name": long_name}),
            400,
            "The folder name is too long (the limit is 60 characters).",
        ),
        ("/api/folders/create", json!({"name": 7}), 400, "name"),
        (
            "/api/folders/rename",
            json!({"id": folder.id, "name": ""}),
            400,
            "The folder name is empty.",
        ),
        (
            "/api/folders/rename",
            json!({"id": unknown, "name": "Fine"}),
            404,
            "That folder does not exist.",
        ),
        (
            "/api/folders/delete",
            json!({"id": "../../etc"}),
            404,
            "That folder does not exist.",
        ),
        (
            "/api/folders/collapse",
            json!({"id": folder.id, "collapsed": "yes"}),
            400,
            "collapsed",
        ),
    ];
    for (path, body, expected, words) in cases {
        let (status, text) = call(&app, &alice, path, body.clone()).await;
        assert_eq!(status, expected, "{path} {body}: {text}");
        let message = error_message(&text);
        assert!(
            message.contains(words),
            "{path} {body}: {message:?} lacks {words:?}"
        );
    }
    // A body that is not JSON at all.
    let response = app
        .client
        .post(app.url("/api/conversations/move"))
        .header("cookie", format!("sluice_session={}", alice.token))
        .header("content-type", "application/json")
        .body("{\"ids\": [")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    assert_eq!(snapshot(&app, &alice).await, before);
}

/// The export of `id` as JSON, as `user`.
async fn export_json(app: &TestApp, user: &User, id: &str) -> Value {
    let response = app
        .get_as(
            Some(&user.token),
            &format!("/api/conversations/{id}/export?format=json"),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("export JSON")
}

#[tokio::test]
async fn export_and_import_carry_pin_archive_and_folder() {
    let (app, alice, bob) = app_with_two_users().await;
    let sent = app.send_as(&alice.token, "a chat worth keeping").await;
    let id = crate::support::stored_ids(&sent).conversation_id;
    let plain = export_json(&app, &alice, &id).await;
    for field in ["pinned", "archived_at", "folder"] {
        assert!(
            plain["conversation"].get(field).is_none(),
            "unorganised: no {field}"
        );
    }

    let folder = create_folder(&app, &alice, "Keepers").await;
    ok(
        &app,
        &alice,
        "/api/conversations/move",
        json!({"ids": [id], "folder_id": folder.id}),
    )
    .await;
    ok(
        &app,
        &alice,
        "/api/conversations/pin",
        json!({"id": id, "pinned": true}),
    )
    .await;
    ok(
        &app,
        &alice,
        "/api/conversations/archive",
        json!({"ids": [id], "archived": true}),
    )
    .await;
    let document = export_json(&app, &alice, &id).await;
    let archived_at = document["conversation"]["archived_at"]
        .as_i64()
        .expect("archived_at");
    assert_eq!(document["conversation"]["pinned"], json!(true));
    assert_eq!(document["conversation"]["folder"], json!("Keepers"));
    assert_eq!(
        document["version"],
        json!(1),
        "older readers still read the file"
    );

    // Bob imports it: his own "keepers" folder (any case) receives it; Alice's is untouched.
    let bobs = create_folder(&app, &bob, "keepers").await;
    let text = document.to_string();
    let imported = ok(
        &app,
        &bob,
        "/api/conversations/import",
        json!({"document": text}),
    )
    .await;
    let archived = list(&app, &bob, true).await;
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0].id.to_string(), imported["id"].as_str().unwrap());
    assert!(archived[0].pinned);
    assert_eq!(archived[0].archived_at, Some(archived_at));
    assert_eq!(archived[0].folder_id, Some(bobs.id));
    assert_eq!(folders(&app, &bob).await.len(), 1);

    // Alice imports it back: her folder is found by name, not duplicated.
    ok(
        &app,
        &alice,
        "/api/conversations/import",
        json!({"document": text}),
    )
    .await;
    assert_eq!(folders(&app, &alice).await, vec![folder.clone()]);
    let mine = list(&app, &alice, true).await;
    assert!(mine
        .iter()
        .all(|c| c.folder_id.as_ref() == Some(&folder.id) && c.pinned));

    // A user without that folder gets one made by the import.
    let mut fresh = document.clone();
    fresh["conversation"]["folder"] = json!("  Brand   new ");
    fresh["conversation"]["archived_at"] = Value::Null;
    ok(
        &app,
        &bob,
        "/api/conversations/import",
        json!({"document": fresh.to_string()}),
    )
    .await;
    let made = folders(&app, &bob).await;
    assert_eq!(
        made.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["Brand new", "keepers"]
    );
    let listed = list(&app, &bob, false).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].folder_id.as_ref(), Some(&made[0].id));

    // A bad folder name refuses the file and changes nothing.
    let before = snapshot(&app, &bob).await;
    let mut bad = document.clone();
    bad["conversation"]["folder"] = json!("y".repeat(MAX_FOLDER_NAME_CHARS + 1));
    let (status, text) = call(
        &app,
        &bob,
        "/api/conversations/import",
        json!({"document": bad.to_string()}),
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(
        error_message(&text).contains("folder name is too long"),
        "{text}"
    );
    assert_eq!(snapshot(&app, &bob).await, before);
}

/// `sluice migrate-to-postgres` copies folders (collapsed or not) and every conversation's pin,
/// archive time and folder. Runs in the PostgreSQL pass.
#[tokio::test]
async fn migrate_to_postgres_copies_folders_pins_and_archives() {
    let Some(target) = crate::migrate_to_postgres::fresh_database("organise").await else {
        return;
    };
    let dir = crate::support::TempDir::new("migrate-organise");
    let path = dir.path.join("sluice.db");
    let source = Store::open(&path).await.expect("open SQLite");
    let user = UserId::LOCAL;
    let ids = chats(&source, user, &["pinned", "archived", "filed"]).await;
    let folder = source.create_folder(user, "Folded").await.expect("folder");
    source
        .set_folder_collapsed(user, &folder.id, true)
        .await
        .expect("fold");
    source.create_folder(user, "Open").await.expect("folder");
    source
        .set_conversation_pinned(user, &ids[0].as_str().into(), true)
        .await
        .expect("pin");
    source
        .archive_conversations(user, &[ids[1].as_str().into()], true)
        .await
        .expect("archive");
    source
        .move_conversations(user, &[ids[2].as_str().into()], Some(&folder.id))
        .await
        .expect("move");
    let view = |store: Store| async move {
        let seen = (
            store.list_conversations(user, None).await.expect("list"),
            store
                .list_archived_conversations(user)
                .await
                .expect("archived"),
            store.list_folders(user).await.expect("folders"),
        );
        store.close().await;
        seen
    };
    let before = view(source).await;
    let report = sluice::store::copy_sqlite_to_postgres(&path, &target.url)
        .await
        .expect("the copy succeeds");
    assert_eq!(
        report.to_string(),
        "1 user, 0 sessions, 3 conversations, 0 messages, 0 presets, 2 folders"
    );
    let copied = Store::connect(&sluice::store::StoreOptions::postgres(&target.url))
        .await
        .expect("open the copy");
    let after = view(copied).await;
    assert_eq!(after, before);
    assert!(after.0[0].pinned && after.1[0].archived_at.is_some() && after.2[0].collapsed);
}
