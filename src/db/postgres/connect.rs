//! Connecting to the server: a `postgresql://` URL or libpq `key=value` words, as PostgreSQL's own tools take them,
//! with libpq's meanings for `sslmode` (`disable`, `prefer`, `require`, `verify-ca`, `verify-full`), `sslrootcert`
//! (a city CA's PEM file, besides the OS certificate store) and `passfile` (libpq's password file, so no password
//! is written anywhere in plain text by Daicho: without `password=` the password comes from `PGPASSWORD` or that
//! file, `%APPDATA%\postgresql\pgpass.conf` on Windows and `~/.pgpass` elsewhere by default).

use std::path::PathBuf;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use crate::error::{Error, Result};

/// The options Daicho reads itself (the driver does not know them, or knows fewer of their values).
const OURS: &[&str] = &["sslmode", "sslrootcert", "passfile"];

/// Splits a connection string into what the driver parses and Daicho's own options.
fn split(conn: &str) -> (String, Vec<(String, String)>) {
    let conn = conn.trim();
    let mut ours = Vec::new();
    if conn.contains("://") {
        let (base, query) = conn.split_once('?').unwrap_or((conn, ""));
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if OURS.contains(&k) { ours.push((k.to_string(), percent_decode(v))) } else { kept.push(pair) }
        }
        let rest = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
        (rest, ours)
    } else {
        let mut kept = Vec::new();
        for word in conn.split_whitespace() {
            match word.split_once('=') {
                Some((k, v)) if OURS.contains(&k) => ours.push((k.to_string(), v.trim_matches('\'').to_string())),
                _ => kept.push(word),
            }
        }
        (kept.join(" "), ours)
    }
}

fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = v.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The parsed connection: the driver's config and how TLS is to be checked.
pub(super) struct Settings {
    pub config: Config,
    pub sslmode: String,
    pub rootcert: Option<PathBuf>,
}

pub(super) fn settings(conn: &str) -> Result<Settings> {
    let (rest, ours) = split(conn);
    let get = |k: &str| ours.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let mut config: Config = rest.parse().map_err(|e| {
        Error::Invalid(format!(
            "接続先 {} を読めません（{e}）。postgresql://サーバー/データベース または host=… dbname=… の形で書いてください",
            super::super::redact(conn)
        ))
    })?;
    let sslmode = get("sslmode").unwrap_or_else(|| "prefer".into());
    config.ssl_mode(match sslmode.as_str() {
        "disable" => SslMode::Disable,
        "allow" | "prefer" => SslMode::Prefer,
        "require" | "verify-ca" | "verify-full" => SslMode::Require,
        other => {
            return Err(Error::Invalid(format!(
                "sslmode={other} は使えません（disable, prefer, require, verify-ca, verify-full のどれか）"
            )));
        }
    });
    if config.get_user().is_none() {
        config.user(crate::ledger::Author::os_user(chrono::Local::now().fixed_offset()).user.as_str());
    }
    if config.get_dbname().is_none() {
        config.dbname("daicho");
    }
    if config.get_application_name().is_none() {
        config.application_name("daicho");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_password().is_none()
        && let Some(password) = std::env::var("PGPASSWORD").ok().or_else(|| from_passfile(&config, get("passfile")))
    {
        config.password(password);
    }
    Ok(Settings { config, sslmode, rootcert: get("sslrootcert").map(PathBuf::from) })
}

/// Where libpq (and Daicho) look for the password file: `passfile`, else `PGPASSFILE`, else
/// `%APPDATA%\postgresql\pgpass.conf` on Windows and `~/.pgpass` elsewhere.
fn passfile_path(named: Option<String>) -> Option<PathBuf> {
    named.map(PathBuf::from).or_else(|| std::env::var_os("PGPASSFILE").map(PathBuf::from)).or_else(|| {
        if cfg!(windows) {
            dirs::config_dir().map(|d| d.join("postgresql").join("pgpass.conf"))
        } else {
            dirs::home_dir().map(|d| d.join(".pgpass"))
        }
    })
}

/// The host, port, database and user a password-file line is matched on.
fn passfile_key(config: &Config) -> [String; 4] {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(_)) => "localhost".to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    [host, port, config.get_dbname().unwrap_or_default().to_string(), config.get_user().unwrap_or_default().to_string()]
}

