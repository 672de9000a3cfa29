//! Settings (設定), stored as key/value text and read into [`Settings`] with defaults for missing keys.

use postgres::GenericClient;

use super::PgTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::ledger::Settings;

pub(super) fn load_settings(c: &mut impl GenericClient) -> Result<Settings> {
    let mut settings = Settings::default();
    for r in c.query("SELECT key, value FROM settings", &[])? {
        let (key, value) = (r.try_get::<_, String>(0)?, r.try_get::<_, String>(1)?);
        settings.set(&key, &value).map_err(|m| Error::Internal(format!("保存済みの設定が読めません: {m}")))?;
    }
    Ok(settings)
}

impl PgTx<'_> {
    /// Sets one setting, validated against its accepted values.
    pub(super) fn set_setting(&mut self, key: &str, value: &str) -> Result<Settings> {
        let before = load_settings(&mut *self.db())?;
        let mut after = before.clone();
        after.set(key, value).map_err(Error::Invalid)?;
        let stored = after.get(key).unwrap_or_default();
        self.db().execute(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &stored],
        )?;
        if after != before {
            self.audit(Action::Update, "settings", key, Some(&before), Some(&after))?;
        }
        Ok(after)
    }
}
