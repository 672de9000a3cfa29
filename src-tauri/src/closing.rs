//! Closing the window asks about unsaved input, as a move to another screen does. The close is held and the page is
//! told (`close-requested`); it answers with `close_window` when nothing is unsaved or the user chose 破棄して閉じる,
//! or with `close_asked` while its question is open (戻る keeps the window). A page that does not answer (stuck, or
//! not loaded yet) never traps the user: a close requested again after [`UNANSWERED`] closes the window.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{Emitter, State, Window};

/// How long a held close waits for the page's answer before the next close goes through.
const UNANSWERED: Duration = Duration::from_secs(3);
/// A close held this long ago and never answered is forgotten: the next close is a new request, asked about. (A ×
/// clicked while the page was still loading is never answered; it must not let a close minutes later through
/// unasked.)
const FORGOTTEN: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct CloseGuard {
    /// When a close was held and the page has not answered since.
    held_at: Mutex<Option<Instant>>,
    /// The page said the window may close.
    confirmed: Mutex<bool>,
}

impl CloseGuard {
    /// Whether a close request should be held (and the page asked) rather than let through.
    fn hold(&self) -> bool {
        if *self.confirmed.lock().unwrap_or_else(|e| e.into_inner()) {
            return false;
        }
        let mut held = self.held_at.lock().unwrap_or_else(|e| e.into_inner());
        match *held {
            Some(at) if at.elapsed() < UNANSWERED => true,
            Some(at) if at.elapsed() < FORGOTTEN => false,
            _ => {
                *held = Some(Instant::now());
                true
            }
        }
    }
}

/// The window's close request (its ×, Alt+F4, the taskbar): held while the page decides.
pub fn on_close_requested(window: &Window, api: &tauri::CloseRequestApi) {
    let Some(guard) = tauri::Manager::try_state::<CloseGuard>(window) else { return };
    if guard.hold() {
        api.prevent_close();
        let _ = window.emit("close-requested", ());
    }
}

/// The page is asking the user (its question is open): the close stays held, however long they take. The page also
/// says so once it listens, which forgets a close requested while it was loading.
#[tauri::command]
pub fn close_asked(guard: State<'_, CloseGuard>) {
    *guard.held_at.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Nothing is unsaved, or the user chose 破棄して閉じる: the window closes. (Off the main thread: a window
/// operation from a synchronous command on it can deadlock on Windows.)
#[tauri::command(async)]
pub fn close_window(window: Window, guard: State<'_, CloseGuard>) {
    *guard.confirmed.lock().unwrap_or_else(|e| e.into_inner()) = true;
    let _ = window.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_is_held_until_the_page_answers_or_stays_silent_too_long() {
        let guard = CloseGuard::default();
        assert!(guard.hold(), "the first close asks the page");
        assert!(guard.hold(), "a second close while the page has not answered is held too, at first");
        *guard.held_at.lock().unwrap() = Some(Instant::now() - UNANSWERED);
        assert!(!guard.hold(), "a page silent for {UNANSWERED:?} does not keep the window open");
        *guard.held_at.lock().unwrap() = Some(Instant::now() - FORGOTTEN);
        assert!(guard.hold(), "a close left unanswered long ago is forgotten: this one asks the page again");
        assert!(guard.hold(), "and is held while the page may answer");

        let guard = CloseGuard::default();
        assert!(guard.hold());
        *guard.held_at.lock().unwrap() = None; // close_asked: the question is open
        assert!(guard.hold(), "while the user is asked, a close is held again");
        *guard.confirmed.lock().unwrap() = true; // close_window
        assert!(!guard.hold(), "once the page says so, the window closes");
    }
}
