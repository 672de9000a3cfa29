//! End-to-end: the real built app under X (xvfb-run in CI), driven over WebDriver through tauri-driver and
//! WebKitWebDriver, as a person uses it. Each step checks what the screen shows against the library's own figures.
//! Screenshots of every screen go to `DAICHO_SCREENSHOTS` (default `target/e2e-screenshots`; the README's set is
//! refreshed with `DAICHO_SCREENSHOTS=docs/screenshots`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use daicho::db::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use support::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_loads_the_demo_records_an_initiative_imports_returns_and_exports_reports() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "the end-to-end test drives the real app and needs an X display: run it under xvfb-run (scripts/test.sh does)"
    );
    let _one_at_a_time = APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("daicho.sqlite3");
    let pick_dir = dir.path().join("returns");
    let save_dir = dir.path().join("out");
    let (driver, client) = launch(dir.path(), &db, &pick_dir, &save_dir).await;

    // 1. A new user sees the empty state and loads the sample ledger.
    let empty = text_of(&client, "[data-testid=empty-state]").await;
    assert!(empty.contains("台帳はまだ空です") && empty.contains("サンプルデータを読み込む"), "{empty}");
    tokio::time::sleep(Duration::from_millis(300)).await; // the web view paints after the DOM changes
    shot(&client, "0-empty").await;
    click(&client, "[data-testid=load-demo]").await;

    // 2. The dashboard shows the year's total, exactly what the library computes for the same ledger.
    let store = daicho::db::Store::open(&db).unwrap();
    let years = daicho::views::years(&store).unwrap();
    let fy = daicho::fiscal::FiscalYear(*years.last().unwrap());
    let expected = daicho::views::dashboard(&store, fy).unwrap();
    let total = wait_text(&client, "[data-testid=total-hours]", |t| !t.is_empty()).await;
    let want = format!("{}時間", daicho::number::group_fixed(expected.total_hours, 1));
    assert_eq!(total.replace('\n', ""), want, "the dashboard total is the ledger's total");
    let rate = text_of(&client, "[data-testid=achievement]").await;
    assert_eq!(rate, format!("{}%", daicho::number::group_fixed(expected.achievement_rate.unwrap(), 1)));
    tokio::time::sleep(Duration::from_millis(600)).await; // let the charts finish their animation
    shot(&client, "1-dashboard").await;
    // A row of the dashboard opens its initiative, and the way back is to the dashboard, where it was opened.
    let row = "[data-testid=top-initiatives] tr td:nth-child(2)";
    client.execute("document.querySelector(arguments[0]).scrollIntoView()", vec![row.into()]).await.unwrap();
    click(&client, row).await;
    wait_text(&client, "[data-testid=detail-title]", |t| !t.is_empty()).await;
    let back = text_of(&client, "[data-testid=detail-back]").await;
    assert_eq!(back, "← 集計に戻る", "the detail returns to the screen it was opened from");
    click(&client, "[data-testid=detail-back]").await;
    wait_text(&client, "[data-testid=total-hours]", |t| !t.is_empty()).await;

    // 3. Ctrl+F, from the dashboard, is the ledger list's search: the list shows every initiative with the column
    // total, and what is typed next narrows it.
    press(&client, "nav button", &(Key::Control + "f")).await;
    let count = store.initiatives(&Default::default()).unwrap().len();
    let listed = format!("{count} 件");
    let totals = wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains(&listed)).await;
    let hours = daicho::number::group_fixed(expected.total_hours, 1);
    assert!(totals.contains(&hours), "the column total is the year's total {hours}: {totals}");
    let focused = client.execute("return document.activeElement.dataset.testid ?? null", vec![]).await.unwrap();
    assert_eq!(focused.as_str(), Some("filter-text"), "Ctrl+F puts the cursor in the search box");
    shot(&client, "2c-ledger-ctrl-f").await;
    client.active_element().await.unwrap().send_keys("保育").await.unwrap();
    let narrowed = wait_text(&client, "[data-testid=ledger-totals]", |t| !t.contains(&listed)).await;
    assert!(narrowed.contains("件"), "{narrowed}");
    // Ctrl+A with the focus in the list selects every row the search shows, and Esc lets them go.
    let words: Vec<&str> = narrowed.split_whitespace().collect();
    let shown_count = words[words.iter().position(|w| w.starts_with('件')).unwrap() - 1];
    press(&client, "[data-testid=ledger-row]", &(Key::Control + "a")).await;
    let all = wait_text(&client, "[data-testid=selection]", |t| t.contains("を選択中")).await;
    assert!(all.starts_with(&format!("{shown_count} 件を選択中")), "every row shown, none hidden: {all}");
    press(&client, "[data-testid=ledger-row]", &Key::Escape.to_string()).await;
    wait_text(&client, "[data-testid=selection]", |t| !t.contains("を選択中")).await;
    // Emptied with the keyboard, as a person does (a WebDriver clear sends no input event to the app).
    press(&client, "[data-testid=filter-text]", &(Key::Control + "a")).await;
    press(&client, "[data-testid=filter-text]", &Key::Backspace.to_string()).await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains(&listed)).await;

    // The web view's own keys do nothing: no find bar, no reload (the page and its state survive).
    let watch = "window.__kept = true; window.__keys = []; \
        window.addEventListener('keydown', (e) => window.__keys.push([e.key, e.defaultPrevented]));";
    client.execute(watch, vec![]).await.unwrap();
    press(&client, "[data-testid=filter-text]", &(Key::Control + "r")).await;
    press(&client, "[data-testid=filter-text]", &Key::F5.to_string()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let kept = client.execute("return [window.__kept ?? null, window.__keys]", vec![]).await.unwrap();
    let prevented = kept[1].as_array().unwrap().iter().filter(|k| k[0] == "r" || k[0] == "F5").collect::<Vec<_>>();
    assert_eq!(kept[0], serde_json::Value::Bool(true), "Ctrl+R and F5 did not reload the page");
    assert!(
        prevented.len() == 2 && prevented.iter().all(|k| k[1] == true),
        "the app stops the web view's reload: {kept:?}"
    );

    // Two rows selected (a checkbox, then Shift+Space on the next row: the range) are copied with Ctrl+C as Excel
    // takes them: a header row, tab-separated cells as shown, figures without separators, CRLF line ends.
    let ids = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=ledger-row]')].slice(0, 2).map((r) => r.dataset.id)",
            vec![],
        )
        .await
        .unwrap();
    let ids: Vec<String> = ids.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    click(&client, &format!("[data-id='{}'] [data-testid=row-select]", ids[0])).await;
    press(&client, &format!("[data-id='{}']", ids[1]), &(Key::Shift + " ")).await;
    wait_text(&client, "[data-testid=selection]", |t| t.starts_with("2 件を選択中")).await;
    let copied = "window.__copied = null; \
        window.addEventListener('copy', (e) => { window.__copied = e.clipboardData.getData('text/plain'); });";
    client.execute(copied, vec![]).await.unwrap();
    press(&client, &format!("[data-id='{}']", ids[1]), &(Key::Control + "c")).await;
    wait_text(&client, "[data-testid=list-notice]", |t| t.contains("2 行をコピーしました")).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // the web view paints after the DOM changes
    shot(&client, "2a-ledger-rows-copied").await;
    let rows = daicho::views::ledger_rows(&store, fy).unwrap();
    let cells_of = |id: &str| -> Vec<String> {
        let r = rows.iter().find(|r| r.ledger_id == id).unwrap();
        let hours = r.hours.map(|h| daicho::number::group_fixed(h, 1).replace(',', "")).unwrap_or_default();
        [&r.ledger_id, &r.kind, &r.title, &r.bureau, &r.section, &r.tool, &r.status, &hours]
            .map(|c| c.to_string())
            .to_vec()
    };
    let header: Vec<String> =
        ["管理番号", "区分", "業務名", "部局", "課", "ツール", "状況", "削減時間(h)"].map(String::from).to_vec();
    let want = vec![header, cells_of(&ids[0]), cells_of(&ids[1])];
    assert!(want.iter().flatten().all(|c| !c.contains(['\t', '\n', '"'])), "these cells need no quotes");
    let written = client.execute("return window.__copied", vec![]).await.unwrap();
    let exact: String = want.iter().map(|r| r.join("\t") + "\r\n").collect();
    assert_eq!(written.as_str(), Some(exact.as_str()), "the copy writes the header and both rows, CRLF line ends");
    // What reached the system clipboard, pasted into a text field (the web view reads line ends back as LF).
    let paste = "const t = document.createElement('textarea'); t.id = 'paste-here'; document.body.prepend(t); \
        t.addEventListener('paste', (e) => { window.__pasted = e.clipboardData.getData('text/plain'); });";
    client.execute(paste, vec![]).await.unwrap();
    press(&client, "#paste-here", &(Key::Control + "v")).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let pasted = loop {
        let v = client.execute("return window.__pasted ?? null", vec![]).await.unwrap();
        if let Some(t) = v.as_str() {
            break t.to_string();
        }
        assert!(Instant::now() < deadline, "nothing was pasted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    client.execute("document.getElementById('paste-here').remove()", vec![]).await.unwrap();
    let table: Vec<Vec<String>> = pasted.lines().map(|l| l.split('\t').map(String::from).collect()).collect();
    assert_eq!(table, want, "pasted as columns: the header and the two rows, cell by cell");
    click(&client, "[data-testid=select-none]").await;

    // 4. Add an initiative, type a formula, see it evaluated as typed, refuse a bad one, save.
    click(&client, "[data-testid=add-open]").await;
    // Sent without its 業務名, the form is refused in Japanese, not in the web view's English.
    click(&client, "[data-testid=add-submit]").await;
    let message = client
        .execute("return document.querySelector('[data-testid=add-title]').validationMessage", vec![])
        .await
        .unwrap();
    assert_eq!(message.as_str(), Some("この項目を入力してください。"), "a required field asks in Japanese");
    type_into(&client, "[data-testid=add-title]", "会議録の文字起こし").await;
    click(&client, "[data-testid=add-submit]").await;
    let title = wait_text(&client, "[data-testid=detail-title]", |t| t.contains("会議録の文字起こし")).await;
    let ledger_id = title.split_whitespace().next().unwrap().to_string();
    type_into(&client, "[data-testid=formula-input]", "5分××3件").await;
    let refused = wait_text(&client, "[data-testid=formula-result]", |t| t.contains("文字目")).await;
    assert!(refused.contains("4文字目: 演算子が続いています"), "the refusal names the character: {refused}");
    shot(&client, "3-formula-refused").await;
    type_into(&client, "[data-testid=formula-input]", "5分×40か所×245日").await;
    type_into(&client, "[data-testid=stated-input]", "817").await;
    // Checked as typed: the check of "8" and "81" may show before the one of "817".
    let result = wait_text(&client, "[data-testid=formula-result]", |t| t.contains("申告値と一致")).await;
    assert!(result.contains("5分×40か所×245日＝49,000分（816.7時間）"), "{result}");
    assert!(result.contains("49,000分 ／ 816.67時間") && result.contains("申告値と一致"), "{result}");
    click(&client, "[data-testid=save-effect]").await;
    wait_text(&client, "[data-testid=save-message]", |t| t.contains("保存しました")).await;
    let effects = text_of(&client, "[data-testid=effects]").await;
    assert!(effects.contains("816.7") && effects.contains("817"), "{effects}");
    shot(&client, "4-detail").await;

    // One basis at a time: 試算 has nothing recorded, so the form empties (the 実績 figures are not carried over).
    click(&client, "[data-testid=effect-basis] [data-basis='試算']").await;
    wait_text(&client, "[data-testid=effect-state]", |t| t.contains("未登録")).await;
    assert_eq!(
        (value_of(&client, "[data-testid=formula-input]").await, value_of(&client, "[data-testid=stated-input]").await),
        (String::new(), String::new()),
        "another basis starts empty"
    );
    type_into(&client, "[data-testid=formula-input]", "4分×40か所×245日").await;
    type_into(&client, "[data-testid=stated-input]", "653").await;
    // Switching with typed input asks first; 戻る keeps the typing and the basis.
    click(&client, "[data-testid=effect-basis] [data-basis='実績']").await;
    let ask = text_of(&client, "[data-testid=effect-switch-confirm]").await;
    assert!(ask.contains("試算 の入力を保存していません") && ask.contains("実績 を表示しますか"), "{ask}");
    click(&client, "[data-testid=effect-switch-stay]").await;
    wait_gone(&client, "[data-testid=effect-switch-confirm]").await;
    assert_eq!(basis_of(&client).await, "試算");
    assert_eq!(value_of(&client, "[data-testid=formula-input]").await, "4分×40か所×245日", "the typing is kept");
    // A stated figure far from the formula: the difference is in hours, as people state it.
    type_into(&client, "[data-testid=stated-input]", "900").await;
    let differs = wait_text(&client, "[data-testid=stated-check]", |t| t.contains("申告 900時間")).await;
    assert!(
        differs.contains("差 ▲246.67時間") && !differs.contains('分'),
        "a difference in hours, ▲ when less: {differs}"
    );
    type_into(&client, "[data-testid=stated-input]", "653").await;
    // Ctrl+S saves the form holding the focus.
    press(&client, "[data-testid=formula-input]", &(Key::Control + "s")).await;
    wait_text(&client, "[data-testid=save-message]", |t| t.contains("試算 の効果を保存しました")).await;
    wait_text(&client, "[data-testid=effects]", |t| t.contains("653.3")).await;
    // Back to 実績: its own record is loaded.
    click(&client, "[data-testid=effect-basis] [data-basis='実績']").await;
    wait_value(&client, "[data-testid=formula-input]", |v| v == "5分×40か所×245日").await;
    assert_eq!(value_of(&client, "[data-testid=stated-input]").await, "817");
    // A colleague rewrites this 実績 figure on their PC after the screen showed it: 保存 is refused, naming them, the
    // form keeps what it holds and shows the figure they wrote; a second 保存 puts the form's figure over it.
    let year: i32 = value_of(&client, "[data-testid=effect-year]").await.parse().unwrap();
    {
        let mut theirs_store = daicho::db::Store::open(&db).unwrap();
        let theirs = daicho::ledger::NewEffect {
            fiscal_year: daicho::fiscal::FiscalYear(year),
            basis: daicho::ledger::Basis::Actual,
            input: daicho::ledger::EffectInput::Formula("5分×40か所×240日".into()),
            stated_hours: None,
            note: None,
        };
        daicho::actions::set_effect(&mut theirs_store, &colleague(), &ledger_id, &theirs, None).unwrap();
    }
    click(&client, "[data-testid=save-effect]").await;
    let conflict = wait_text(&client, "[data-testid=effect-conflict]", |t| t.contains("同僚")).await;
    assert!(
        conflict.contains("変更されました") && conflict.contains("5分×40か所×240日＝48,000分（800時間）"),
        "the refusal says who changed it and what is recorded now: {conflict}"
    );
    assert_eq!(value_of(&client, "[data-testid=formula-input]").await, "5分×40か所×245日", "the form keeps its figure");
    wait_text(&client, "[data-testid=effects]", |t| t.contains("800.0")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4f-effect-changed-meanwhile").await;
    click(&client, "[data-testid=save-effect]").await;
    wait_text(&client, "[data-testid=save-message]", |t| t.contains("実績 の効果を保存しました")).await;
    wait_text(&client, "[data-testid=effects]", |t| t.contains("816.7") && !t.contains("800.0")).await;
    assert!(!present(&client, "[data-testid=effect-conflict]").await, "the refusal goes once the save is made");
    // A row of the table loads its year, basis, formula, stated figure and note into the form.
    click(&client, "tr[data-key$='/試算'] td:nth-child(3)").await;
    wait_value(&client, "[data-testid=formula-input]", |v| v == "4分×40か所×245日").await;
    assert_eq!(value_of(&client, "[data-testid=stated-input]").await, "653");
    assert_eq!(basis_of(&client).await, "試算");
    let row_year =
        client.execute("return document.querySelector(\"tr[data-key$='/試算']\").dataset.key", vec![]).await.unwrap();
    assert_eq!(
        format!("{}/試算", value_of(&client, "[data-testid=effect-year]").await),
        row_year.as_str().unwrap(),
        "the row's year too"
    );
    assert!(present(&client, "tr.current[data-key$='/試算']").await, "the loaded row is marked");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4c-effect-row-loaded").await;
    // Esc takes typing back to what was loaded.
    type_into(&client, "[data-testid=formula-input]", "4分×40か所×245日×2").await;
    press(&client, "[data-testid=formula-input]", &Key::Escape.to_string()).await;
    wait_value(&client, "[data-testid=formula-input]", |v| v == "4分×40か所×245日").await;
    // A saving that became a cost is a red ▲, as the exported workbook prints it, never a bare minus.
    type_into(&client, "[data-testid=formula-input]", "(5分-30分)×100件").await;
    let negative = wait_text(&client, "[data-testid=formula-result] strong", |t| t.contains("時間")).await;
    assert_eq!(negative, "▲2,500分 ／ ▲41.67時間", "the figures, not a bare minus");
    let red = "return getComputedStyle(document.querySelector('[data-testid=formula-result] strong.negative')).color";
    let color = client.execute(red, vec![]).await.unwrap();
    assert_eq!(color.as_str(), Some("rgb(180, 35, 24)"), "the negative figure is red (--bad)");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4e-negative-figure").await;
    press(&client, "[data-testid=formula-input]", &Key::Escape.to_string()).await;
    wait_value(&client, "[data-testid=formula-input]", |v| v == "4分×40か所×245日").await;

    // Leaving a typed formula asks first, in the app's own Japanese: 戻る keeps it; 破棄して移動 leaves it unsaved.
    type_into(&client, "[data-testid=formula-input]", "3分×40か所").await;
    click_text(&client, "button", "台帳").await;
    let ask = text_of(&client, "[data-testid=leave-guard]").await;
    assert!(ask.contains("保存していない入力があります。破棄して移動しますか"), "{ask}");
    assert!(ask.contains("効果（") && ask.contains("・試算）"), "the question names the form: {ask}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4d-leave-guard").await;
    click(&client, "[data-testid=leave-stay]").await;
    wait_gone(&client, "[data-testid=leave-guard]").await;
    assert!(present(&client, "[data-testid=detail-title]").await, "戻る stays on the detail");
    assert_eq!(value_of(&client, "[data-testid=formula-input]").await, "3分×40か所", "戻る keeps the typing");
    click(&client, "[data-testid=detail-back]").await;
    click(&client, "[data-testid=leave-discard]").await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains("件")).await;
    type_into(&client, "[data-testid=filter-text]", &ledger_id).await;
    wait_text(&client, "[data-testid=ledger-body]", |t| t.contains("会議録の文字起こし")).await;
    click(&client, "[data-testid=ledger-row] td.title").await; // a row opens where a person clicks it, on a cell
    wait_text(&client, "[data-testid=detail-title]", |t| t.contains("会議録の文字起こし")).await;
    wait_value(&client, "[data-testid=formula-input]", |v| v == "5分×40か所×245日").await;

    // Edit the initiative: a status change with its date joins the history; an evaluation is recorded. Dates are
    // typed as the CLI reads them and shown in 和暦; one that does not exist is refused beside its field, in Japanese.
    click(&client, "[data-testid=edit-open]").await;
    let status = client.find(Locator::Css("[data-testid=edit-status]")).await.unwrap();
    status.select_by_value("停止").await.unwrap();
    type_into(&client, "[data-testid=edit-status-on]", "令和7年3月31日").await;
    type_into(&client, "[data-testid=edit-started-on]", "令和元年4月1日").await;
    press(&client, "[data-testid=edit-status-on]", &(Key::Control + "s")).await;
    let refused = text_of(&client, "[data-testid=edit-started_on-error]").await;
    assert_eq!(
        refused, "運用開始日: 「令和元年4月1日」は存在しない日付です（令和は2019年5月1日から現在まで）",
        "the refusal names the field and why, beside the field"
    );
    assert!(present(&client, "[data-testid=edit-form]").await, "the form stays open with what was typed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4f-date-refused").await;
    type_into(&client, "[data-testid=edit-started-on]", "R1.5.1").await;
    press(&client, "[data-testid=edit-started-on]", &(Key::Control + "s")).await;
    let history = wait_text(&client, "[data-testid=status-history]", |t| t.contains("停止")).await;
    let lines: Vec<&str> = history.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("令和7年3月31日") && l.contains("停止"))
            && lines.iter().any(|l| l.starts_with("令和") && l.contains("運用中")),
        "both statuses with their dates in 和暦: {history}"
    );
    assert!(!history.contains('-'), "no ISO date in the history: {history}");
    assert_eq!(text_of(&client, "[data-testid=started-on]").await, "令和元年5月1日", "R1.5.1 read, shown in words");
    let log = wait_text(&client, "[data-testid=change-log]", |t| t.contains("運用開始日")).await;
    // A new initiative starts on the first day of its year; the change shows that date and the new one in 和暦.
    let was = daicho::fiscal::wareki_date(fy.first_day());
    assert!(log.contains(&format!("運用開始日: {was} → 令和元年5月1日")), "before and after in 和暦: {log}");
    let when = log.lines().next().unwrap_or_default().to_string();
    assert!(when.starts_with("令和") && when.contains('年') && when.contains(':'), "the change's time too: {when}");
    // The edit form holds the date as it is shown, and saving it again changes nothing.
    click(&client, "[data-testid=edit-open]").await;
    assert_eq!(value_of(&client, "[data-testid=edit-started-on]").await, "令和元年5月1日");
    click_text(&client, "button", "やめる").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4g-detail-wareki").await;
    client.find(Locator::Css("[data-testid=eval-grade]")).await.unwrap().select_by_value("B").await.unwrap();
    click(&client, "[data-testid=eval-save]").await;
    wait_text(&client, "body", |t| t.contains("の評価を B にしました")).await;

    // Esc closes the edit form without saving what was typed.
    click(&client, "[data-testid=edit-open]").await;
    type_into(&client, "[data-testid=edit-owner]", "取り消す入力").await;
    press(&client, "[data-testid=edit-owner]", &Key::Escape.to_string()).await;
    wait_gone(&client, "[data-testid=edit-form]").await;
    let shown = text_of(&client, "[data-testid=detail-title] + .grid").await;
    assert!(!shown.contains("取り消す入力"), "{shown}");

    // A colleague changes the initiative while this form is open: the save is refused, the form shows what they
    // changed and takes it where this user changed nothing, and saving again applies both (no lost update).
    click(&client, "[data-testid=edit-open]").await;
    type_into(&client, "[data-testid=edit-owner]", "山田").await;
    {
        let mut colleague = daicho::db::Store::open(&db).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2025-04-01T10:00:00+09:00").unwrap();
        let changes =
            daicho::actions::InitiativeChanges { notes: Some(Some("同僚の追記".into())), ..Default::default() };
        let by = daicho::ledger::Author { user: "同僚".into(), at };
        daicho::actions::edit_initiative(&mut colleague, &by, &ledger_id, changes).unwrap();
    }
    click(&client, "[data-testid=edit-save]").await;
    let stale = wait_text(&client, "[data-testid=edit-stale]", |t| t.contains("備考")).await;
    assert!(stale.contains("同僚の追記"), "what the colleague changed is shown: {stale}");
    let refused = text_of(&client, "[data-testid=edit-form] .error").await;
    assert!(refused.contains("同僚"), "the refusal names who changed it: {refused}");
    tokio::time::sleep(Duration::from_millis(300)).await; // the web view paints after the DOM changes
    shot(&client, "4b-edit-changed-meanwhile").await;
    click(&client, "[data-testid=edit-save]").await;
    wait_text(&client, "[data-testid=change-log]", |t| t.contains("山田")).await;
    let both = store.initiative_by_ledger_id(&ledger_id).unwrap();
    assert_eq!(
        (both.owner.as_deref(), both.notes.as_deref()),
        (Some("山田"), Some("同僚の追記")),
        "the re-applied edit keeps the colleague's change"
    );

    // 元に戻す: the header's button offers this person's last change, named; undone, the ledger is as before it (the
    // colleague's note stays); undoing again brings it back.
    click(&client, "[data-testid=undo]").await;
    let offered = wait_text(&client, "[data-testid=undo-what]", |t| !t.is_empty()).await;
    assert!(offered.contains(&ledger_id) && offered.contains("の変更"), "the change is named: {offered}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4e-undo-question").await;
    click(&client, "[data-testid=undo-yes]").await;
    wait_text(&client, "[data-testid=undo-message]", |t| t.contains("元に戻しました")).await;
    let undone = store.initiative_by_ledger_id(&ledger_id).unwrap();
    assert_eq!((undone.owner.as_deref(), undone.notes.as_deref()), (None, Some("同僚の追記")), "the edit is undone");
    click(&client, "[data-testid=undo]").await;
    wait_text(&client, "[data-testid=undo-what]", |t| !t.is_empty()).await;
    click(&client, "[data-testid=undo-yes]").await;
    wait_text(&client, "[data-testid=undo-message]", |t| t.contains("元に戻しました")).await;
    let redone = store.initiative_by_ledger_id(&ledger_id).unwrap();
    assert_eq!(redone.owner.as_deref(), Some("山田"), "undoing the undo brings the edit back");

    // What the screen showed is what the ledger holds: each basis its own figures, none copied from the other, and
    // nothing of the discarded typing.
    let i = store.initiative_by_ledger_id(&ledger_id).unwrap();
    let mut saved: Vec<_> = store
        .effects_of(i.id)
        .unwrap()
        .into_iter()
        .map(|e| {
            (e.basis.label().to_string(), e.computed_minutes.unwrap().to_string(), e.stated_hours.unwrap().to_string())
        })
        .collect();
    saved.sort();
    assert_eq!(saved, [("実績".into(), "49000".into(), "817".into()), ("試算".into(), "39200".into(), "653".into())]);

    // The record of changes says what changed, not only that something did.
    let log = wait_text(&client, "[data-testid=change-log]", |t| t.contains("状況")).await;
    assert!(log.contains("状況: 運用中 → 停止"), "the change shows the field, before and after: {log}");

    // The effects and then the initiative are deleted, each after a confirmation (Esc takes one back); all are in
    // the audit log. The form showed the 実績 record: deleted, it empties.
    click(&client, "tr[data-key$='/試算'] [data-testid=effect-delete]").await;
    let ask = text_of(&client, "[data-testid=effect-delete-confirm]").await;
    assert!(ask.contains("試算の効果を削除しますか"), "{ask}");
    press(&client, "[data-testid=effect-delete-yes]", &Key::Escape.to_string()).await;
    wait_gone(&client, "[data-testid=effect-delete-confirm]").await;
    click(&client, "tr[data-key$='/試算'] [data-testid=effect-delete]").await;
    click(&client, "[data-testid=effect-delete-yes]").await;
    wait_gone(&client, "tr[data-key$='/試算']").await;
    assert_eq!(value_of(&client, "[data-testid=formula-input]").await, "5分×40か所×245日", "the 実績 form stays");
    click(&client, "tr[data-key$='/実績'] [data-testid=effect-delete]").await;
    click(&client, "[data-testid=effect-delete-yes]").await;
    wait_text(&client, "[data-testid=effects]", |t| t.contains("まだ効果が登録されていません")).await;
    wait_text(&client, "[data-testid=effect-state]", |t| t.contains("未登録")).await;
    assert_eq!(value_of(&client, "[data-testid=formula-input]").await, "", "the deleted record left the form");
    assert!(store.effects_of(i.id).unwrap().is_empty(), "the effect is gone from the ledger");
    click(&client, "[data-testid=delete-open]").await;
    let ask = text_of(&client, "[data-testid=delete-confirm]").await;
    assert!(ask.contains(&ledger_id) && ask.contains("監査ログ"), "{ask}");
    shot(&client, "4a-delete-confirm").await;
    click(&client, "[data-testid=delete-yes]").await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains("件")).await;
    assert!(store.initiative_by_ledger_id(&ledger_id).is_err(), "the initiative is deleted");
    let audit = store.audit_log(daicho::ledger::AuditQuery { entity: None, key: None, limit: 20 }).unwrap();
    assert!(
        audit.iter().any(|e| e.action == "delete" && e.entity == "initiative" && e.entity_key == ledger_id),
        "the deletion is recorded"
    );
    assert!(audit.iter().any(|e| e.action == "delete" && e.entity == "effect"), "so is the effect's");

    // 5. Import a bad return: every problem is listed and nothing is written.
    let fixture = |name: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(name);
    std::fs::copy(fixture("bad_rows.xlsx"), pick_dir.join("bad_rows.xlsx")).unwrap();
    let before = store.initiatives(&Default::default()).unwrap().len();
    click_text(&client, "button", "回答の取込").await;
    click(&client, "[data-testid=pick-files]").await;
    let errors = wait_text(&client, "[data-testid=file-report]", |t| t.contains("エラー")).await;
    assert!(errors.contains("エラー 11 件: このファイルは取り込みません"), "{errors}");
    assert!(
        errors.contains("bad_rows.xlsx › 回答 › 2行目 › C列「課」: 組織「総務部/人時課」は台帳の組織にありません"),
        "{errors}"
    );
    let commit = text_of(&client, "[data-testid=commit-import]").await;
    assert!(commit.contains("取り込める 0 ファイル"), "{commit}");
    shot(&client, "5-import-errors").await;
    let after = store.initiatives(&Default::default()).unwrap().len();
    assert_eq!(after, before, "a file with errors writes nothing");

    // 6. Import a good return: the dry run shows what will change, then it is committed.
    std::fs::remove_file(pick_dir.join("bad_rows.xlsx")).unwrap();
    std::fs::copy(fixture("formula_cached.xlsx"), pick_dir.join("formula_cached.xlsx")).unwrap();
    click(&client, "[data-testid=pick-files]").await;
    let planned = wait_text(&client, "[data-testid=file-report]", |t| t.contains("formula_cached.xlsx")).await;
    assert!(planned.contains("新規 2、更新 0、変更なし 0、警告 0"), "{planned}");
    click(&client, "[data-testid=commit-import]").await;
    let done = wait_text(&client, "[data-testid=file-report]", |t| t.contains("取り込みました")).await;
    assert!(done.contains("取り込みました: 新規 2"), "{done}");
    let history = wait_text(&client, "[data-testid=import-history]", |t| t.contains("formula_cached.xlsx")).await;
    assert!(history.contains("formula_cached.xlsx"), "{history}");
    shot(&client, "6-import-done").await;
    let imported = store.initiatives(&Default::default()).unwrap().len();
    assert_eq!(imported, before + 2, "the two new initiatives of the return are in the ledger");

    // 6a. A department's own table (a published table's shape, written by openpyxl): a title, a two-row header, a
    // cell with two measures, a 合計 and a note; no 算定区分 anywhere, so the app asks before it imports anything.
    std::fs::remove_file(pick_dir.join("formula_cached.xlsx")).unwrap();
    std::fs::copy(fixture("freeform/koriyama_style.xlsx"), pick_dir.join("koriyama_style.xlsx")).unwrap();
    click(&client, "[data-testid=pick-files]").await;
    let asked = wait_text(&client, "[data-testid=file-report]", |t| t.contains("koriyama_style.xlsx")).await;
    assert!(asked.contains("算定区分を選んでください"), "the basis is asked, never guessed: {asked}");
    let commit = text_of(&client, "[data-testid=commit-import]").await;
    assert!(commit.contains("取り込める 0 ファイル"), "nothing can be imported before the answer: {commit}");
    shot(&client, "5a-import-ask-basis").await;
    let select = client.find(Locator::Css("[data-testid=choose-basis]")).await.unwrap();
    select.select_by_value("実績").await.unwrap();
    let planned = wait_text(&client, "[data-testid=file-report]", |t| t.contains("新規 7")).await;
    assert!(planned.contains("算定区分: 実績（取込時に指定された算定区分、7 行）"), "{planned}");
    client.execute("document.querySelector('[data-testid=file-layout]').open = true", vec![]).await.unwrap();
    let layout = wait_text(&client, "[data-testid=file-layout]", |t| t.contains("合計")).await;
    assert!(
        layout.contains("削減効果／削減時間(h)")
            && layout.contains("11行目 合計「合計」: 記載 4,442時間 ＝ 対象行の合計 4,442時間"),
        "every column and the checked 合計 are listed: {layout}"
    );
    shot(&client, "5b-import-freeform").await;
    let year_total = || -> rust_decimal::Decimal {
        store
            .effects_in_year(Some(daicho::fiscal::FiscalYear(2023)))
            .unwrap()
            .iter()
            .map(|e| e.effect.adopted_minutes(daicho::ledger::Adopt::Stated))
            .sum()
    };
    let before_freeform = year_total();
    click(&client, "[data-testid=commit-import]").await;
    wait_text(&client, "[data-testid=file-report]", |t| t.contains("取り込みました")).await;
    let added = year_total() - before_freeform;
    assert_eq!(added, rust_decimal::Decimal::from(4442 * 60), "exactly the file's lines: 4,442 h, its 合計 not added");

    // 6b. A return whose text is markup and script: imported as text, shown as text, never run. The import preview,
    // the ledger list and the detail view all show the 業務名; none may create an element from it.
    std::fs::remove_file(pick_dir.join("koriyama_style.xlsx")).unwrap();
    std::fs::copy(fixture("hostile/xss.xlsx"), pick_dir.join("xss.xlsx")).unwrap();
    let breached =
        "return [window.__xss, document.querySelectorAll('img[src=x], svg[onload], iframe, script:not([src])').length]";
    click(&client, "[data-testid=pick-files]").await;
    let planned = wait_text(&client, "[data-testid=file-report]", |t| t.contains("xss.xlsx")).await;
    assert!(
        planned.contains("<script>window.__xss='script'</script>"),
        "the preview shows the markup as text: {planned}"
    );
    click(&client, "[data-testid=commit-import]").await;
    wait_text(&client, "[data-testid=file-report]", |t| t.contains("取り込みました")).await;
    click_text(&client, "button", "台帳").await;
    type_into(&client, "[data-testid=filter-text]", "window.__xss").await;
    let rows = wait_text(&client, "[data-testid=ledger-body]", |t| t.contains("onerror")).await;
    assert!(rows.contains("<img src=x onerror=\"window.__xss='img'\">"), "the ledger shows the title as typed: {rows}");
    click(&client, "[data-testid=ledger-row] td.title").await; // a row opens where a person clicks it, on a cell
    wait_text(&client, "[data-testid=detail-title]", |t| t.contains("window.__xss")).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // time for an error or load event to have fired
    let state = client.execute(breached, vec![]).await.unwrap();
    assert_eq!(state, serde_json::json!([null, 0]), "no element was made from imported text and nothing ran");
    // The CSP is the second wall: even markup put into the page directly cannot run an inline handler.
    let inject = "document.body.insertAdjacentHTML('beforeend', '<img id=csp-probe src=x onerror=\"window.__csp=1\">')";
    client.execute(inject, vec![]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let csp = client.execute("return [window.__csp, !!document.getElementById('csp-probe')]", vec![]).await.unwrap();
    assert_eq!(
        csp,
        serde_json::json!([null, true]),
        "the probe is in the page, and the CSP kept its handler from running"
    );
    client.execute("document.getElementById('csp-probe').remove()", vec![]).await.unwrap();

    // 7. Export all reports: the saved workbook reads back with its seven sheets.
    click_text(&client, "button", "出力").await;
    click(&client, "[data-testid=export-report-save]").await;
    let saved = wait_text(&client, "[data-testid=export-message]", |t| t.contains("保存しました")).await;
    shot(&client, "7-export").await;
    let path = save_dir.join(format!("{}_効果集計.xlsx", fy.wareki()));
    assert!(saved.contains(&path.display().to_string()), "{saved}");
    let sheets = daicho::import::read_workbook(&std::fs::read(&path).unwrap()).unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["部局別", "年度推移", "業務別", "検算", "累計", "費用対効果", "AI-OCR"]);
    // One 部局's report, chosen by its former name: the 部局 as it is today, with its past under the old name.
    let kind = client.find(Locator::Css("[data-testid=export-report]")).await.unwrap();
    kind.select_by_value("summary").await.unwrap();
    type_into(&client, "[data-testid=export-report-bureau]", "子ども部").await;
    click(&client, "[data-testid=export-report-save]").await;
    wait_text(&client, "[data-testid=export-message]", |t| t.contains("子ども部_部局別")).await;
    let one = daicho::import::read_workbook(
        &std::fs::read(save_dir.join(format!("{}_子ども部_部局別.xlsx", fy.wareki()))).unwrap(),
    )
    .unwrap();
    let text: String = one[0].rows.iter().flatten().map(|c| c.display()).collect::<Vec<_>>().join(" ");
    assert!(text.contains("こども部（旧名称・統合前の組織を含む）"), "the report says whose it is: {text}");
    type_into(&client, "[data-testid=export-report-bureau]", "").await;

    // 7a. The spring survey of the year for one 部局: a workbook per section, named and prefilled; a return received
    // by hand, one sent back with what to fix; the reminder list saved.
    click(&client, "[data-testid=nav-survey]").await;
    type_into(&client, "[data-testid=survey-deadline]", "令和6年5月31日").await;
    type_into(&client, "[data-testid=survey-scope]", "こども部").await;
    click(&client, "[data-testid=survey-create]").await;
    let started = wait_text(&client, "[data-testid=survey-message]", |t| t.contains("課分")).await;
    let folder = save_dir.join(format!("調査票_{}", fy.short()));
    let mut written: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    let want: Vec<String> = ["こども家庭課", "保育課", "子育て支援課", "幼児教育課"]
        .iter()
        .map(|s| format!("調査票_{}_こども部_{s}.xlsx", fy.short()))
        .collect();
    assert_eq!(written, want, "one workbook per section, named after the year and the section: {started}");
    let sections = wait_text(&client, "[data-testid=survey-sections]", |t| t.contains("未提出")).await;
    assert_eq!(sections.matches("未提出").count(), 4, "{sections}");
    let state_of = |section: &str| format!("tr[data-section='{section}'] [data-testid=survey-state]");
    click(&client, "tr[data-section='保育課'] [data-testid='move-受付']").await;
    wait_text(&client, &state_of("保育課"), |t| t == "受付").await;
    click(&client, "tr[data-section='保育課'] [data-testid='move-差戻し']").await;
    type_into(&client, "[data-testid=sendback-reasons]", "2行目の件数を年間の件数にしてください").await;
    click(&client, "[data-testid=sendback-save]").await;
    wait_text(&client, &state_of("保育課"), |t| t == "差戻し").await;
    shot(&client, "10-survey").await;
    click(&client, "[data-testid=survey-missing]").await;
    wait_text(&client, "[data-testid=survey-message]", |t| t.contains("保存しました")).await;
    let missing = daicho::import::read_workbook(
        &std::fs::read(save_dir.join(format!("{}_未提出の課.xlsx", fy.wareki()))).unwrap(),
    )
    .unwrap();
    let listed: String = missing[0].rows.iter().flatten().map(|c| c.display()).collect::<Vec<_>>().join(" ");
    assert!(
        listed.contains("保育課") && listed.contains("2行目の件数を年間の件数にしてください"),
        "the reminder list names the section sent back and why: {listed}"
    );
    let states: Vec<_> = store.section_returns(fy).unwrap().into_iter().map(|r| r.state.label()).collect();
    assert_eq!(states.iter().filter(|s| **s == "差戻し").count(), 1, "{states:?}");
    assert_eq!(states.iter().filter(|s| **s == "未提出").count(), 3, "{states:?}");

    // 7b. Reviewing a batch of returns safely. 議会事務局 joins the survey; three files arrive at once (the sample
    // city's own survey files edited as departments edit them, tests/fixtures/review): 議事課 wrote 人事課's 管理番号
    // over its line, 情報政策課 wrote its initiative again as a new line, and 議事課's other file has four mistakes.
    click(&client, "[data-testid=nav-survey]").await;
    click_text(&client, "summary", "ほかの部局の調査票を作る・締切を変える").await;
    type_into(&client, "[data-testid=survey-scope]", "議会事務局").await;
    click(&client, "[data-testid=survey-create]").await;
    wait_text(&client, "[data-testid=survey-message]", |t| t.contains("課分")).await;
    for f in std::fs::read_dir(&pick_dir).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    for name in ["議事課_他課の管理番号.xlsx", "情報政策課_同名の新規行.ods", "議事課_誤りあり.xlsx"]
    {
        std::fs::copy(fixture(&format!("review/{name}")), pick_dir.join(name)).unwrap();
    }
    let moved_before = store.initiative_by_ledger_id("R1-0018").unwrap();
    let count_before = store.initiatives(&Default::default()).unwrap().len();
    click_text(&client, "button", "回答の取込").await;
    click(&client, "[data-testid=pick-files]").await;
    // The page's text: the three files' reports, each with its own cautions or errors.
    let cautions = wait_text(&client, "body", |t| t.contains("所属の移動") && t.contains("エラー 4 件")).await;
    assert!(
        cautions
            .contains("管理番号 R1-0018「会計伝票の起票」の所属が 総務部／人事課 → 議会事務局／議事課 に変わります"),
        "the move is named with both sections: {cautions}"
    );
    let commit = text_of(&client, "[data-testid=commit-import]").await;
    assert!(commit.contains("取り込める 0 ファイル"), "nothing dangerous is imported unconfirmed: {commit}");
    shot(&client, "5c-import-cautions").await;
    // The same name is confirmed as a second initiative; the move is refused by leaving its file out.
    let file_of = |name: &str| format!("//section[@data-testid='file-report'][.//h2[contains(., '{name}')]]");
    let same = client.find(Locator::XPath(&file_of("情報政策課_同名の新規行.ods"))).await.unwrap();
    same.find(Locator::Css("[data-testid=confirm-cautions]")).await.unwrap().click().await.unwrap();
    wait_text(&client, "[data-testid=commit-import]", |t| t.contains("取り込める 1 ファイル")).await;
    let moved = client.find(Locator::XPath(&file_of("議事課_他課の管理番号.xlsx"))).await.unwrap();
    moved.find(Locator::Css("[data-testid=exclude-file]")).await.unwrap().click().await.unwrap();
    wait_text(&client, "body", |t| t.contains("取り込みません（除外）")).await;
    wait_enabled(&client, "[data-testid=commit-import]").await;
    click(&client, "[data-testid=commit-import]").await;
    let state = wait_text(&client, "[data-testid=batch-state]", |t| t.contains("1 ファイルを取り込みました")).await;
    assert!(state.contains("残りの 2 ファイルは下に残しています"), "the rest of the batch stays on screen: {state}");
    let files = client.find_all(Locator::Css("[data-testid=file-report]")).await.unwrap();
    assert_eq!(files.len(), 3, "every file of the batch is still listed after the import");
    let wrong = client.find(Locator::XPath(&file_of("議事課_誤りあり.xlsx"))).await.unwrap();
    assert!(wrong.text().await.unwrap().contains("エラー 4 件"), "the refused file keeps its errors on screen");
    assert_eq!(store.initiative_by_ledger_id("R1-0018").unwrap(), moved_before, "the refused move wrote nothing");
    assert_eq!(store.initiatives(&Default::default()).unwrap().len(), count_before + 1, "the confirmed new line");
    // The refused return goes back to 議事課 with its list of what to fix; the section becomes 差戻し.
    wrong.find(Locator::Css("[data-testid=send-back]")).await.unwrap().click().await.unwrap();
    let sent = wait_text(&client, "[data-testid=sent-back]", |t| t.contains("保存しました")).await;
    assert!(sent.contains("議会事務局／議事課 を「差戻し」にしました"), "{sent}");
    client
        .execute("document.querySelector('[data-testid=sent-back]').scrollIntoView({ block: 'center' })", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await; // the web view paints after it scrolls
    shot(&client, "5d-import-sent-back").await;
    let list = daicho::import::read_workbook(
        &std::fs::read(save_dir.join(format!("差戻し_{}_議会事務局_議事課.xlsx", fy.short()))).unwrap(),
    )
    .unwrap();
    let rows: Vec<String> =
        list[0].rows.iter().map(|r| r.iter().map(|c| c.display()).collect::<Vec<_>>().join("|")).collect();
    assert!(rows[0].contains("議会事務局／議事課 御中"), "addressed to the section: {rows:?}");
    assert_eq!(rows.iter().filter(|r| r.starts_with("要修正|")).count(), 4, "one line per error: {rows:?}");
    let chart = store.org_chart().unwrap();
    let gijika = chart.resolve("議会事務局/議事課", Some(fy)).unwrap();
    let state_of_gijika = || store.section_returns(fy).unwrap().into_iter().find(|r| r.section_id == gijika).unwrap();
    assert_eq!(state_of_gijika().state.label(), "差戻し");
    // The corrected return comes back and is received; the batch is dismissed first.
    click(&client, "[data-testid=dismiss-batch]").await;
    for f in std::fs::read_dir(&pick_dir).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    std::fs::copy(fixture("review/議事課_第1回.xlsx"), pick_dir.join("議事課_第1回.xlsx")).unwrap();
    click(&client, "[data-testid=pick-files]").await;
    wait_text(&client, "[data-testid=commit-import]", |t| t.contains("取り込める 1 ファイル")).await;
    wait_enabled(&client, "[data-testid=commit-import]").await;
    click(&client, "[data-testid=commit-import]").await;
    wait_text(&client, "[data-testid=batch-state]", |t| t.contains("1 ファイルを取り込みました")).await;
    assert_eq!(state_of_gijika().state.label(), "受付", "the corrected return is received");

    // 7c. An AI-OCR initiative's measures of the year: shown with the 正読率, corrected by hand, saved.
    let ocr_one = store
        .initiatives(&Default::default())
        .unwrap()
        .into_iter()
        .find(|i| i.kind.reads_forms() && store.ocr_measures_of(i.id).unwrap().iter().any(|m| m.fiscal_year == fy))
        .expect("the sample city has AI-OCR measures this year");
    click_text(&client, "button", "台帳").await;
    type_into(&client, "[data-testid=filter-text]", &ocr_one.ledger_id).await;
    wait_text(&client, "[data-testid=ledger-body]", |t| t.contains(&ocr_one.ledger_id)).await;
    click(&client, "[data-testid=ledger-row] td.title").await; // a row opens where a person clicks it, on a cell
    let shown = wait_text(&client, "[data-testid=ocr-measures]", |t| t.contains(&fy.wareki())).await;
    assert!(shown.contains('%'), "the year's 正読率 is shown: {shown}");
    type_into(&client, "[data-testid=ocr-sheets]", "1,200").await;
    type_into(&client, "[data-testid=ocr-read]", "240,000").await;
    type_into(&client, "[data-testid=ocr-corrected]", "1,800").await;
    click(&client, "[data-testid=ocr-save]").await;
    let saved = wait_text(&client, "[data-testid=ocr-message]", |t| t.contains("保存しました")).await;
    assert!(saved.contains("正読率 99.25%"), "(240,000 − 1,800) ÷ 240,000: {saved}");
    client
        .execute("document.querySelector('[data-testid=ocr-section]').scrollIntoView({ block: 'center' })", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4b-ai-ocr").await;
    let m = store.ocr_measures_of(ocr_one.id).unwrap().into_iter().find(|m| m.fiscal_year == fy).unwrap();
    assert_eq!((m.sheets, m.chars_read, m.chars_corrected), (Some(1200), Some(240_000), Some(1800)));

    // 8. The organisation tree shows the year's names with their history; a setting changes the rounding rule.
    click_text(&client, "button", "組織").await;
    let tree = wait_text(&client, "[data-testid=org-tree]", |t| t.contains("こども部")).await;
    assert!(tree.contains("子ども部（〜令和4年度） → こども部（令和5年度〜）"), "{tree}");
    shot(&client, "8-org").await;
    click_text(&client, "button", "設定").await;
    let rule = wait_text(&client, "[data-testid=rounding-rule]", |t| t.contains("端数処理")).await;
    assert!(rule.contains("行ごとに0.1時間単位で四捨五入"), "{rule}");
    let mode = client.find(Locator::Css("[data-testid='setting-rounding.mode']")).await.unwrap();
    mode.select_by_value("切り上げ").await.unwrap();
    wait_text(&client, "[data-testid=rounding-rule]", |t| t.contains("切り上げ")).await;
    assert_eq!(store.settings().unwrap().rounding.mode.label(), "切り上げ");
    // The year's targets and a tool's cost are set here, without the CLI.
    let targets = wait_text(&client, "[data-testid=targets]", |t| t.contains("団体全体")).await;
    assert!(targets.contains("5,600.0"), "the sample city's target of the year: {targets}");
    type_into(&client, "[data-testid=target-hours]", "6,000").await;
    click(&client, "[data-testid=target-save]").await;
    wait_text(&client, "[data-testid=targets]", |t| t.contains("6,000.0")).await;
    let scope = client.find(Locator::Css("[data-testid=target-scope]")).await.unwrap();
    scope.select_by_value("総務部").await.unwrap();
    type_into(&client, "[data-testid=target-hours]", "750").await;
    click(&client, "[data-testid=target-save]").await;
    wait_text(&client, "[data-testid=plan-message]", |t| t.contains("総務部の目標値")).await;
    // A colleague sets 総務部's target on their PC while the screen shows 750: saving 800 over it is refused, naming
    // them, the table shows their figure and the form keeps the typing; saving again puts 800 over it.
    daicho::actions::set_target(
        &mut daicho::db::Store::open(&db).unwrap(),
        &colleague(),
        fy,
        Some("総務部"),
        900.into(),
        None,
    )
    .unwrap();
    type_into(&client, "[data-testid=target-hours]", "800").await;
    click(&client, "[data-testid=target-save]").await;
    let refused = wait_text(&client, "[data-testid=plan-error]", |t| t.contains("同僚")).await;
    assert!(
        refused.contains("総務部") && refused.contains("変更されました"),
        "the refusal says what and who: {refused}"
    );
    wait_text(&client, "[data-testid=targets]", |t| t.contains("900.0")).await;
    assert_eq!(value_of(&client, "[data-testid=target-hours]").await, "800", "the form keeps its figure");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "9b-target-changed-meanwhile").await;
    click(&client, "[data-testid=target-save]").await;
    wait_text(&client, "[data-testid=plan-message]", |t| t.contains("総務部の目標値")).await;
    wait_text(&client, "[data-testid=targets]", |t| t.contains("800.0") && !t.contains("900.0")).await;
    assert!(!present(&client, "[data-testid=plan-error]").await, "the refusal goes once the save is made");
    type_into(&client, "[data-testid=cost-tool]", "AI-OCR新製品").await;
    type_into(&client, "[data-testid=cost-licence]", "1,320,000").await;
    click(&client, "[data-testid=cost-save]").await;
    wait_text(&client, "[data-testid=plan-message]", |t| t.contains("AI-OCR新製品 の費用")).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // the web view paints after the DOM changes
    shot(&client, "9a-targets-costs").await;
    let targets = store.targets(Some(fy)).unwrap();
    let whole = targets.iter().find(|t| t.bureau_id.is_none()).unwrap();
    assert_eq!(whole.hours.to_string(), "6000", "the whole organisation's target as typed");
    let chart = store.org_chart().unwrap();
    let bureau = chart.resolve("総務部", Some(fy)).unwrap();
    assert_eq!(targets.iter().find(|t| t.bureau_id == Some(bureau)).unwrap().hours.to_string(), "800");
    let cost = store.costs(Some(fy)).unwrap().into_iter().find(|c| c.tool == "AI-OCR新製品").unwrap();
    assert_eq!(cost.licence_yen.to_string(), "1320000");
    // A cost entered by mistake is removed again, after a confirmation, and the removal is in the audit log.
    let row = "//tbody[@data-testid='costs']/tr[td[1][normalize-space(.)='AI-OCR新製品']]";
    let cost_row = client.find(Locator::XPath(row)).await.unwrap();
    cost_row.find(Locator::Css("[data-testid=cost-delete]")).await.unwrap().click().await.unwrap();
    click(&client, "[data-testid=cost-delete-yes]").await;
    wait_text(&client, "[data-testid=plan-message]", |t| t.contains("AI-OCR新製品 の費用を削除しました")).await;
    assert!(store.costs(Some(fy)).unwrap().iter().all(|c| c.tool != "AI-OCR新製品"), "the cost is gone");
    let removed = store.audit_log(daicho::ledger::AuditQuery { entity: Some("cost"), key: None, limit: 5 }).unwrap();
    assert!(removed.iter().any(|e| e.action == "delete"), "and its removal is audited");
    // Dates are 和暦 unless a person chooses otherwise, here, for this PC's user (not in the ledger the team shares):
    // with 2024-04-01 chosen, the survey's deadline and an initiative's history are ISO, and the choice is kept.
    assert_eq!(value_of(&client, "[data-testid=date-style]").await, "wareki", "和暦 by default");
    let style = client.find(Locator::Css("[data-testid=date-style]")).await.unwrap();
    style.select_by_value("iso").await.unwrap();
    wait_text(&client, "[data-testid=settings-message]", |t| t.contains("「2024-04-01」の形")).await;
    let remembered = dir.path().join("data/daicho/date_style.txt");
    assert_eq!(std::fs::read_to_string(&remembered).unwrap(), "iso", "remembered for the next start");
    client
        .execute("document.querySelector('[data-testid=display]').scrollIntoView({ block: 'center' })", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "9c-date-style").await;
    click(&client, "[data-testid=nav-survey]").await;
    let deadline = wait_text(&client, "[data-testid=survey-deadline-shown]", |t| !t.is_empty()).await;
    assert_eq!(deadline, "2024-05-31", "typed as 令和6年5月31日, shown as chosen");
    click_text(&client, "button", "台帳").await;
    type_into(&client, "[data-testid=filter-text]", &ocr_one.ledger_id).await;
    wait_text(&client, "[data-testid=ledger-body]", |t| t.contains(&ocr_one.ledger_id)).await;
    click(&client, "[data-testid=ledger-row] td.title").await;
    wait_text(&client, "[data-testid=status-history]", |t| !t.is_empty()).await;
    // The first cell of every row: the date of a status, the time of a change.
    let firsts = |table: &str| {
        let script = format!(
            "return [...document.querySelectorAll('[data-testid={table}] tr td:first-child')].map((td) => td.innerText)"
        );
        let client = client.clone();
        async move {
            let v = client.execute(&script, vec![]).await.unwrap();
            v.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    let iso = |l: &String| l.len() >= 10 && l.as_bytes()[4] == b'-' && l.as_bytes()[7] == b'-';
    let dates = firsts("status-history").await;
    assert!(!dates.is_empty() && dates.iter().all(iso), "the status history in ISO: {dates:?}");
    let times = firsts("change-log").await;
    assert!(!times.is_empty() && times.iter().all(|t| iso(t) && t.len() == 16), "the change log's times: {times:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4h-detail-iso").await;
    click_text(&client, "button", "設定").await;
    let style = "[data-testid=date-style]";
    let style = client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(style)).await.unwrap();
    style.select_by_value("wareki").await.unwrap();
    wait_text(&client, "[data-testid=settings-message]", |t| t.contains("「令和6年4月1日」の形")).await;
    click(&client, "[data-testid=backup]").await;
    let backed = wait_text(&client, "[data-testid=settings-message]", |t| t.contains("バックアップ")).await;
    shot(&client, "9-settings").await;
    let backup = std::fs::read_dir(&save_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("daicho_backup_"));
    let backup = backup.expect("the backup file was written").path();
    assert!(backed.contains(&backup.display().to_string()), "{backed}");
    let copy = daicho::db::Store::open(&backup).unwrap();
    assert!(copy.integrity_problems().unwrap().is_empty(), "the backup is a sound ledger");

    // 9. The sample city is taken out again: the ledger is empty, the sample kept as a copy beside it.
    click(&client, "[data-testid=remove-sample]").await;
    let ask = text_of(&client, "[data-testid=remove-sample-confirm]").await;
    assert!(ask.contains("空の台帳に戻します"), "{ask}");
    click(&client, "[data-testid=remove-sample-yes]").await;
    let removed =
        wait_text(&client, "[data-testid=settings-message]", |t| t.contains("サンプルデータを消しました")).await;
    let kept = db.with_extension("sqlite3.before-restore");
    assert!(removed.contains(&kept.display().to_string()), "{removed}");
    // Opened afresh: the file at the ledger's path was replaced (the handle above still reads the sample's).
    assert_eq!(daicho::db::Store::open(&db).unwrap().initiative_count().unwrap(), 0, "the ledger is empty");
    assert!(daicho::db::Store::open(&kept).unwrap().initiative_count().unwrap() > 0, "the sample is kept");
    click_text(&client, "button", "集計").await;
    wait_text(&client, "[data-testid=empty-state]", |t| t.contains("台帳はまだ空です")).await;

    client.close().await.unwrap();
    drop(driver);
}

/// The header cells among `css` that do not show their whole text (`scrollWidth > clientWidth`, on the cell or on
/// the sort button inside it), each with its text and both widths; and the width of every cell, for the report.
async fn cut_headers(client: &Client, css: &str) -> (Vec<String>, Vec<(String, i64)>) {
    let script = "const cut = [], widths = [];
        for (const th of document.querySelectorAll(arguments[0])) {
          widths.push([th.innerText.trim(), th.clientWidth]);
          for (const e of [th, ...th.querySelectorAll('button, span')])
            if (e.scrollWidth > e.clientWidth) cut.push(`${th.innerText.trim()}: ${e.scrollWidth} > ${e.clientWidth}`);
        }
        return [cut, widths];";
    let v = client.execute(script, vec![css.into()]).await.unwrap();
    let cut = v[0].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    let widths =
        v[1].as_array().unwrap().iter().map(|w| (w[0].as_str().unwrap().to_string(), w[1].as_i64().unwrap())).collect();
    (cut, widths)
}

/// How the ledger list sits in the window: the rows wholly visible between its sticky header and its totals row,
/// whether the totals row is wholly inside the window, and the search box's width.
async fn ledger_fit(client: &Client) -> (usize, bool, f64) {
    let script = "const box = document.querySelector('[data-testid=ledger-table]').getBoundingClientRect();
        // The cells are what sticks (a sticky cell moves, its row does not).
        const head = document.querySelector('[data-testid=ledger-table] th').getBoundingClientRect();
        const foot = document.querySelector('[data-testid=ledger-totals] td').getBoundingClientRect();
        const top = Math.max(box.top, head.bottom), bottom = Math.min(box.bottom, foot.top, window.innerHeight);
        const rows = [...document.querySelectorAll('[data-testid=ledger-row]')].filter((r) => {
          const b = r.getBoundingClientRect(); return b.top >= top - 0.5 && b.bottom <= bottom + 0.5; });
        const search = document.querySelector('[data-testid=filter-text]').getBoundingClientRect();
        return [rows.length, foot.top >= box.top && foot.bottom <= window.innerHeight, search.width];";
    let v = client.execute(script, vec![]).await.unwrap();
    (v[0].as_u64().unwrap() as usize, v[1].as_bool().unwrap(), v[2].as_f64().unwrap())
}

/// The 部局 of the rows the list has drawn, in order, each once.
async fn drawn_bureaus(client: &Client) -> Vec<String> {
    let script = "return [...document.querySelectorAll('[data-testid=ledger-row] td.bureau')].map((c) => c.innerText)";
    let v = client.execute(script, vec![]).await.unwrap();
    let mut names: Vec<String> = v.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    names.dedup();
    names
}

/// The screens a team spends its day on fit the window of a 1366×768 PC: the ledger list shows at least 18 rows
/// of the sample city with every header and every short value whole (a long one cut with its full text in the
/// tooltip), a search box one can type in, and its totals row in sight, also while a new initiative is typed; the
/// dashboard's tables cut no header; 部局 sort in the organisation's order.
#[tokio::test(flavor = "multi_thread")]
async fn the_ledger_fits_the_window_of_a_1366_by_768_screen() {
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run (scripts/test.sh does)");
    let _one_at_a_time = APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("daicho.sqlite3");
    let (driver, client) = launch_in(dir.path(), &db).await;
    sample_city(&client).await;
    wait_text(&client, "[data-testid=top-initiatives]", |t| !t.is_empty()).await;
    let (cut, widths) = cut_headers(&client, "th").await;
    assert!(cut.is_empty(), "the dashboard's tables cut no header: {cut:?}");
    eprintln!("dashboard header widths: {widths:?}");

    let store = daicho::db::Store::open(&db).unwrap();
    let fy = daicho::fiscal::FiscalYear(*daicho::views::years(&store).unwrap().last().unwrap());
    let mut rows = daicho::views::ledger_rows(&store, fy).unwrap();
    click_text(&client, "button", "台帳").await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains(&format!("{} 件", rows.len()))).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // the web view paints after the DOM changes
    shot(&client, "2-ledger").await; // before the checks, so a failure shows what was measured
    let (visible, totals_in_sight, search) = ledger_fit(&client).await;
    eprintln!("ledger: {visible} rows visible, totals in sight {totals_in_sight}, search box {search} px");
    assert!(visible >= 18, "at least 18 rows of the ledger are visible at 1366×697, not {visible}");
    assert!(totals_in_sight, "the totals row is in the window");
    assert!(search >= 300.0, "the search box has room to type: {search} px");
    let (cut, widths) = cut_headers(&client, "[data-testid=ledger-table] th").await;
    assert!(cut.is_empty(), "no header of the ledger is cut: {cut:?}");
    eprintln!("ledger header widths: {widths:?}");
    // Every value but the 業務名 is whole; a 業務名 that is cut carries its whole text as its tooltip.
    let cells = "return [...document.querySelectorAll('[data-testid=ledger-row] td:not(.pick)')]
        .filter((c) => c.scrollWidth > c.clientWidth)
        .map((c) => [c.className.split(' ')[0], c.innerText, c.title])";
    let cut_cells = client.execute(cells, vec![]).await.unwrap();
    for c in cut_cells.as_array().unwrap() {
        let (column, text, tooltip) = (c[0].as_str().unwrap(), c[1].as_str().unwrap(), c[2].as_str().unwrap());
        assert_eq!(column, "title", "only a long 業務名 may be cut, not {text:?} in {column}");
        assert!(
            rows.iter().any(|r| r.title == tooltip),
            "a cut 業務名 shows its whole text as its tooltip: {tooltip:?}"
        );
    }

    // 部局 sort in the organisation's order (codes 01, 02, …), both ways; not by the characters of their names.
    rows.sort_by_key(|r| (r.bureau_order, r.ledger_id.clone()));
    let mut by_code: Vec<String> = rows.iter().map(|r| r.bureau.clone()).collect();
    by_code.dedup();
    click(&client, "[data-testid=sort-bureau]").await;
    wait_text(&client, "[data-testid=ledger-row] td.bureau", |t| t == by_code[0]).await;
    let drawn = drawn_bureaus(&client).await;
    assert!(drawn.len() >= 2, "the rows drawn span several 部局: {drawn:?}");
    assert_eq!(drawn, by_code[..drawn.len()], "ascending: the 部局 in the order of their codes");
    let (cut, _) = cut_headers(&client, "[data-testid=ledger-table] th").await;
    assert!(cut.is_empty(), "the sort mark cuts no header: {cut:?}");
    click(&client, "[data-testid=sort-bureau]").await;
    let last = by_code.last().unwrap();
    wait_text(&client, "[data-testid=ledger-row] td.bureau", |t| t == last).await;
    let drawn = drawn_bureaus(&client).await;
    let descending: Vec<String> = by_code.iter().rev().take(drawn.len()).cloned().collect();
    assert_eq!(drawn, descending, "descending: the last code first");

    // With the add form open the list is shorter, and its totals row is still in sight.
    click(&client, "[data-testid=add-open]").await;
    wait_text(&client, "[data-testid=add-form]", |t| t.contains("業務名")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "2b-ledger-adding").await;
    let (visible, totals_in_sight, _) = ledger_fit(&client).await;
    eprintln!("ledger with the add form: {visible} rows visible, totals in sight {totals_in_sight}");
    assert!(totals_in_sight, "the totals row stays in sight while the add form is open");
    assert!(visible >= 10, "the list keeps rows to look at beside the form: {visible}");
    click_text(&client, "button", "やめる").await;
    wait_gone(&client, "[data-testid=add-form]").await;

    // A year switch on the list (only the year's hours travel when nothing changed): the year before's total,
    // exactly as the library adds the rows shown (one decimal each). Then a colleague adds an initiative on their
    // PC, and the switch back reads every row again: the new row is counted, the figures are the year's.
    let shown_total = |rows: &[daicho::views::LedgerRow]| {
        let tenths: rust_decimal::Decimal =
            rows.iter().filter_map(|r| r.hours).map(|h| daicho::number::round_half_up(h, 1)).sum();
        format!("{} 件", rows.len()) + "|" + &daicho::number::group_fixed(tenths, 1)
    };
    let totals_match = |want: String| {
        move |t: &str| {
            let (count, hours) = want.split_once('|').unwrap();
            t.contains(count) && t.contains(hours)
        }
    };
    let before = daicho::fiscal::FiscalYear(fy.0 - 1);
    let year = client.find(Locator::Css("[data-testid=fiscal-year]")).await.unwrap();
    year.select_by_value(&before.0.to_string()).await.unwrap();
    let then = daicho::views::ledger_rows(&store, before).unwrap();
    wait_text(&client, "[data-testid=ledger-totals]", totals_match(shown_total(&then))).await;
    // And each figure on its own row: one whose hours differ between the two years, found by its 管理番号.
    let moved = then
        .iter()
        .find(|r| r.hours.is_some() && rows.iter().any(|n| n.ledger_id == r.ledger_id && n.hours != r.hours))
        .expect("an initiative whose hours differ between the years");
    type_into(&client, "[data-testid=filter-text]", &moved.ledger_id).await;
    let cell = daicho::number::group_fixed(daicho::number::round_half_up(moved.hours.unwrap(), 1), 1);
    wait_text(&client, "[data-testid=ledger-row] td.hours", |t| t == cell).await;
    press(&client, "[data-testid=filter-text]", &(Key::Control + "a")).await;
    press(&client, "[data-testid=filter-text]", &Key::Backspace.to_string()).await;
    wait_text(&client, "[data-testid=ledger-totals]", totals_match(shown_total(&then))).await;
    colleague_adds(db.to_str().unwrap(), &rows[0].bureau, "年度を切り替える間に同僚が登録した取組", fy);
    year.select_by_value(&fy.0.to_string()).await.unwrap();
    let now = daicho::views::ledger_rows(&store, fy).unwrap();
    assert_eq!(now.len(), rows.len() + 1, "the colleague's initiative is in the ledger");
    wait_text(&client, "[data-testid=ledger-totals]", totals_match(shown_total(&now))).await;

    client.close().await.unwrap();
    drop(driver);
}

