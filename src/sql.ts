/**
 * @module What the Durable Objects' SQLite tables share: a column added after a table was made.
 * SQLite has no `ADD COLUMN IF NOT EXISTS`, and objects made before the column keep their table.
 */
export function ensureColumn(sql: SqlStorage, table: string, column: string, type: string): void {
  const columns = sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray();
  if (!columns.some((existing) => existing.name === column)) sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
