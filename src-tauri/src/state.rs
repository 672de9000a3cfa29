//! The app's state: the open ledger, behind a mutex (one window, commands run one at a time on it).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use daicho::db::{Location, Store};
use daicho::fiscal::DateStyle;
use daicho::ledger::Author;

use crate::error::ApiError;

/// Runs a command's body on a blocking thread, never on the async runtime's workers: the shared ledger's client
/// blocks on its own runtime (and panics on a worker), and file dialogs and imports block for seconds.
pub async fn blocking<T: Send + 'static>(
    app: tauri::AppHandle,
    body: impl FnOnce(&tauri::AppHandle, &AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    use tauri::Manager;
    tauri::async_runtime::spawn_blocking(move || body(&app, &app.state::<AppState>())).await.map_err(|e| ApiError {
        code: "internal",
        message: format!("内部エラー: {e}"),
        field: None,
    })?
}

pub struct AppState {
    store: Mutex<Store>,
    chosen: ChosenFiles,
    /// Set by the cancel button; checked between files, each of which is its own transaction.
    pub cancel: AtomicBool,
    /// Set while an import batch runs: the ledger is locked per file, so other screens stay usable, but the open
    /// ledger must not be swapped for another under the batch.
    importing: AtomicBool,
    /// The last ledger could not be opened at start (a server out of reach): the app opened the local one instead.
    startup_warning: Mutex<Option<String>>,
    /// Where other people's changes to a shared ledger are announced (`ledger-changed`), once the window exists.
    app: std::sync::OnceLock<tauri::AppHandle>,
    /// Listening for them on the open ledger (a server's); replaced when another ledger opens.
    watch: Mutex<Option<daicho::db::Watch>>,
    /// How this person wants dates shown (設定 › 表示): a preference of the PC's user, not of the ledger, which a
    /// team shares.
    date_style: Mutex<DateStyle>,
    /// The dashboard the app opens on, worked out while the web view starts (see [`AppState::prefetch_dashboard`]).
    first_dashboard: Mutex<Option<FirstDashboard>>,
    /// Raised each time the open ledger is replaced (another file, a server, a backup restored, the sample taken
    /// out), and each time a colleague's commit to a shared ledger is heard: part of a
    /// [`reading`](AppState::reading), so rows read before never pass for rows of the ledger now (on a server, a
    /// transaction holding a lower audit id can commit after one holding a higher).
    generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The opening dashboard computed at start, with its year and the [`reading`](AppState::reading) of the ledger it
/// was computed from, so it is shown only if that ledger has not changed since.
struct FirstDashboard {
    fiscal_year: i32,
    reading: String,
    dashboard: daicho::views::Dashboard,
}

/// The fiscal year the app opens on: the latest with figures, or the current one.
pub fn opening_year(store: &Store) -> Result<i32, daicho::Error> {
    let years = daicho::views::years(store)?;
    Ok(years
        .last()
        .copied()
        .unwrap_or_else(|| daicho::fiscal::FiscalYear::of_date(chrono::Local::now().date_naive()).0))
}

/// Clears the importing flag when the batch ends, however it ends.
pub struct Importing<'a>(&'a AtomicBool);