/// The width of the ledger list's header cell of a column, and whether it is shown at all.
async fn header_width(client: &Client, key: &str) -> Option<f64> {
    let script = "const th = document.querySelector(`[data-testid=ledger-table] th.${arguments[0]}`);
        return th ? th.getBoundingClientRect().width : null;";
    client.execute(script, vec![key.into()]).await.unwrap().as_f64()
}

/// Runs scripts/x11-close.py with `args` and the app's window title: whether a window of the app was there.
fn x11_close(args: &[&str]) -> bool {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/x11-close.py");
    let out = std::process::Command::new("python3").arg(script).args(args).arg("台帳 Daicho").output().unwrap();
    out.status.success()
}

/// Asks the app's window to close as a window manager does for its × (WM_DELETE_WINDOW); false when no window of
/// the app is on the screen any more.
fn close_window_as_a_person() -> bool {
    x11_close(&[])
}

/// Waits until the app's window has closed, without asking again: within 2.5 s, before a silent page's 3 s are up,
/// so the close is the page's answer and not the shell giving up on it.
async fn wait_closed() {
    let deadline = Instant::now() + Duration::from_millis(2500);
    while x11_close(&["--exists"]) {
        assert!(Instant::now() < deadline, "the window did not close on the page's answer");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Closing the window with a formula typed and not saved asks first, as leaving the screen does: 戻る keeps the
/// window and the typing, 破棄して閉じる closes it. With nothing unsaved the window closes at once.
#[tokio::test(flavor = "multi_thread")]
async fn closing_the_window_asks_about_unsaved_input_first() {
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run (scripts/test.sh does)");
    let _one_at_a_time = APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("daicho.sqlite3");
    let (driver, client) = launch_in(dir.path(), &db).await;
    sample_city(&client).await;
    click_text(&client, "button", "台帳").await;
    click(&client, "[data-testid=ledger-row] td.title").await;
    wait_text(&client, "[data-testid=detail-title]", |t| !t.is_empty()).await;
    type_into(&client, "[data-testid=formula-input]", "3分×40か所").await;

    assert!(close_window_as_a_person(), "the app's window is on the screen");
    let ask = text_of(&client, "[data-testid=leave-guard]").await;
    assert!(ask.contains("保存していない入力があります。破棄して閉じますか"), "{ask}");
    assert_eq!(text_of(&client, "[data-testid=leave-discard]").await, "破棄して閉じる");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "4h-close-guard").await;
    click(&client, "[data-testid=leave-stay]").await;
    wait_gone(&client, "[data-testid=leave-guard]").await;
    // Well past the time a silent page is given: the user's 戻る keeps the window, however long the question was open.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        value_of(&client, "[data-testid=formula-input]").await,
        "3分×40か所",
        "戻る keeps the window and the typing"
    );
    let moved = "[...document.querySelectorAll('nav button')].find(b => b.innerText === '集計').click()";
    client.execute(moved, vec![]).await.unwrap();
    let ask = text_of(&client, "[data-testid=leave-guard]").await;
    assert!(ask.contains("破棄して移動しますか"), "a move after 戻る asks about moving, not closing: {ask}");
    click(&client, "[data-testid=leave-stay]").await;
    wait_gone(&client, "[data-testid=leave-guard]").await;

    assert!(close_window_as_a_person());
    let discard = client.wait().for_element(Locator::Css("[data-testid=leave-discard]")).await.unwrap();
    // The window closes while the driver waits for the click's answer, which then fails: the closing is checked below.
    let _ = discard.click().await;
    wait_closed().await;
    drop(driver);

    // Nothing typed: the window closes at once.
    let (driver, client) = launch_in(dir.path(), &db).await;
    wait_text(&client, "[data-testid=total-hours]", |t| !t.is_empty()).await;
    assert!(close_window_as_a_person());
    wait_closed().await;
    drop(driver);
}

