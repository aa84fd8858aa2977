//! Multi-row statements: SQLite through sqlx costs tens of microseconds per statement, so
//! bulk writes put many rows in one `INSERT ... VALUES (...), (...)`.
//!
//! sqlx caches prepared statements per connection by SQL text. Cutting a batch into chunks of
//! a fixed maximum and then powers of two keeps the number of distinct texts small (at most
//! `log2(max) + 1` per statement shape), so they all stay in the cache across imports.

/// SQLite's limit on bound parameters in one statement (`SQLITE_MAX_VARIABLE_NUMBER`).
pub(super) const MAX_PARAMS: usize = 32_766;

/// Splits `rows` into slices of `max` rows, then the remainder into descending powers of two.
/// `max` must be a power of two.
pub(super) fn chunks<T>(rows: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    debug_assert!(max.is_power_of_two());
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let take = if rest.len() >= max {
            max
        } else {
            1 << rest.len().ilog2()
        };
        let (head, tail) = rest.split_at(take);
        rest = tail;
        Some(head)
    })
}

/// `head VALUES group, group, … tail` with `rows` copies of `group`, a parenthesised row of
/// placeholders (and literals) such as `"(?,?,1)"`.
pub(super) fn values_sql(head: &str, group: &str, rows: usize, tail: &str) -> String {
    debug_assert!(group.matches('?').count() * rows <= MAX_PARAMS);
    let mut sql = String::with_capacity(head.len() + tail.len() + 10 + rows * (group.len() + 1));
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(group);
    }
    sql.push(' ');
    sql.push_str(tail);
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_full_then_powers_of_two() {
        let rows: Vec<u32> = (0..1000).collect();
        let sizes: Vec<usize> = chunks(&rows, 256).map(<[u32]>::len).collect();
        assert_eq!(sizes, vec![256, 256, 256, 128, 64, 32, 8]);
        assert_eq!(sizes.iter().sum::<usize>(), 1000);
        assert_eq!(chunks(&rows[..0], 256).count(), 0);
        let one: Vec<usize> = chunks(&rows[..1], 256).map(<[u32]>::len).collect();
        assert_eq!(one, vec![1]);
    }

    #[test]
    fn values_sql_repeats_the_row_group() {
        let sql = values_sql("INSERT INTO t (a, b, c)", "(?,?,1)", 3, "");
        assert_eq!(
            sql.trim_end(),
            "INSERT INTO t (a, b, c) VALUES (?,?,1),(?,?,1),(?,?,1)"
        );
    }
}
