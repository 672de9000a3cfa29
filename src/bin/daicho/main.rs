//! `daicho`: the command-line face of the ledger. Each subcommand parses its arguments, calls the library and
//! prints; no domain rule lives here.

mod commands;
mod table;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use daicho::fiscal::{FiscalYear, parse_date};
use daicho::ledger::{Basis, Grade, Kind, Status};
use rust_decimal::Decimal;

#[derive(Parser)]
#[command(
    name = "daicho",
    version,
    about = "台帳 (Daicho) — RPA・AI-OCR の取組と削減時間の台帳",
    long_about = "台帳 (Daicho) — RPA・AI-OCR の取組と、それによる削減時間を管理します。\n\
                  データベースは既定でローカルのアプリデータフォルダに作られます（--db または DAICHO_DB で変更できます。\n\
                  チームの共有台帳は PostgreSQL サーバーの接続文字列で指定します）。",
    after_help = "例:\n  daicho demo\n  daicho summary --fy 2023\n  daicho calc \"5分×40か所×245日\""
)]
struct Cli {
    /// 台帳: SQLite のファイル（既定: ローカルのアプリデータフォルダの daicho.sqlite3）か、チームの共有台帳の
    /// PostgreSQL サーバー（postgresql://サーバー/daicho?sslmode=verify-full または host=… dbname=…）
    #[arg(long, global = true, env = "DAICHO_DB", value_name = "PATH|接続文字列")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 算定式を計算する（例: daicho calc "5分×40か所×245日"）
    Calc {
        /// 算定式
        formula: String,
        /// JSON で出力する
        #[arg(long)]
        json: bool,
    },
    /// 組織（部局・課・係）を管理する
    #[command(subcommand)]
    Org(commands::org::OrgCommand),
    /// 取組を登録する
    Add(commands::initiative::AddArgs),
    /// 取組を変更する（指定した項目だけ変わります。管理番号を複数書くと 状況・ツール をまとめて変更）
    Edit(commands::initiative::EditArgs),
    /// 取組を一覧する
    List(commands::initiative::ListArgs),
    /// 取組の詳細を表示する
    Show {
        /// 管理番号（例: R5-0012）
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// 取組を削除する（効果・履歴も削除され、監査ログに残ります）
    Delete {
        /// 管理番号
        id: String,
        /// この版の取組を削除する（show --json の version）。その後ほかの人が変更していたら、削除せずに終了コード 4 で止まります
        #[arg(long, value_name = "VERSION")]
        if_version: Option<i64>,
    },
    /// 自分の直前の変更（取組・効果・AI-OCR 読取実績の登録・変更・削除、返送ファイルの取り込み）を元に戻す
    Undo {
        /// 元に戻す変更を表示するだけにする
        #[arg(long)]
        dry_run: bool,
    },
    /// 効果（削減時間）を登録・削除する
    #[command(subcommand)]
    Effect(commands::effect::EffectCommand),
    /// 取組の評価（A〜D）を登録する
    Evaluate {
        /// 管理番号
        id: String,
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        #[arg(long, value_parser = grade)]
        grade: Grade,
        /// 評価の理由
        #[arg(long)]
        reason: Option<String>,
        /// DX推進担当の所見
        #[arg(long)]
        comment: Option<String>,
    },
    /// 目標値（削減時間）を設定・表示する
    #[command(subcommand)]
    Target(commands::admin::TargetCommand),
    /// 設定を表示・変更する
    #[command(subcommand)]
    Settings(commands::admin::SettingsCommand),
    /// 年度の削減時間を集計する
    Summary(commands::report::SummaryArgs),
    /// 管理職向けの帳票を作る（Excel・CSV・JSON・画面表示）
    Report(commands::report::ReportArgs),
    /// ツールの費用（ライセンス費・保守費）を登録・表示する
    #[command(subcommand)]
    Cost(commands::admin::CostCommand),
    /// データベースの整合性と検算リストを確認する
    Check {
        /// この年度だけを検算する
        #[arg(long, value_parser = fiscal_year)]
        fy: Option<FiscalYear>,
        #[arg(long)]
        json: bool,
    },
    /// 各課に送る調査票（Excel）を作る
    Template {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        /// 出力するファイル
        #[arg(short, long)]
        output: PathBuf,
        /// この部局（または 部局/課）の調査票にする
        #[arg(long)]
        bureau: Option<String>,
        /// 台帳に登録済みの取組を記入しておく
        #[arg(long)]
        prefill: bool,
    },
    /// 台帳を Excel に書き出す
    #[command(subcommand)]
    Export(commands::import::ExportCommand),
    /// 調査票の回答（Excel: .xlsx/.xlsm/.xls/.ods）を取り込む。エラーのあるファイルは1行も取り込みません
    Import(commands::import::ImportArgs),
    /// 春の調査（照会）: 課ごとの調査票の一括作成、回答の状態、督促の一覧、締切
    #[command(subcommand)]
    Survey(commands::survey::SurveyCommand),
    /// AI-OCR の読取実績（読取枚数・読取文字数・修正文字数・修正時間）を記録・一覧する
    #[command(subcommand)]
    Ocr(commands::ocr::OcrCommand),
    /// 年度の回答の提出状況（提出済み・未提出の課）を表示する
    Returns {
        #[arg(long, value_parser = fiscal_year)]
        fy: FiscalYear,
        #[arg(long)]
        json: bool,
    },
    /// 台帳のバックアップを作る（アプリを開いたままでも安全です）
    Backup {
        /// バックアップの保存先（既存のファイルは上書きしません）
        #[arg(short, long)]
        output: PathBuf,
    },
    /// バックアップから台帳を戻す（確認してから置き換え、元の台帳は別名で残します）
    Restore {
        /// 戻すバックアップのファイル
        file: PathBuf,
    },
    /// 空の台帳に架空の市のサンプルデータを入れる（--remove で消して空の台帳に戻す）
    Demo {
        /// サンプルデータを消して空の台帳に戻す（サンプルは別名で残します）
        #[arg(long)]
        remove: bool,
    },
    /// 台帳を丸ごと写す（SQLite のファイル ⇄ PostgreSQL の共有台帳）
    #[command(subcommand)]
    Db(commands::admin::DbCommand),
    /// 共有台帳の PostgreSQL サーバーを準備する（情報システム担当向け）
    #[command(subcommand)]
    Server(commands::admin::ServerCommand),
    /// 監査ログ（誰がいつ何を変えたか）を表示する
    Log {
        /// この取組の変更だけを表示する（管理番号）
        id: Option<String>,
        /// 表示する件数
        #[arg(long, default_value_t = 30)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn fiscal_year(s: &str) -> Result<FiscalYear, String> {
    FiscalYear::parse(s).map_err(|e| e.to_string())
}

pub(crate) fn date(s: &str) -> Result<chrono::NaiveDate, String> {
    parse_date(s).map_err(|e| e.to_string())
}

pub(crate) fn decimal(s: &str) -> Result<Decimal, String> {
    daicho::number::parse_decimal(s).ok_or_else(|| format!("「{s}」を数値として読めません"))
}

pub(crate) fn kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(Kind::refusal)
}

pub(crate) fn status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(Status::refusal)
}

