//! Dynamic SQL with bound parameters: a statement grows piece by piece and
//! every value goes in as a parameter (`$1`, `$2`…), never as text in the
//! SQL. sqlx's own `QueryBuilder` writes `?` placeholders for the `Any`
//! driver, which PostgreSQL refuses; this builder writes the numbered ones
//! that both backends accept.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Arguments, Encode, Executor, Type};

use crate::error::{Error, Result};

/// A statement being built, with its parameters.
#[derive(Default)]
pub struct Sql {
    text: String,
    arguments: AnyArguments<'static>,
    count: usize,
}

impl std::fmt::Debug for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sql").field("text", &self.text).field("parameters", &self.count).finish()
    }
}

impl Sql {
    /// A statement starting with `text` (SQL only, no value).
    pub fn new(text: &str) -> Self {
        Self { text: text.to_owned(), ..Self::default() }
    }

    /// Appends SQL text (no value).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the placeholder of `value`, bound as the next parameter.
    pub fn bind<T>(&mut self, value: T) -> Result<&mut Self>
    where
        T: Encode<'static, Any> + Type<Any> + Send + 'static,
    {
        self.arguments.add(value).map_err(Error::internal)?;
        self.count += 1;
        self.text.push('$');
        self.text.push_str(&self.count.to_string());
        Ok(self)
    }

    /// `AND <column> IN ($n, …)` for a caller's chambers: none, every chamber
    /// (no condition); an empty list, no row.
    pub fn chamber_scope(&mut self, column: &str, chambers: Option<&[String]>) -> Result<&mut Self> {
        match chambers {
            None => {}
            Some([]) => {
                self.push(" AND 1 = 0");
            }
            Some(list) => {
                self.push(" AND ").push(column).push(" IN (");
                for (index, chamber) in list.iter().enumerate() {
                    if index > 0 {
                        self.push(", ");
                    }
                    self.bind(chamber.clone())?;
                }
                self.push(")");
            }
        }
        Ok(self)
    }

    /// The statement's text, for logs and tests.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Runs the statement and returns every row.
    pub async fn fetch_all<'e, E>(self, executor: E) -> Result<Vec<AnyRow>>
    where
        E: Executor<'e, Database = Any>,
    {
        Ok(sqlx::query_with(&self.text, self.arguments).fetch_all(executor).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_numbered_parameters() -> Result<()> {
        let mut sql = Sql::new("SELECT id FROM dossiers WHERE status = ");
        sql.bind("ready".to_owned())?;
        sql.chamber_scope("chamber", Some(&["civ1".to_owned(), "it's".to_owned()]))?;
        assert_eq!(sql.text(), "SELECT id FROM dossiers WHERE status = $1 AND chamber IN ($2, $3)");
        let mut none = Sql::new("SELECT 1");
        none.chamber_scope("chamber", Some(&[]))?;
        assert_eq!(none.text(), "SELECT 1 AND 1 = 0");
        let mut all = Sql::new("SELECT 1");
        all.chamber_scope("chamber", None)?;
        assert_eq!(all.text(), "SELECT 1");
        Ok(())
    }
}