impl Drop for Importing<'_> {
    fn drop(&mut self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

impl AppState {
    /// Opens the ledger `DAICHO_DB` names (a file, or a team's server), else the one the app last opened (when it
    /// still is a ledger), else the default local app-data path.
    pub fn open() -> Result<Self, daicho::Error> {
        let mut warning = None;
        let store = match std::env::var("DAICHO_DB") {
            Ok(p) if !p.is_empty() => Store::open_target(&p)?,
            // The ledger opened last, checked as when it was opened (never migrated into one if it is no longer a
            // Daicho ledger); else, or when it cannot be opened, the default ledger — saying so when it was a
            // team's server, so nobody works in the local file thinking it is the shared one.
            _ => match last_ledger() {
                Some(Location::File(p)) => match Store::open_existing(&p) {
                    Ok(store) => store,
                    Err(_) => Store::open(&daicho::db::default_path()?)?,
                },
                Some(Location::Server(conn)) => match Store::connect(&conn) {
                    Ok(store) => store,
                    Err(e) => {
                        warning = Some(format!(
                            "共有台帳（{}）に接続できなかったため、このPCの台帳を開いています: {e}。設定 › 台帳で接続し直してください",
                            Location::Server(conn.clone()).shown()
                        ));
                        Store::open(&daicho::db::default_path()?)?
                    }
                },
                None => Store::open(&daicho::db::default_path()?)?,
            },
        };
        Ok(Self::new(store, warning))
    }

    /// The state around an open ledger (`warning`: why it is not the one asked for).
    fn new(store: Store, warning: Option<String>) -> Self {
        Self {
            store: Mutex::new(store),
            chosen: ChosenFiles::default(),
            cancel: AtomicBool::new(false),
            importing: AtomicBool::new(false),
            startup_warning: Mutex::new(warning),
            app: std::sync::OnceLock::new(),
            watch: Mutex::new(None),
            date_style: Mutex::new(remembered_date_style()),
            first_dashboard: Mutex::new(None),
            generation: Default::default(),
        }
    }

    /// Works out the dashboard the app opens on while the window and the web view start (on a large ledger it takes a
    /// tenth of a second, which would otherwise come after the page has loaded). Best effort: on any error the page
    /// asks for it as usual.
    pub fn prefetch_dashboard(&self) {
        let Ok(store) = self.store() else { return };
        let first = (|| {
            let fiscal_year = opening_year(&store)?;
            let reading = self.reading(&store)?;
            let dashboard = daicho::views::dashboard(&*store, daicho::fiscal::FiscalYear(fiscal_year))?;
            Ok::<_, daicho::Error>(FirstDashboard { fiscal_year, reading, dashboard })
        })();
        if let (Ok(first), Ok(mut slot)) = (first, self.first_dashboard.lock()) {
            *slot = Some(first);
        }
    }

    /// The dashboard worked out at start, once, if it is of this ledger and `fiscal_year` and nobody changed the
    /// ledger since.
    pub fn first_dashboard(&self, store: &Store, fiscal_year: i32) -> Option<daicho::views::Dashboard> {
        let first = self.first_dashboard.lock().ok()?.take()?;
        (first.fiscal_year == fiscal_year && self.reading(store).ok()? == first.reading).then_some(first.dashboard)
    }

    /// The open ledger was replaced or emptied (another file, a server, a backup restored, the sample removed): the
    /// dashboard worked out at start is of another ledger, and so are the rows any screen read before.
    pub fn ledger_replaced(&self) {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Ok(mut slot) = self.first_dashboard.lock() {
            *slot = None;
        }
    }

    /// What tells the ledger open now from any opened before: the generation and where it is
    /// ([`views::reading`](daicho::views::reading)).
    pub fn opened(&self, store: &Store) -> String {
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        format!("{generation}|{}", store.path().display())
    }

    /// What the open ledger is at this moment ([`views::reading`](daicho::views::reading)): equal readings mean the
    /// same ledger with no change since.
    pub fn reading(&self, store: &Store) -> Result<String, daicho::Error> {
        daicho::views::reading(store, &self.opened(store))
    }

    /// Remembers paths a dialog returned or the user dropped on the window.
    pub fn choose(&self, paths: &[PathBuf]) {
        self.chosen.add(paths);
    }

    /// Refuses a path no dialog returned in this session.
    pub fn chosen(&self, path: &str) -> Result<PathBuf, ApiError> {
        self.chosen.get(path)
    }

    /// The ledger for a use case that locks it step by step (an import batch, per file).
    pub fn ledger(&self) -> &Mutex<Store> {
        &self.store
    }

    /// Marks an import batch as running until the returned guard is dropped; refuses a second batch meanwhile.
    pub fn begin_import(&self) -> Result<Importing<'_>, ApiError> {
        use std::sync::atomic::Ordering;
        if self.importing.swap(true, Ordering::SeqCst) {
            return Err(ApiError {
                code: "conflict",
                message: "取り込みを実行中です。終わってからもう一度実行してください".into(),
                field: None,
            });
        }
        Ok(Importing(&self.importing))
    }

    /// Refuses to replace the open ledger (another file, the sample taken out, a restore) while a batch imports.
    pub fn refuse_while_importing(&self) -> Result<(), ApiError> {
        if self.importing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(ApiError {
                code: "conflict",
                message: "回答の取り込み中は台帳を切り替えられません。取り込みが終わるか中止してから操作してください"
                    .into(),
                field: None,
            });
        }
        Ok(())
    }

    /// Puts another ledger in place of the open one (a new file, one the user opened, a team's server) and
    /// remembers where it is for the next start (a path, or a connection string without a password), unless
    /// `DAICHO_DB` chooses the ledger.
    pub fn switch_to(&self, store: Store, location: &str) -> Result<(), ApiError> {
        self.refuse_while_importing()?;
        *self.store()? = store;
        self.ledger_replaced();
        if let Ok(mut w) = self.startup_warning.lock() {
            *w = None;
        }
        self.rewatch();
        if std::env::var_os("DAICHO_DB").is_none_or(|p| p.is_empty())
            && let Some(file) = last_ledger_file()
        {
            // Remembering is a convenience: a failure to write it changes nothing of the ledger.
            let _ = std::fs::write(file, location.as_bytes());
        }
        Ok(())
    }

    /// Starts announcing other people's changes to the window (`ledger-changed`, with who made them).
    pub fn announce_changes(&self, app: tauri::AppHandle) {
        let _ = self.app.set(app);
        self.rewatch();
    }

    /// Listens on the open ledger (a shared one; a file has nothing to hear). A failure to listen leaves the app
    /// working without live updates.
    fn rewatch(&self) {
        use tauri::Emitter;
        let Some(app) = self.app.get().cloned() else { return };
        let Ok(mut watch) = self.watch.lock() else { return };
        *watch = None;
        if let Ok(store) = self.store() {
            let generation = self.generation.clone();
            let announce = Box::new(move |n: daicho::db::ChangeNotice| {
                generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = app.emit("ledger-changed", n.by);
            });
            *watch = store.watch(announce).ok().flatten();
        }
    }

    /// Why the app did not open the ledger it used last (a server it could not reach), shown until another opens.
    pub fn startup_warning(&self) -> Option<String> {
        self.startup_warning.lock().ok().and_then(|w| w.clone())
    }

    /// How dates are shown to this person.
    pub fn date_style(&self) -> DateStyle {
        self.date_style.lock().map(|s| *s).unwrap_or_default()
    }

    /// Shows dates in `style` from now on, and remembers it for the next start.
    pub fn set_date_style(&self, style: DateStyle) -> Result<(), ApiError> {
        if let Ok(mut s) = self.date_style.lock() {
            *s = style;
        }
        let Some(file) = date_style_file() else { return Ok(()) };
        let saved =
            file.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&file, style.key()));
        saved.map_err(|e| ApiError {
            code: "io",
            message: format!("日付の表示を {} に保存できません: {e}（この起動中はその表示にします）", file.display()),
            field: None,
        })
    }

    pub fn store(&self) -> Result<MutexGuard<'_, Store>, ApiError> {
        self.store.lock().map_err(|_| ApiError {
            code: "internal",
            message: "台帳を開けません（内部エラー）".into(),
            field: None,
        })
    }
}