pub(crate) fn column_map(s: &str) -> Result<daicho::import::ColumnMap, String> {
    daicho::import::ColumnMap::parse(s).map_err(|e| e.to_string())
}

pub(crate) fn basis(s: &str) -> Result<Basis, String> {
    Basis::parse(s).ok_or_else(Basis::refusal)
}

pub(crate) fn return_state(s: &str) -> Result<daicho::ledger::ReturnState, String> {
    daicho::ledger::ReturnState::parse(s).ok_or_else(daicho::ledger::ReturnState::refusal)
}

pub(crate) fn grade(s: &str) -> Result<Grade, String> {
    Grade::parse(s).ok_or_else(Grade::refusal)
}

/// Writes to stdout, treating a closed pipe (`daicho list | head`) as the end of output rather than a crash.
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = out.write_all(b"\n");
    }
}

pub(crate) fn emit_json<T: serde::Serialize>(value: &T) -> daicho::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| daicho::Error::Internal(e.to_string()))?;
    emit(&text);
    Ok(())
}

/// Exit status by error code: 2 for refused input (as clap does for bad arguments), 3 not found, 4 conflict,
/// 5 incompatible database, 6 unavailable (busy or locked past the wait: try again), 7 forbidden (a viewer's login
/// writing to the shared ledger), 1 otherwise.
fn exit_code(e: &daicho::Error) -> u8 {
    match e.code() {
        "validation" => 2,
        "not_found" => 3,
        "conflict" => 4,
        "incompatible" => 5,
        "unavailable" => 6,
        "forbidden" => 7,
        _ => 1,
    }
}

/// clap's own argument errors in Japanese: what is wrong, our parser's message when there is one, and where help is.
fn argument_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let ctx = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let head = match e.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("{} の値「{}」が正しくありません", ctx(ContextKind::InvalidArg), ctx(ContextKind::InvalidValue))
        }
        ErrorKind::UnknownArgument => format!("「{}」というオプションはありません", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => {
            format!("「{}」というサブコマンドはありません", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => {
            format!("必要な引数が指定されていません: {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => "サブコマンドを指定してください".to_string(),
        ErrorKind::ArgumentConflict => {
            format!("{} と {} は同時に指定できません", ctx(ContextKind::InvalidArg), ctx(ContextKind::PriorArg))
        }
        ErrorKind::NoEquals | ErrorKind::WrongNumberOfValues | ErrorKind::TooManyValues | ErrorKind::TooFewValues => {
            format!("{} の値の数が正しくありません", ctx(ContextKind::InvalidArg))
        }
        _ => "コマンドの指定が正しくありません".to_string(),
    };
    let mut out = format!("エラー: {head}");
    if let Some(detail) = std::error::Error::source(e) {
        out.push_str(&format!("（{detail}）"));
    }
    for k in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg, ContextKind::SuggestedValue] {
        if let Some(v) = e.get(k) {
            out.push_str(&format!("\nもしかして: {v}"));
        }
    }
    out.push_str("\n使い方: daicho --help（サブコマンドごとに daicho <サブコマンド> --help）");
    out
}

fn main() -> ExitCode {
    daicho::import::quiet_reader_panics();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                e.exit();
            }
            eprintln!("{}", argument_error(&e));
            return ExitCode::from(2);
        }
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("エラー: {e}");
            ExitCode::from(exit_code(&e))
        }
    }
}