/// The columns a person chooses in 列 and the width they drag a header to are theirs: kept when the app is closed
/// and started again.
#[tokio::test(flavor = "multi_thread")]
async fn the_columns_chosen_and_their_widths_are_kept_across_a_restart() {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run (scripts/test.sh does)");
    let _one_at_a_time = APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("daicho.sqlite3");
    let (driver, client) = launch_in(dir.path(), &db).await;
    sample_city(&client).await;
    click_text(&client, "button", "台帳").await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains("150 件")).await;

    // 列: 区分 is unticked and its column leaves the list.
    assert!(header_width(&client, "kind").await.is_some());
    click(&client, "[data-testid=columns-open]").await;
    click(&client, "[data-testid=column-kind]").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while header_width(&client, "kind").await.is_some() {
        assert!(Instant::now() < deadline, "the 区分 column is still shown after it was unticked");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!present(&client, "[data-testid=ledger-row] td.kind").await, "its cells went with it");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "2d-ledger-columns").await;
    press(&client, "[data-testid=column-kind]", &Key::Escape.to_string()).await;
    wait_gone(&client, "[data-testid=columns-menu]").await;

    // The 部局 header's right edge dragged 60 px to the right: the column is 60 px wider.
    let before = header_width(&client, "bureau").await.unwrap();
    let grip = client.find(Locator::Css("[data-testid=grip-bureau]")).await.unwrap();
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: grip, duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: 30.0, y: 0.0 })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: 30.0, y: 0.0 })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(drag).await.unwrap();
    let after = header_width(&client, "bureau").await.unwrap();
    assert!((after - (before + 60.0)).abs() <= 1.0, "the 部局 column follows the pointer: {before} → {after}");
    let (cut, _) = cut_headers(&client, "[data-testid=ledger-table] th").await;
    assert!(cut.is_empty(), "no header is cut after the change: {cut:?}");
    let sorted = client.execute("return document.querySelector('th.bureau').getAttribute('aria-sort')", vec![]).await;
    assert_eq!(sorted.unwrap().as_str(), Some("none"), "dragging the edge does not sort by the column");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "2e-ledger-column-resized").await;
    // The same edge from the keyboard (Tab reaches it after the header): ← twice narrows the column by 20 px.
    press(&client, "[data-testid=grip-bureau]", &Key::Left.to_string()).await;
    press(&client, "[data-testid=grip-bureau]", &Key::Left.to_string()).await;
    let keyed = header_width(&client, "bureau").await.unwrap();
    assert!((keyed - (after - 20.0)).abs() <= 1.0, "← narrows the 部局 column by 10 px a press: {after} → {keyed}");
    let after = keyed;

    // Closed and started again on the same account: the list comes back as it was left.
    client.close().await.unwrap();
    drop(driver);
    let (driver, client) = launch_in(dir.path(), &db).await;
    wait_text(&client, "[data-testid=total-hours]", |t| !t.is_empty()).await;
    click_text(&client, "button", "台帳").await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains("150 件")).await;
    assert_eq!(header_width(&client, "kind").await, None, "区分 is still hidden after the restart");
    let kept = header_width(&client, "bureau").await.unwrap();
    assert!((kept - after).abs() <= 1.0, "部局 keeps its width after the restart: {after} → {kept}");

    // この一覧を書き出す: one 部局, the largest figures first, without 区分 — the workbook holds what the screen shows.
    let bureau = client.find(Locator::Css("[data-testid=filter-bureau]")).await.unwrap();
    bureau.select_by_label("こども部").await.unwrap();
    wait_text(&client, "[data-testid=ledger-totals]", |t| !t.contains("150 件")).await;
    click(&client, "[data-testid=sort-hours]").await;
    wait_text(&client, "[data-testid=ledger-table] th.hours", |t| t.contains('▼')).await;
    let shown = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=ledger-row]')].map((r) => \
             [...r.querySelectorAll('td:not(.pick)')].map((c) => c.innerText))",
            vec![],
        )
        .await
        .unwrap();
    let shown: Vec<Vec<String>> = serde_json::from_value(shown).unwrap();
    click(&client, "[data-testid=export-list]").await;
    let saved = wait_text(&client, "[data-testid=list-notice]", |t| t.contains("書き出しました")).await;
    let store = daicho::db::Store::open(&db).unwrap();
    let fy = daicho::fiscal::FiscalYear(*daicho::views::years(&store).unwrap().last().unwrap());
    let file = dir.path().join("out").join(format!("{}_取組一覧.xlsx", fy.wareki()));
    assert!(saved.contains(&format!("{} 件の一覧を書き出しました: {}", shown.len(), file.display())), "{saved}");
    std::fs::copy(&file, screenshots().join("取組一覧.xlsx")).unwrap(); // beside the screenshots, to print and look at
    let sheets = daicho::import::read_workbook(&std::fs::read(&file).unwrap()).unwrap();
    let cells: Vec<Vec<String>> =
        sheets[0].rows.iter().map(|r| r.iter().map(|c| c.display()).collect::<Vec<_>>()).collect();
    assert!(
        cells[1][0].contains("絞り込み: 部局 こども部") && cells[1][0].contains("削減時間(h)の降順"),
        "{:?}",
        cells[1]
    );
    let header = ["管理番号", "業務名", "部局", "課", "ツール", "状況", "削減時間(h)"];
    assert_eq!(cells[3][..header.len()], header, "the columns shown, 区分 left out");
    for (i, row) in shown.iter().enumerate() {
        let written: Vec<String> = cells[4 + i][..header.len()].to_vec();
        let hours = row[6].replace(',', "");
        let figure = written[6].parse::<f64>().map(|h| format!("{h:.1}")).unwrap_or_default();
        assert_eq!((&written[..6], figure), (&row[..6], hours), "row {} as the screen shows it", i + 1);
    }
    assert!(cells[4 + shown.len()][0].starts_with("合計"), "then the total: {:?}", cells[4 + shown.len()]);

    // すべて表示して幅を元に戻す: every column again, each as wide as it was fitted.
    click(&client, "[data-testid=columns-open]").await;
    click(&client, "[data-testid=columns-reset]").await;
    wait_text(&client, "[data-testid=ledger-table] th.kind", |t| t.contains("区分")).await;
    let back = header_width(&client, "bureau").await.unwrap();
    assert!((back - before).abs() <= 1.0, "部局 is back to its fitted width: {before} → {back}");

    client.close().await.unwrap();
    drop(driver);
}

