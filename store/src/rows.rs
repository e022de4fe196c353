//! Reading database rows into typed values: a stored value that does not
//! parse is reported (with table, column and value), never unwrapped.

use greffe_models::Date;
use greffe_models::dates::parse_date;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Error, Result};

/// A column's text.
pub fn text(row: &AnyRow, column: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(column)?)
}

/// A nullable text column.
pub fn opt_text(row: &AnyRow, column: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(column)?)
}

/// An integer column.
pub fn int(row: &AnyRow, column: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(column)?)
}

/// A nullable integer column.
pub fn opt_int(row: &AnyRow, column: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(column)?)
}

/// A stored value parsed by `parse`, or an internal error naming it.
pub fn parsed<T>(row: &AnyRow, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
    let raw = text(row, column)?;
    parse(&raw).ok_or_else(|| corrupt(column, &raw))
}

/// A nullable stored value parsed by `parse`.
pub fn opt_parsed<T>(row: &AnyRow, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<Option<T>> {
    match opt_text(row, column)? {
        Some(raw) => parse(&raw).map(Some).ok_or_else(|| corrupt(column, &raw)),
        None => Ok(None),
    }
}

/// A stored date.
pub fn date(row: &AnyRow, column: &str) -> Result<Date> {
    parsed(row, column, |raw| parse_date(raw).ok())
}

/// A nullable stored date.
pub fn opt_date(row: &AnyRow, column: &str) -> Result<Option<Date>> {
    opt_parsed(row, column, |raw| parse_date(raw).ok())
}

/// A stored JSON document.
pub fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<T> {
    let raw = text(row, column)?;
    serde_json::from_str(&raw).map_err(|_| corrupt(column, &raw))
}

fn corrupt(column: &str, raw: &str) -> Error {
    let shown: String = raw.chars().take(80).collect();
    Error::internal(format!("stored value of column {column} does not parse: {shown:?}"))
}

/// The text code of a serde enum (`Procedure::PenalMae` → `penal_mae`).
pub fn code_of<T: serde::Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value).map_err(Error::internal)? {
        serde_json::Value::String(code) => Ok(code),
        other => Err(Error::internal(format!("not a code: {other}"))),
    }
}

/// Parses the text code of a serde enum.
pub fn parse_code<T: serde::de::DeserializeOwned>(raw: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned())).ok()
}
