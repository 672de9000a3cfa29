//! Other clients' changes, heard as they commit: every Daicho transaction on the server sends `NOTIFY
//! daicho_changes` with its author (delivered when it commits, never for a rollback), and a watcher listens on a
//! connection of its own, on a thread of its own, and hands each change made by another connection to its callback.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::Duration;

use fallible_iterator::FallibleIterator;

use crate::db::{ChangeNotice, Watch};
use crate::error::Result;

/// The channel of change notices.
pub(super) const CHANNEL: &str = "daicho_changes";

/// Starts listening on a connection of its own; changes committed by `own_pid` (this store's connection, whichever
/// it is now) are not reported. A lost connection is retried every few seconds until the watch is dropped.
pub(super) fn start(
    target: String,
    password: Option<String>,
    own_pid: Arc<AtomicI32>,
    mut on_change: Box<dyn FnMut(ChangeNotice) + Send>,
) -> Result<Watch> {
    let listen = move || -> Result<postgres::Client> {
        let mut c = super::connect::connect(&target, password.as_deref())?;
        c.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        Ok(c)
    };
    let mut client = Some(listen()?);
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let thread = std::thread::Builder::new()
        .name("daicho-watch".into())
        .spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                let Some(c) = client.as_mut() else {
                    // Wait a little before listening again, ending at once when the watch is dropped.
                    for _ in 0..30 {
                        if stopped.load(Ordering::SeqCst) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    client = listen().ok();
                    continue;
                };
                let lost = {
                    let mut notices = c.notifications();
                    let mut waiting = notices.timeout_iter(Duration::from_millis(300));
                    loop {
                        if stopped.load(Ordering::SeqCst) {
                            break false;
                        }
                        match waiting.next() {
                            Ok(Some(n)) if n.process_id() != own_pid.load(Ordering::SeqCst) => {
                                on_change(ChangeNotice { by: n.payload().to_string() })
                            }
                            Ok(Some(_)) => {}
                            Ok(None) => break false,
                            Err(_) => break true,
                        }
                    }
                };
                if lost {
                    // The connection was lost: listen again on a new one.
                    client = None;
                }
            }
        })
        .map_err(|e| crate::Error::Internal(format!("変更の通知を受ける準備ができません: {e}")))?;
    Ok(Watch::new(stop, thread))
}
