//! Organisation tables: units, renames, aliases, merges.

use serde::Serialize;

use super::PgTx;
use super::audit::Action;
use crate::error::{Error, Result};
use crate::fiscal::FiscalYear;
use crate::org::{Level, Merge, OrgChart, OrgUnit, Rename, name_key};

/// Loads the whole organisation (a few hundred rows at most).
pub(super) fn load_org_chart(c: &impl super::Queries) -> Result<OrgChart> {
    // One query for the four tables (a chart is read for every file an import checks: one round trip, not four).
    let rows = c.prepared_query(
        "WITH renames AS (
             SELECT unit_id, array_agg(from_year ORDER BY from_year) AS years, array_agg(name ORDER BY from_year) AS names
             FROM org_renames GROUP BY unit_id
         ), aliases AS (
             SELECT unit_id, array_agg(alias ORDER BY id) AS aliases FROM org_aliases GROUP BY unit_id
         )
         SELECT u.id, u.level, u.parent_id, u.name, u.code, u.valid_from, u.valid_to,
                r.years, r.names, a.aliases, m.into_unit_id, m.fiscal_year
         FROM org_units u
         LEFT JOIN renames r ON r.unit_id = u.id
         LEFT JOIN aliases a ON a.unit_id = u.id
         LEFT JOIN org_merges m ON m.from_unit_id = u.id
         ORDER BY u.id",
        &[],
    )?;
    let mut units = Vec::with_capacity(rows.len());
    for r in &rows {
        let level: String = r.try_get(1)?;
        let years: Vec<i32> = r.try_get::<_, Option<Vec<i32>>>(7)?.unwrap_or_default();
        let names: Vec<String> = r.try_get::<_, Option<Vec<String>>>(8)?.unwrap_or_default();
        let merge: Option<i64> = r.try_get(10)?;
        units.push(OrgUnit {
            id: r.try_get(0)?,
            level: Level::parse(&level).unwrap_or(Level::Team),
            parent_id: r.try_get(2)?,
            name: r.try_get(3)?,
            code: r.try_get(4)?,
            valid_from: r.try_get::<_, Option<i32>>(5)?.map(FiscalYear),
            valid_to: r.try_get::<_, Option<i32>>(6)?.map(FiscalYear),
            renames: years.into_iter().zip(names).map(|(y, name)| Rename { from_year: FiscalYear(y), name }).collect(),
            aliases: r.try_get::<_, Option<Vec<String>>>(9)?.unwrap_or_default(),
            merged_into: match merge {
                Some(into_id) => Some(Merge { into_id, fiscal_year: FiscalYear(r.try_get(11)?) }),
                None => None,
            },
        });
    }
    Ok(OrgChart::new(units))
}

fn unit_row(c: &impl super::Queries, id: i64) -> Result<OrgUnit> {
    load_org_chart(c)?.get(id).cloned().ok_or_else(|| Error::NotFound(format!("組織 (id {id}) が見つかりません")))
}

/// Whether the server refused a change with the message of one of the schema's triggers.
fn raised(e: &postgres::Error, message: &str) -> bool {
    e.as_db_error().is_some_and(|d| d.message().contains(message))
}

/// What an alias or rename audit row records.
#[derive(Serialize)]
struct NameRecord<'a> {
    unit_id: i64,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_year: Option<i32>,
}

