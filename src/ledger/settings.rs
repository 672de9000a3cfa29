//! 設定: rounding and conversions. Every report states its rounding rule, and totals are reproducible from the
//! printed lines under it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// 端数処理の方法.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundingMode {
    #[serde(rename = "切り上げ")]
    Ceil,
    #[serde(rename = "四捨五入")]
    HalfUp,
    #[serde(rename = "切り捨て")]
    Floor,
}

impl RoundingMode {
    pub fn label(self) -> &'static str {
        match self {
            RoundingMode::Ceil => "切り上げ",
            RoundingMode::HalfUp => "四捨五入",
            RoundingMode::Floor => "切り捨て",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match crate::org::name_key(text).as_str() {
            "切り上げ" | "切上げ" | "切上" | "ceil" => RoundingMode::Ceil,
            "四捨五入" | "half_up" | "round" => RoundingMode::HalfUp,
            "切り捨て" | "切捨て" | "切捨" | "floor" => RoundingMode::Floor,
            _ => return None,
        })
    }
}

/// Whether each line is rounded before summing (the spreadsheet habit) or the exact total is rounded once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundingScope {
    #[serde(rename = "行ごと")]
    PerLine,
    #[serde(rename = "合計")]
    Total,
}

impl RoundingScope {
    pub fn label(self) -> &'static str {
        match self {
            RoundingScope::PerLine => "行ごと",
            RoundingScope::Total => "合計",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match crate::org::name_key(text).as_str() {
            "行ごと" | "行毎" | "per_line" | "line" => RoundingScope::PerLine,
            "合計" | "total" => RoundingScope::Total,
            _ => return None,
        })
    }
}

/// Which figure counts when a line has both the department's stated hours and a computed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Adopt {
    /// 申告値: what the department stated (the computed one is kept for 検算).
    #[serde(rename = "申告値")]
    Stated,
    /// 計算値: what the formula gives.
    #[serde(rename = "計算値")]
    Computed,
}

impl Adopt {
    pub fn label(self) -> &'static str {
        match self {
            Adopt::Stated => "申告値",
            Adopt::Computed => "計算値",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match crate::org::name_key(text).as_str() {
            "申告値" | "申告" | "stated" => Adopt::Stated,
            "計算値" | "計算" | "computed" => Adopt::Computed,
            _ => return None,
        })
    }
}

/// A rounding rule for hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rounding {
    pub mode: RoundingMode,
    /// Decimal places of the hour figure: 0 (1時間), 1 (0.1時間) or 2 (0.01時間).
    pub places: u32,
    pub scope: RoundingScope,
}

impl Rounding {
    /// Rounds hours under the rule.
    pub fn hours(&self, hours: Decimal) -> Decimal {
        let strategy = match self.mode {
            RoundingMode::Ceil => RoundingStrategy::ToPositiveInfinity,
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
        };
        hours.round_dp_with_strategy(self.places, strategy)
    }

    /// The unit as people say it: `1時間`, `0.1時間`, `0.01時間`.
    pub fn unit_label(&self) -> String {
        format!("{}時間", Decimal::new(1, self.places))
    }

    /// The footer every report prints: `端数処理: 行ごとに0.1時間単位で四捨五入`.
    pub fn describe(&self) -> String {
        let scope = match self.scope {
            RoundingScope::PerLine => "行ごとに",
            RoundingScope::Total => "合計で",
        };
        format!("端数処理: {scope}{}単位で{}", self.unit_label(), self.mode.label())
    }
}

/// The ledger's settings, with the defaults the issue fixes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub rounding: Rounding,
    pub adopt: Adopt,
    /// 人工: hours per person-year.
    #[serde(with = "rust_decimal::serde::str")]
    pub hours_per_person_year: Decimal,
    /// Personnel cost per hour, in yen.
    #[serde(with = "rust_decimal::serde::str")]
    pub yen_per_hour: Decimal,
    /// Hours in one working day (日分).
    #[serde(with = "rust_decimal::serde::str")]
    pub hours_per_day: Decimal,
    /// The organisation's name printed on reports (e.g. `〇〇市`).
    pub organisation_name: String,
    /// The basis of figures in a return that names none (no 算定区分 column, none in its title or headers).
    #[serde(default = "actual")]
    pub import_basis: super::Basis,
}

fn actual() -> super::Basis {
    super::Basis::Actual
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            rounding: Rounding { mode: RoundingMode::HalfUp, places: 1, scope: RoundingScope::PerLine },
            adopt: Adopt::Stated,
            hours_per_person_year: Decimal::from(1920),
            yen_per_hour: Decimal::from(3000),
            hours_per_day: Decimal::new(775, 2),
            organisation_name: String::new(),
            import_basis: super::Basis::Actual,
        }
    }
}