/// 一括変更: three rows chosen in the list get one 状況 and one ツール in one action. A colleague changes one of them
/// first: the batch is refused whole, naming it and the colleague; applied again, all three change, each with its own
/// audit row.
#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_edit_sets_status_and_tool_of_the_rows_chosen_or_none() {
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run (scripts/test.sh does)");
    let _one_at_a_time = APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("daicho.sqlite3");
    let (driver, client) = launch_in(dir.path(), &db).await;
    sample_city(&client).await;
    click_text(&client, "button", "台帳").await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains("150 件")).await;

    // The first three rows the search 保育 shows: a checkbox, then Shift+Space on the third (the range).
    press(&client, "[data-testid=filter-text]", "保育").await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| !t.contains("150 件")).await;
    let ids = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=ledger-row]')].slice(0, 3).map((r) => r.dataset.id)",
            vec![],
        )
        .await
        .unwrap();
    let ids: Vec<String> = ids.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 3, "the search shows at least three rows");
    click(&client, &format!("[data-id='{}'] [data-testid=row-select]", ids[0])).await;
    press(&client, &format!("[data-id='{}']", ids[2]), &(Key::Shift + " ")).await;
    wait_text(&client, "[data-testid=selection]", |t| t.starts_with("3 件を選択中")).await;

    click(&client, "[data-testid=bulk-open]").await;
    let form = text_of(&client, "[data-testid=bulk-form]").await;
    assert!(form.contains("選択中の 3 件をまとめて変更") && form.contains("どれも変更せず"), "says the rule: {form}");
    client.find(Locator::Css("[data-testid=bulk-status]")).await.unwrap().select_by_value("停止").await.unwrap();
    click(&client, "[data-testid=bulk-set-tool]").await;
    type_into(&client, "[data-testid=bulk-tool]", "UiPath").await;

    // Meanwhile a colleague changes the second one.
    let store = daicho::db::Store::open(&db).unwrap();
    {
        let mut colleague = daicho::db::Store::open(&db).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2025-04-01T10:00:00+09:00").unwrap();
        let by = daicho::ledger::Author { user: "同僚".into(), at };
        let notes =
            daicho::actions::InitiativeChanges { notes: Some(Some("同僚の追記".into())), ..Default::default() };
        daicho::actions::edit_initiative(&mut colleague, &by, &ids[1], notes).unwrap();
    }
    let before: Vec<_> = ids.iter().map(|id| store.initiative_by_ledger_id(id).unwrap()).collect();
    click(&client, "[data-testid=bulk-apply]").await;
    let refused = wait_text(&client, "[data-testid=bulk-error]", |t| !t.is_empty()).await;
    assert!(
        refused.contains(&format!("{}（同僚 2025-04-01 10:00）", ids[1])) && refused.contains("どれも変更していません"),
        "the refusal names the row and who changed it: {refused}"
    );
    let after: Vec<_> = ids.iter().map(|id| store.initiative_by_ledger_id(id).unwrap()).collect();
    assert_eq!(after, before, "nothing of the batch was written");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "2f-ledger-bulk-refused").await;

    // The list was read again: applied now, every row changes, and the form closes.
    click(&client, "[data-testid=bulk-apply]").await;
    let done = wait_text(&client, "[data-testid=list-notice]", |t| t.contains("件を変更しました")).await;
    assert_eq!(done, "3 件を変更しました");
    wait_gone(&client, "[data-testid=bulk-form]").await;
    for (id, was) in ids.iter().zip(&before) {
        let now = store.initiative_by_ledger_id(id).unwrap();
        assert_eq!((now.status.label(), now.tool.as_deref()), ("停止", Some("UiPath")), "{id}");
        assert_eq!(now.notes, was.notes, "{id}: the colleague's note is kept");
        let q = daicho::ledger::AuditQuery { entity: Some("initiative"), key: Some(id), limit: 1 };
        let entry = store.audit_log(q).unwrap().remove(0);
        assert_eq!(entry.action, "update", "{id} has its own audit row");
        assert_eq!(entry.after.as_ref().unwrap()["status"], "停止", "{id}");
    }
    let shown = wait_text(&client, &format!("[data-id='{}'] td.status", ids[0]), |t| t == "停止").await;
    assert_eq!(shown, "停止", "the list shows the change");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "2g-ledger-bulk-done").await;

    client.close().await.unwrap();
    drop(driver);
}