/// Where the app remembers the ledger it last opened: beside the default ledger, in the local app-data folder.
fn last_ledger_file() -> Option<PathBuf> {
    Some(daicho::db::default_path().ok()?.with_file_name("last_ledger.txt"))
}

/// Where the app remembers how this person wants dates shown: beside the default ledger, like the last ledger.
fn date_style_file() -> Option<PathBuf> {
    Some(daicho::db::default_path().ok()?.with_file_name("date_style.txt"))
}

/// The date style chosen last; 和暦 when none was chosen or the file says something else.
fn remembered_date_style() -> DateStyle {
    date_style_file()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|t| DateStyle::from_key(&t))
        .unwrap_or_default()
}

/// The ledger the app last opened, if it is still there.
fn last_ledger() -> Option<Location> {
    let text = std::fs::read_to_string(last_ledger_file()?).ok()?;
    match Location::parse(text.trim()) {
        Location::File(path) => path.is_file().then_some(Location::File(path)),
        server => Some(server),
    }
}

/// Files the user chose in a dialog (or dropped on the window) during this session: the only paths the file
/// commands accept, so the web view can never name a file of its own choosing. A path is accepted only exactly as the
/// dialog returned it: no `..` detour, no other spelling, no UNC or verbatim (`\\?\`) form of it.
#[derive(Default)]
pub struct ChosenFiles(Mutex<HashSet<PathBuf>>);