/// Keeps a password for this connection in the libpq password file (replacing the line for the same host, port,
/// database and user), readable by this user only, as `psql` would use it. Returns the file's path.
pub(crate) fn remember_password(conn: &str, password: &str) -> Result<PathBuf> {
    let s = settings(conn)?;
    let (_, ours) = split(conn);
    let named = ours.iter().rev().find(|(k, _)| k == "passfile").map(|(_, v)| v.clone());
    let path = passfile_path(named).ok_or_else(|| Error::Internal("パスワードファイルの場所が分かりません".into()))?;
    let key = passfile_key(&s.config);
    let escape = |v: &str| v.replace('\\', "\\\\").replace(':', "\\:");
    let line = format!("{}:{}", key.iter().map(|k| escape(k)).collect::<Vec<_>>().join(":"), escape(password));
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let mut lines: Vec<String> = old
        .lines()
        .filter(|l| {
            let f = passfile_fields(l);
            l.starts_with('#') || f.len() != 5 || f[..4] != key[..]
        })
        .map(str::to_string)
        .collect();
    lines.push(line);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    }
    // Written beside it, readable by this user only from its first byte, then renamed over it: a failure leaves
    // the user's other saved passwords as they were.
    let staging = path.with_extension("daicho-new");
    let io = |source| Error::Io { path: staging.clone(), source };
    {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&staging).map_err(io)?;
        file.write_all((lines.join("\n") + "\n").as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    std::fs::rename(&staging, &path).map_err(|source| Error::Io { path: path.clone(), source })?;
    Ok(path)
}

/// The password for this connection in libpq's password file (`host:port:database:user:password`, `*` matches
/// anything), as `psql` would find it.
fn from_passfile(config: &Config, named: Option<String>) -> Option<String> {
    let text = std::fs::read_to_string(passfile_path(named)?).ok()?;
    let [host, port, db, user] = passfile_key(config);
    text.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let fields = passfile_fields(line);
        let [h, p, d, u, pw] = fields.as_slice() else { return None };
        let ok = |pattern: &str, value: &str| pattern == "*" || pattern == value;
        (ok(h, &host) && ok(p, &port) && ok(d, &db) && ok(u, &user)).then(|| pw.clone())
    })
}

/// The fields of a password-file line: `:` separates, `\:` and `\\` escape.
fn passfile_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut().into_iter().for_each(|f| f.extend(chars.next())),
            ':' => fields.push(String::new()),
            c => fields.last_mut().into_iter().for_each(|f| f.push(c)),
        }
    }
    fields
}