/// A team starts its year from an empty ledger without the CLI: the organisation from the city's published list and
/// by hand, a unit ended, the year's target and a tool's cost, an initiative, the survey to every section; then a new
/// ledger file and back to the team's one.
#[tokio::test(flavor = "multi_thread")]
async fn a_team_sets_up_its_year_from_an_empty_ledger() {
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run (scripts/test.sh does)");
    let _one_at_a_time = APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("daicho.sqlite3");
    let pick_dir = dir.path().join("picked");
    let save_dir = dir.path().join("out");
    let (driver, client) = launch(dir.path(), &db, &pick_dir, &save_dir).await;
    let fixture = |name: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(name);
    let store = daicho::db::Store::open(&db).unwrap();

    // 1. The empty ledger says how to begin, and leads to 組織.
    let empty = text_of(&client, "[data-testid=empty-state]").await;
    assert!(empty.contains("始め方") && empty.contains("組織表"), "{empty}");
    click(&client, "[data-testid=start-org]").await;

    // 2. The city's 組織一覧 (its own headers, re-saved by LibreOffice) through the dialog: checked, then imported.
    std::fs::copy(fixture("setup/組織一覧_R7.xlsx"), pick_dir.join("組織一覧_R7.xlsx")).unwrap();
    click(&client, "[data-testid=org-pick]").await;
    let planned = wait_text(&client, "[data-testid=org-report-summary]", |t| t.contains("確認のみ")).await;
    assert!(planned.contains("新規 13"), "every row of the list: {planned}");
    assert_eq!(store.org_chart().unwrap().units().count(), 0, "the dry run writes nothing");
    click(&client, "[data-testid=org-commit]").await;
    wait_text(&client, "[data-testid=org-report-summary]", |t| t.contains("取り込みました")).await;
    let tree = wait_text(&client, "[data-testid=org-tree]", |t| t.contains("人事課")).await;
    assert!(tree.contains("別名: 職員課"), "the list's 旧名称等 are aliases: {tree}");
    assert!(!tree.contains("市民相談室"), "a 課 that ended in 令和6年度 is not in this year's tree: {tree}");
    // A unit by hand, with its code and first year; another ended. Years are typed as the CLI reads them (令和7,
    // R7, 令和7年度, 2025); one it cannot read is refused beside its field, in Japanese, with the forms it takes.
    type_into(&client, "[data-testid=unit-path]", "総務部/DX推進課").await;
    type_into(&client, "[data-testid=unit-code]", "0104").await;
    type_into(&client, "[data-testid=unit-from]", "R7").await;
    click(&client, "[data-testid=unit-add]").await;
    wait_text(&client, "[data-testid=org-tree]", |t| t.contains("DX推進課")).await;
    type_into(&client, "[data-testid=set-unit]", "市民部/保険年金課").await;
    type_into(&client, "[data-testid=set-to]", "令和").await;
    click(&client, "[data-testid=unit-set]").await;
    let refused = text_of(&client, "[data-testid=set-to-error]").await;
    assert_eq!(
        refused, "最後の年度: 「令和」を年度として読めません（例: 2023、2023年度、令和5年度、R5）",
        "the year field's own refusal, beside it"
    );
    let browser = client
        .execute("return document.querySelector('[data-testid=set-to]').validationMessage", vec![])
        .await
        .unwrap();
    assert_eq!(
        browser.as_str(),
        Some(""),
        "a text field: the web view says nothing of its own (no \"Enter a number\")"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "8b-org-year-refused").await;
    type_into(&client, "[data-testid=set-to]", "令和7").await;
    click(&client, "[data-testid=unit-set]").await;
    wait_text(&client, "[data-testid=org-tree]", |t| !t.contains("保険年金課")).await;
    let done = text_of(&client, "[data-testid=org-message]").await;
    assert_eq!(done, "「市民部/保険年金課」を令和7年度で終了（廃止）にしました");
    assert!(!present(&client, "[data-testid=set-to-error]").await, "the refusal is gone once the year is read");
    shot(&client, "8a-org-setup").await;
    let chart = store.org_chart().unwrap();
    let dx = chart.resolve("総務部/DX推進課", None).unwrap();
    assert_eq!(chart.get(dx).unwrap().code.as_deref(), Some("0104"));
    assert_eq!(chart.get(dx).unwrap().valid_from, Some(daicho::fiscal::FiscalYear(2025)), "R7 is 令和7年度");
    let nenkin = chart.resolve("市民部/保険年金課", None).unwrap();
    assert_eq!(chart.get(nenkin).unwrap().valid_to, Some(daicho::fiscal::FiscalYear(2025)), "ended after 令和7年度");

    // 3. The year's target and a tool's cost.
    click_text(&client, "button", "設定").await;
    type_into(&client, "[data-testid=target-hours]", "1,200").await;
    click(&client, "[data-testid=target-save]").await;
    wait_text(&client, "[data-testid=targets]", |t| t.contains("1,200.0")).await;
    type_into(&client, "[data-testid=cost-tool]", "WinActor").await;
    type_into(&client, "[data-testid=cost-licence]", "1,000,000").await;
    click(&client, "[data-testid=cost-save]").await;
    wait_text(&client, "[data-testid=costs]", |t| t.contains("1,000,000")).await;

    // 4. The first initiative, from the ledger screen of the empty ledger.
    click_text(&client, "button", "台帳").await;
    click(&client, "[data-testid=add-open]").await;
    type_into(&client, "[data-testid=add-title]", "時間外勤務命令簿の集計").await;
    click(&client, "[data-testid=add-submit]").await;
    wait_text(&client, "[data-testid=detail-title]", |t| t.contains("時間外勤務命令簿の集計")).await;
    assert_eq!(store.initiative_count().unwrap(), 1);

    // 5. The survey of the year to every section: one file each, named after the year and the section.
    click(&client, "[data-testid=nav-survey]").await;
    type_into(&client, "[data-testid=survey-deadline]", "令和8年2月30日").await;
    click(&client, "[data-testid=survey-create]").await;
    let refused = text_of(&client, "[data-testid=survey-deadline-error]").await;
    assert!(refused.starts_with("締切: 「令和8年2月30日」を日付として読めません"), "{refused}");
    assert!(refused.contains("令和5年4月1日") && refused.contains("R5.4.1"), "with the forms it takes: {refused}");
    type_into(&client, "[data-testid=survey-deadline]", "R8.5.29").await;
    click(&client, "[data-testid=survey-create]").await;
    wait_text(&client, "[data-testid=survey-message]", |t| t.contains("課分")).await;
    let deadline = text_of(&client, "[data-testid=survey-deadline-shown]").await;
    assert_eq!(deadline, "令和8年5月29日", "typed R8.5.29, shown in 和暦");
    let info_fy = daicho::fiscal::FiscalYear::of_date(chrono::Local::now().date_naive());
    let folder = save_dir.join(format!("調査票_{}", info_fy.short()));
    let mut written: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    let sections = [
        "総務部_総務課",
        "総務部_人事課",
        "総務部_情報政策課",
        "総務部_DX推進課",
        "市民部_市民課",
        "こども部_保育課",
        "議会事務局_議事課",
    ];
    let mut want: Vec<String> = sections.iter().map(|s| format!("調査票_{}_{s}.xlsx", info_fy.short())).collect();
    want.sort();
    assert_eq!(written, want, "every section of the year, the ended one left out");

    // 5a. Every section sends its file back (most with nothing to report): one batch received, each return confirmed
    // on the 調査 screen, the campaign closed.
    for f in std::fs::read_dir(&pick_dir).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    for name in &written {
        std::fs::copy(folder.join(name), pick_dir.join(name)).unwrap();
    }
    click_text(&client, "button", "回答の取込").await;
    click(&client, "[data-testid=pick-files]").await;
    wait_text(&client, "[data-testid=commit-import]", |t| t.contains("取り込める 7 ファイル")).await;
    wait_enabled(&client, "[data-testid=commit-import]").await;
    click(&client, "[data-testid=commit-import]").await;
    wait_text(&client, "[data-testid=batch-state]", |t| t.contains("7 ファイルを取り込みました")).await;
    let received = store.section_returns(info_fy).unwrap();
    assert!(received.iter().all(|r| r.state.label() == "受付"), "every section is received: {received:?}");
    click(&client, "[data-testid=nav-survey]").await;
    for name in ["総務課", "人事課", "情報政策課", "DX推進課", "市民課", "保育課", "議事課"] {
        let row = format!("tr[data-section='{name}']");
        wait_enabled(&client, &format!("{row} [data-testid='move-確定']")).await;
        click(&client, &format!("{row} [data-testid='move-確定']")).await;
        wait_text(&client, &format!("{row} [data-testid=survey-state]"), |t| t == "確定").await;
    }
    click(&client, "[data-testid=survey-close]").await;
    wait_text(&client, "[data-testid=survey-message]", |t| t.contains("締め切りました")).await;
    shot(&client, "10a-survey-closed").await;
    assert!(store.campaign(info_fy).unwrap().unwrap().closed_on.is_some(), "the year's survey is closed");

    // 6. A new ledger file, then back to the team's ledger (a copy of it picked in the open dialog); a file that
    // is not a ledger is refused untouched.
    click_text(&client, "button", "設定").await;
    click(&client, "[data-testid=new-ledger]").await;
    let made = wait_text(&client, "[data-testid=settings-message]", |t| t.contains("新しい台帳")).await;
    let fresh = save_dir.join("新しい台帳.sqlite3");
    assert!(made.contains(&fresh.display().to_string()), "{made}");
    wait_text(&client, "[data-testid=ledger-path]", |t| t.contains("新しい台帳.sqlite3")).await;
    click_text(&client, "button", "集計").await;
    wait_text(&client, "[data-testid=empty-state]", |t| t.contains("台帳はまだ空です")).await;
    for f in std::fs::read_dir(&pick_dir).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let not_a_ledger = pick_dir.join("0_メモ.sqlite3");
    std::fs::write(&not_a_ledger, "これは台帳ではありません").unwrap();
    store.backup_to(&pick_dir.join("チームの台帳.sqlite3")).unwrap();
    click_text(&client, "button", "設定").await;
    click(&client, "[data-testid=open-ledger]").await;
    let refused =
        wait_text(&client, "body", |t| t.contains("台帳として開けません") || t.contains("Daicho の台帳ではありません"))
            .await;
    assert!(refused.contains("0_メモ.sqlite3"), "the refusal names the file: {refused}");
    assert_eq!(std::fs::read_to_string(&not_a_ledger).unwrap(), "これは台帳ではありません", "left untouched");
    std::fs::remove_file(&not_a_ledger).unwrap();
    click(&client, "[data-testid=open-ledger]").await;
    wait_text(&client, "[data-testid=ledger-path]", |t| t.contains("チームの台帳.sqlite3")).await;
    shot(&client, "9b-ledger-file").await;
    click_text(&client, "button", "台帳").await;
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains("1 件")).await;

    client.close().await.unwrap();
    drop(driver);
}