/// The setting keys, their meaning and accepted values, for `daicho settings` and its help.
pub const SETTING_KEYS: &[(&str, &str)] = &[
    ("rounding.mode", "端数処理の方法: 切り上げ / 四捨五入 / 切り捨て"),
    ("rounding.unit", "端数処理の単位（時間）: 1 / 0.1 / 0.01"),
    ("rounding.scope", "端数処理の対象: 行ごと（行を丸めてから合計） / 合計（合計を1回丸める）"),
    ("adopt", "申告値と計算値の両方がある行で採用する値: 申告値 / 計算値"),
    ("hours_per_person_year", "1人工あたりの時間（既定 1920）"),
    ("yen_per_hour", "1時間あたりの人件費（円、既定 3000）"),
    ("hours_per_day", "1日あたりの勤務時間（既定 7.75）"),
    ("organisation_name", "帳票に印字する団体名（例: 〇〇市）"),
    (
        "import.basis",
        "算定区分の記載がない回答の算定区分: 実績 / 試行 / 試算（アプリは取り込む前に確認し、CLI は --basis でも指定できます）",
    ),
];

impl Settings {
    /// The hours person-time in formulas stands for (人日, 人月, 人工).
    pub fn conversions(&self) -> crate::formula::Conversions {
        crate::formula::Conversions {
            hours_per_day: self.hours_per_day,
            hours_per_person_year: self.hours_per_person_year,
        }
    }

    /// The value of one key as text.
    pub fn get(&self, key: &str) -> Option<String> {
        Some(match key {
            "rounding.mode" => self.rounding.mode.label().to_string(),
            "rounding.unit" => Decimal::new(1, self.rounding.places).to_string(),
            "rounding.scope" => self.rounding.scope.label().to_string(),
            "adopt" => self.adopt.label().to_string(),
            "hours_per_person_year" => self.hours_per_person_year.to_string(),
            "yen_per_hour" => self.yen_per_hour.to_string(),
            "hours_per_day" => self.hours_per_day.to_string(),
            "organisation_name" => self.organisation_name.clone(),
            "import.basis" => self.import_basis.label().to_string(),
            _ => return None,
        })
    }

    /// Sets one key from text, refusing values outside its accepted set with a message that lists them.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let positive = |v: &str| {
            crate::number::parse_decimal(v)
                .filter(|d| *d > Decimal::ZERO)
                .ok_or_else(|| format!("{key} には正の数を指定してください（指定: 「{v}」）"))
        };
        match key {
            "rounding.mode" => {
                self.rounding.mode = RoundingMode::parse(value).ok_or_else(|| {
                    format!("rounding.mode は 切り上げ / 四捨五入 / 切り捨て のいずれかです（指定: 「{value}」）")
                })?;
            }
            "rounding.unit" => {
                self.rounding.places =
                    match crate::number::parse_decimal(value).map(|d| d.normalize().to_string()).as_deref() {
                        Some("1") => 0,
                        Some("0.1") => 1,
                        Some("0.01") => 2,
                        _ => {
                            return Err(format!("rounding.unit は 1 / 0.1 / 0.01 のいずれかです（指定: 「{value}」）"));
                        }
                    };
            }
            "rounding.scope" => {
                self.rounding.scope = RoundingScope::parse(value)
                    .ok_or_else(|| format!("rounding.scope は 行ごと / 合計 のいずれかです（指定: 「{value}」）"))?;
            }
            "adopt" => {
                self.adopt = Adopt::parse(value)
                    .ok_or_else(|| format!("adopt は 申告値 / 計算値 のいずれかです（指定: 「{value}」）"))?;
            }
            "hours_per_person_year" => self.hours_per_person_year = positive(value)?,
            "yen_per_hour" => self.yen_per_hour = positive(value)?,
            "hours_per_day" => self.hours_per_day = positive(value)?,
            "organisation_name" => self.organisation_name = value.trim().to_string(),
            "import.basis" => {
                self.import_basis = super::Basis::parse(value).ok_or_else(|| {
                    format!("import.basis は {} のいずれかです（指定: 「{value}」）", super::Basis::choices())
                })?;
            }
            _ => {
                let keys: Vec<&str> = SETTING_KEYS.iter().map(|(k, _)| *k).collect();
                return Err(format!("設定項目「{key}」はありません。使える項目: {}", keys.join(", ")));
            }
        }
        Ok(())
    }
}