impl PgTx<'_> {
    /// Adds a unit. `parent` must be a bureau for a section and a section for a 係.
    pub(super) fn add_unit(
        &mut self,
        level: Level,
        parent: Option<i64>,
        name: &str,
        code: Option<&str>,
        valid_from: Option<FiscalYear>,
        valid_to: Option<FiscalYear>,
    ) -> Result<i64> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid(format!("{}の名前が空です", level.ja())));
        }
        let id: i64 = self
            .db()
            .query_one(
                "INSERT INTO org_units (level, parent_id, name, name_key, code, valid_from, valid_to)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &level.as_str(),
                    &parent,
                    &name,
                    &name_key(name),
                    &code.map(str::trim).filter(|c| !c.is_empty()),
                    &valid_from.map(|f| f.0),
                    &valid_to.map(|f| f.0),
                ],
            )
            .map_err(|e| {
                if raised(&e, "wrong level") {
                    Error::Invalid(format!("{}「{name}」の上位組織の階層が正しくありません", level.ja()))
                } else {
                    super::constraint(e, || {
                        format!("{}「{name}」（またはそのコード）はすでに登録されています", level.ja())
                    })
                }
            })?
            .try_get(0)?;
        let after = unit_row(self, id)?;
        self.audit(Action::Create, "org_unit", &id.to_string(), None, Some(&after))?;
        Ok(id)
    }

    /// Declares another spelling of a unit's name.
    pub(super) fn add_alias(&mut self, unit_id: i64, alias: &str) -> Result<()> {
        let alias = alias.trim();
        if alias.is_empty() {
            return Err(Error::Invalid("別名が空です".into()));
        }
        self.db()
            .execute(
                "INSERT INTO org_aliases (unit_id, alias, alias_key) VALUES ($1, $2, $3)",
                &[&unit_id, &alias, &name_key(alias)],
            )
            .map_err(|e| super::constraint(e, || format!("別名「{alias}」はすでに登録されています")))?;
        let record = NameRecord { unit_id, name: alias, from_year: None };
        self.audit(Action::Create, "org_alias", &unit_id.to_string(), None, Some(&record))
    }

    /// Renames a unit from a fiscal year on; figures of earlier years keep showing the old name.
    pub(super) fn rename_unit(&mut self, unit_id: i64, new_name: &str, from_year: FiscalYear) -> Result<()> {
        let new_name = new_name.trim();
        if new_name.is_empty() {
            return Err(Error::Invalid("新しい名前が空です".into()));
        }
        let before = unit_row(self, unit_id)?;
        if before.valid_from.is_some_and(|f| from_year <= f) {
            return Err(Error::Invalid(format!(
                "名称変更の年度 {} は、組織の開始年度より後にしてください",
                from_year.label()
            )));
        }
        self.db()
            .execute(
                "INSERT INTO org_renames (unit_id, name, name_key, from_year) VALUES ($1, $2, $3, $4)",
                &[&unit_id, &new_name, &name_key(new_name), &from_year.0],
            )
            .map_err(|e| {
                super::constraint(e, || format!("{} にはすでに名称変更が登録されています", from_year.label()))
            })?;
        let after = unit_row(self, unit_id)?;
        self.audit(Action::Update, "org_unit", &unit_id.to_string(), Some(&before), Some(&after))
    }

    /// Merges units into another from a fiscal year on: the merged units end the year before, their initiatives
    /// move to the successor, and their past figures stay where they were reported.
    pub(super) fn merge_units(&mut self, from: &[i64], into: i64, fiscal_year: FiscalYear) -> Result<()> {
        let target = unit_row(self, into)?;
        for &id in from {
            let before = unit_row(self, id)?;
            if id == into {
                return Err(Error::Invalid(format!("「{}」を自分自身に統合することはできません", before.name)));
            }
            if before.level != target.level {
                return Err(Error::Invalid(format!(
                    "{}「{}」と{}「{}」は階層が違うため統合できません",
                    before.level.ja(),
                    before.name,
                    target.level.ja(),
                    target.current_name()
                )));
            }
            if before.valid_from.is_some_and(|f| fiscal_year <= f) {
                return Err(Error::Invalid(format!("統合の年度は「{}」の開始年度より後にしてください", before.name)));
            }
            self.db().execute("UPDATE org_units SET valid_to = $2 WHERE id = $1", &[&id, &(fiscal_year.0 - 1)])?;
            self.db()
                .execute(
                    "INSERT INTO org_merges (from_unit_id, into_unit_id, fiscal_year) VALUES ($1, $2, $3)",
                    &[&id, &into, &fiscal_year.0],
                )
                .map_err(|e| super::constraint(e, || format!("「{}」はすでに統合済みです", before.name)))?;
            let after = unit_row(self, id)?;
            self.audit(Action::Update, "org_unit", &id.to_string(), Some(&before), Some(&after))?;
            let moving: Vec<i64> = self
                .db()
                .query("SELECT id FROM initiatives WHERE unit_id = $1", &[&id])?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            for initiative in moving {
                self.move_initiative(initiative, into)?;
            }
        }
        Ok(())
    }
}

impl PgTx<'_> {
    /// Sets a unit's code and the fiscal years it exists (`None` leaves a field as it is).
    pub(super) fn update_unit(
        &mut self,
        unit_id: i64,
        code: Option<&str>,
        valid_from: Option<FiscalYear>,
        valid_to: Option<FiscalYear>,
    ) -> Result<()> {
        let before = unit_row(self, unit_id)?;
        self.db()
            .execute(
                "UPDATE org_units SET code = coalesce($2::TEXT, code), valid_from = coalesce($3::INTEGER, valid_from),
                        valid_to = coalesce($4::INTEGER, valid_to)
                 WHERE id = $1",
                &[&unit_id, &code, &valid_from.map(|f| f.0), &valid_to.map(|t| t.0)],
            )
            .map_err(|e| {
                super::constraint(e, || {
                    format!(
                        "「{}」のコードか年度が正しくありません（コードの重複、または開始年度が終了年度より後）",
                        before.name
                    )
                })
            })?;
        let after = unit_row(self, unit_id)?;
        if after != before {
            self.audit(Action::Update, "org_unit", &unit_id.to_string(), Some(&before), Some(&after))?;
        }
        Ok(())
    }
}