/// A team's ledger on its PostgreSQL server, opened from 設定: the connection is tried first (a wrong one and one
/// with a password in it are refused with what to do), then the app works on the server — the header says so, the
/// dashboard is the server's, and a command that runs off the main thread (an export) works there. Runs when
/// `DAICHO_TEST_PG` names a test server (scripts/test.sh starts one); CI requires it.
#[tokio::test(flavor = "multi_thread")]
async fn a_team_opens_its_shared_ledger_on_the_server() {
    let Some(server) = std::env::var("DAICHO_TEST_PG").ok().filter(|s| !s.is_empty()) else {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CI runs this with a test server (scripts/test.sh)");
        eprintln!("skipped: DAICHO_TEST_PG names no test server");
        return;
    };
    let _one_at_a_time = APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let name = format!("daicho_e2e_{}", std::process::id());
    // The sync clients block on runtimes of their own: off this test's async workers (block_in_place).
    use tokio::task::block_in_place as sync;
    let conn = format!("{server} dbname={name}");
    // The IT section moved the team's ledger (here the sample city) onto the server.
    let shared = sync(|| {
        let mut admin = postgres::Client::connect(&format!("{server} dbname=postgres"), postgres::NoTls).unwrap();
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let mut shared = daicho::db::Store::open_target(&conn).unwrap();
        let author = daicho::ledger::Author::os_user(chrono::Local::now().fixed_offset());
        daicho::actions::load_demo(&mut shared, &author).unwrap();
        shared
    });

    let db = dir.path().join("daicho.sqlite3");
    let (pick_dir, save_dir) = (dir.path().join("returns"), dir.path().join("out"));
    let (driver, client) = launch(dir.path(), &db, &pick_dir, &save_dir).await;
    wait_text(&client, "[data-testid=empty-state]", |t| t.contains("台帳はまだ空です")).await;
    click_text(&client, "button", "設定").await;

    type_into(&client, "[data-testid=server-conn]", &format!("{server} dbname={name} password=secret")).await;
    click(&client, "[data-testid=server-test]").await;
    let refused = wait_text(&client, "body", |t| t.contains("パスワードを書かないで")).await;
    assert!(refused.contains("「パスワード」欄"), "{refused}");
    type_into(&client, "[data-testid=server-conn]", &format!("{server} dbname=daicho_no_such_ledger")).await;
    click(&client, "[data-testid=server-test]").await;
    let unreachable = wait_text(&client, "body", |t| t.contains("接続できません")).await;
    assert!(unreachable.contains("daicho_no_such_ledger"), "the message names the server it tried: {unreachable}");

    type_into(&client, "[data-testid=server-conn]", &conn).await;
    click(&client, "[data-testid=server-test]").await;
    let count = sync(|| shared.initiative_count().unwrap());
    let check = wait_text(&client, "[data-testid=server-check]", |t| t.contains("接続できました")).await;
    assert!(check.contains(&format!("取組 {count} 件")), "the test reads the ledger there: {check}");
    click(&client, "[data-testid=server-connect]").await;
    wait_text(&client, "[data-testid=settings-message]", |t| t.contains("共有台帳を開きました")).await;
    let header = wait_text(&client, "[data-testid=where]", |t| t.contains("共有台帳")).await;
    assert!(header.contains(&name), "the header always shows which ledger is open: {header}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "10-shared-ledger").await;

    click_text(&client, "button", "集計").await;
    let (fy, expected) = sync(|| {
        let years = daicho::views::years(&shared).unwrap();
        let fy = daicho::fiscal::FiscalYear(*years.last().unwrap());
        (fy, daicho::views::dashboard(&shared, fy).unwrap())
    });
    let want = format!("{}時間", daicho::number::group_fixed(expected.total_hours, 1));
    let total = wait_text(&client, "[data-testid=total-hours]", |t| !t.is_empty()).await;
    assert_eq!(total.replace('\n', ""), want, "the dashboard is the server's ledger");

    click_text(&client, "button", "出力").await;
    click(&client, "[data-testid=export-report-save]").await;
    wait_text(&client, "[data-testid=export-message]", |t| t.contains("保存しました")).await;
    assert!(save_dir.join(format!("{}_効果集計.xlsx", fy.wareki())).is_file(), "the export ran against the server");

    // A colleague adds an initiative on their PC: the open ledger list shows it without anyone pressing a thing.
    click_text(&client, "button", "台帳").await;
    let before = format!("{count} 件");
    wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains(&before)).await;
    sync(|| colleague_adds(&conn, "総務部", "同僚が登録した取組", fy));
    let after = format!("{} 件", count + 1);
    let listed = wait_text(&client, "[data-testid=ledger-totals]", |t| t.contains(&after)).await;
    assert!(listed.contains(&after), "the list refreshed by itself: {listed}");
    // On a screen where one may be typing, the change is announced and shown when asked.
    click_text(&client, "button", "設定").await;
    sync(|| {
        let mut colleague = daicho::db::Store::open_target(&conn).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2025-04-01T10:05:00+09:00").unwrap();
        let by = daicho::ledger::Author { user: "同僚".into(), at };
        colleague.write(&by, |w| w.set_setting("organisation_name", "みどり市（共有）").map(|_| ())).unwrap();
    });
    let banner = wait_text(&client, "[data-testid=changed-banner]", |t| t.contains("同僚")).await;
    assert!(banner.contains("同僚 さんが台帳を変更しました"), "{banner}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&client, "10a-shared-changed").await;
    click(&client, "[data-testid=changed-show]").await;

    client.close().await.unwrap();
    drop(driver);
    sync(|| {
        drop(shared);
        let mut admin = postgres::Client::connect(&format!("{server} dbname=postgres"), postgres::NoTls).unwrap();
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
    });
}