impl ChosenFiles {
    pub fn add(&self, paths: &[PathBuf]) {
        if let Ok(mut set) = self.0.lock() {
            set.extend(paths.iter().cloned());
        }
    }

    pub fn get(&self, path: &str) -> Result<PathBuf, ApiError> {
        let p = PathBuf::from(path);
        // Found as a path, then compared as text: `Path` equality ignores `.` segments and doubled separators.
        let known =
            self.0.lock().map(|set| set.get(&p).is_some_and(|c| c.as_os_str() == p.as_os_str())).unwrap_or(false);
        if known {
            Ok(p)
        } else {
            Err(ApiError {
                code: "validation",
                message: format!("ファイル「{path}」は選ばれていません。ファイルを選び直してください"),
                field: None,
            })
        }
    }
}

/// The author of a change made in the app: the OS user, now. The only place the shell reads the clock for writes.
pub fn author() -> Author {
    Author::os_user(chrono::Local::now().fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_paths_a_dialog_returned_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let chosen_path = dir.path().join("returns").join("保育課.xlsx");
        let chosen = ChosenFiles::default();
        chosen.add(std::slice::from_ref(&chosen_path));
        let base = dir.path().display().to_string();
        let exact = chosen_path.display().to_string();
        assert_eq!(chosen.get(&exact).unwrap(), chosen_path, "the dialog's own answer is accepted");
        let refused = [
            (format!("{base}/returns/../returns/保育課.xlsx"), "a .. detour to the same file"),
            (format!("{base}/returns/./保育課.xlsx"), "a . segment"),
            (format!("{base}//returns/保育課.xlsx"), "a doubled separator"),
            (format!("{base}/returns/../../../etc/passwd"), "a traversal out of the chosen folder"),
            (format!("{base}/returns/保育課.xlsx/../../daicho.sqlite3"), "a traversal through the chosen file"),
            ("../returns/保育課.xlsx".to_string(), "a relative path"),
            ("保育課.xlsx".to_string(), "the bare file name"),
            (r"\\server\share\保育課.xlsx".to_string(), "a UNC path"),
            ("//server/share/保育課.xlsx".to_string(), "a UNC path with forward slashes"),
            (format!(r"\\?\{exact}"), "the verbatim (\\\\?\\) form of the chosen path"),
            (format!("{exact}\0"), "a NUL-terminated spelling"),
            (format!("{exact} "), "a trailing space"),
            (exact.to_uppercase(), "another case"),
            (String::new(), "nothing"),
        ];
        for (path, why) in refused {
            let e = chosen.get(&path).expect_err(&format!("{why} must be refused: {path}"));
            assert_eq!(e.code, "validation", "{why}");
            assert!(e.message.contains("選ばれていません"), "{why}: {}", e.message);
        }
    }

    /// The opening dashboard worked out at start is shown once, and only when it is of the year asked for and
    /// nobody changed the ledger since; otherwise the dashboard is worked out afresh.
    /// The app's state over the sample city in a ledger of `dir` (never the real app-data folder), and its author.
    fn sample_state(dir: &std::path::Path) -> (AppState, daicho::ledger::Author) {
        let mut store = Store::open(&dir.join("daicho.sqlite3")).unwrap();
        let author = daicho::ledger::Author::os_user(chrono::Local::now().fixed_offset());
        daicho::actions::load_demo(&mut store, &author).unwrap();
        (AppState::new(store, None), author)
    }

    #[test]
    fn the_dashboard_worked_out_at_start_is_used_only_while_the_ledger_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (state, author) = sample_state(dir.path());
        let fy = opening_year(&state.store().unwrap()).unwrap();

        state.prefetch_dashboard();
        let store = state.store().unwrap();
        assert!(state.first_dashboard(&store, fy - 1).is_none(), "another year is worked out afresh");
        assert!(state.first_dashboard(&store, fy).is_none(), "it was taken by the first call, whatever its year");
        drop(store);

        state.prefetch_dashboard();
        let store = state.store().unwrap();
        let ready = state.first_dashboard(&store, fy).expect("the year asked for, on an unchanged ledger");
        assert_eq!(
            ready.total_hours,
            daicho::views::dashboard(&*store, daicho::fiscal::FiscalYear(fy)).unwrap().total_hours
        );
        assert!(state.first_dashboard(&store, fy).is_none(), "shown once");
        drop(store);

        // Another ledger in its place (switch_to also forgets the slot; it is not called here, as it remembers the
        // ledger in the real app-data folder) is never shown the first one's dashboard, even a copy of it.
        // A copy of it, the same figures and audit log: only where it is differs.
        state.store().unwrap().backup_to(&dir.path().join("o.sqlite3")).unwrap();
        state.prefetch_dashboard();
        let first =
            std::mem::replace(&mut *state.store().unwrap(), Store::open(&dir.path().join("o.sqlite3")).unwrap());
        let other = state.store().unwrap();
        assert!(
            state.first_dashboard(&other, fy).is_none(),
            "another ledger opened since: never the first's dashboard"
        );
        drop(other);
        *state.store().unwrap() = first;

        state.prefetch_dashboard();
        let mut store = state.store().unwrap();
        store.write(&author, |w| w.set_setting("organisation_name", "さくら市")).unwrap();
        assert!(state.first_dashboard(&store, fy).is_none(), "a change since: worked out afresh");
    }

    /// A reading of the ledger (what the ledger list keeps with its rows, to be sent only the year's hours at the next
    /// year switch) is the same only while nothing changed and the same ledger is open.
    #[test]
    fn a_reading_holds_only_while_the_same_ledger_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (state, author) = sample_state(dir.path());
        let read = || state.reading(&state.store().unwrap()).unwrap();
        let first = read();
        assert_eq!(read(), first, "nothing changed: the same reading");

        state.store().unwrap().write(&author, |w| w.set_setting("organisation_name", "さくら市")).unwrap();
        let changed = read();
        assert_ne!(changed, first, "a change since: another reading");

        // The same file with the same audit log, replaced in place (a restore, the sample taken out): the open
        // ledger's generation differs, so rows read before do not pass.
        state.ledger_replaced();
        assert_ne!(read(), changed, "the ledger was replaced: another reading");

        // A copy elsewhere, the same figures and audit log: only where it is differs.
        state.store().unwrap().backup_to(&dir.path().join("o.sqlite3")).unwrap();
        let here = read();
        *state.store().unwrap() = Store::open(&dir.path().join("o.sqlite3")).unwrap();
        assert_ne!(read(), here, "another ledger: another reading");
    }
}