/// Connects, with TLS as `sslmode` asks: `verify-full` checks the certificate chain (the OS store and
/// `sslrootcert`) and the host name, `verify-ca` the chain only, `require` and `prefer` encrypt without checking
/// (libpq's meanings), `disable` does not encrypt.
pub(super) fn connect(conn: &str, password: Option<&str>) -> Result<Client> {
    let mut s = settings(conn)?;
    if let Some(password) = password {
        s.config.password(password);
    }
    let verifying = s.sslmode.starts_with("verify");
    let unreachable = |e: postgres::Error| -> Error {
        // The whole chain: the client says "error performing TLS handshake", its source why.
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            detail.push_str(&format!(": {inner}"));
            source = inner.source();
        }
        let message = if verifying && detail.contains("TLS handshake") {
            format!(
                "台帳のサーバー {} の証明書を確かめられないため、接続しません（{detail}）。sslrootcert に団体の認証局（CA）の証明書を指定しているか、接続先の名前が証明書にある名前と同じか（verify-full は名前も確かめます）を、情報政策担当に確かめてください",
                super::super::redact(conn)
            )
        } else {
            format!(
                "台帳のサーバー {} に接続できません（{detail}）。接続先、ネットワーク、ユーザー名とパスワードを確かめてください",
                super::super::redact(conn)
            )
        };
        crate::db::StorageError::new(crate::db::StorageErrorKind::Unavailable, message).into()
    };
    if s.sslmode == "disable" {
        return s.config.connect(NoTls).map_err(unreachable);
    }
    let mut tls = native_tls::TlsConnector::builder();
    if let Some(path) = &s.rootcert {
        let pem = std::fs::read(path).map_err(|source| Error::Io { path: path.clone(), source })?;
        let cert = native_tls::Certificate::from_pem(&pem)
            .map_err(|e| Error::Invalid(format!("sslrootcert {} を証明書として読めません（{e}）", path.display())))?;
        tls.add_root_certificate(cert);
    }
    match s.sslmode.as_str() {
        "verify-full" => {}
        "verify-ca" => {
            tls.danger_accept_invalid_hostnames(true);
        }
        _ => {
            tls.danger_accept_invalid_certs(true).danger_accept_invalid_hostnames(true);
        }
    }
    let tls = tls.build().map_err(|e| Error::Internal(format!("TLS を準備できません: {e}")))?;
    s.config.connect(postgres_native_tls::MakeTlsConnector::new(tls)).map_err(unreachable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_options_are_taken_out_of_both_forms() {
        let cases = [
            (
                "postgresql://kaizen@db.city.local/daicho?sslmode=verify-full&sslrootcert=C%3A%5Cca.pem",
                "postgresql://kaizen@db.city.local/daicho",
                vec![("sslmode", "verify-full"), ("sslrootcert", "C:\\ca.pem")],
            ),
            (
                "host=db.city.local dbname=daicho sslmode=require user=kaizen",
                "host=db.city.local dbname=daicho user=kaizen",
                vec![("sslmode", "require")],
            ),
            ("postgresql://db/daicho?connect_timeout=3", "postgresql://db/daicho?connect_timeout=3", vec![]),
        ];
        for (given, rest, ours) in cases {
            let (r, o) = split(given);
            assert_eq!(r, rest, "what the driver parses of {given}");
            let o: Vec<(&str, &str)> = o.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert_eq!(o, ours, "Daicho's own options of {given}");
        }
    }

    #[test]
    fn a_password_file_line_is_split_as_libpq_does() {
        assert_eq!(
            passfile_fields(r"db.city.local:5432:daicho:kaizen:pa\:ss\\w"),
            ["db.city.local", "5432", "daicho", "kaizen", "pa:ss\\w"]
        );
    }

    #[test]
    fn a_remembered_password_is_found_again_and_replaced_not_repeated() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass.conf");
        std::fs::write(&file, "# a line of the user's own\nother.host:5432:*:kaizen:keep\n").unwrap();
        let conn = format!("host=db.city.local dbname=daicho user=kaizen passfile={}", file.display());
        remember_password(&conn, "first:one").unwrap();
        remember_password(&conn, "sec\\ond").unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(text.lines().count(), 3, "the same server's line is replaced, others kept: {text}");
        assert!(text.contains("other.host:5432:*:kaizen:keep"), "{text}");
        if std::env::var_os("PGPASSWORD").is_none() {
            assert_eq!(
                settings(&conn).unwrap().config.get_password(),
                Some(&b"sec\\ond"[..]),
                "read back as libpq would"
            );
        }
    }

    #[test]
    fn an_unknown_sslmode_is_refused_with_the_choices() {
        let Err(e) = settings("host=db dbname=daicho sslmode=verify") else { panic!("verify is not a mode") };
        assert!(e.to_string().contains("verify-full"), "{e}");
    }
}
