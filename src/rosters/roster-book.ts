/**
 * @module The roster book: one Durable Object (SQLite) per client key, holding that key's named
 * rosters of creator ids and their watches (rules, targets, the last day a digest went out).
 * Rosters are durable state (a team's shortlist), so they live where writes are checked, never in
 * the optional cache; each change is one transaction, and so is claiming a day's digest.
 */
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../bindings.ts";
import { MAX_ROSTER_SIZE, MAX_ROSTERS } from "../schemas/rosters.ts";
import type { Watch } from "../schemas/watches.ts";

export interface Roster {
  name: string;
  kolIds: string[];
  /** Labels by creator id, for the creators that have one. */
  labels: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface RosterSummary {
  name: string;
  size: number;
  updatedAt: string;
}

/** What a change did: done, or why not (the route turns a refusal into its problem). */
export type RosterChange =
  { ok: true; roster: Roster; created: boolean } | { ok: false; refused: "not-found" | "too-many-rosters" | "too-large" | "name-taken" };

/** A roster's watch, secrets included (the routes never show them), and its last digest's day. */
export interface StoredWatch {
  watch: Watch;
  lastDigest: string | null;
}

interface RosterRow extends Record<string, SqlStorageValue> {
  name: string;
  created_at: string;
  updated_at: string;
}

export class RosterBook extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS rosters (name TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)");
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS members (roster TEXT NOT NULL, kol_id TEXT NOT NULL, position INTEGER NOT NULL, label TEXT, PRIMARY KEY (roster, kol_id))",
    );
    // Books created before labels existed have no label column: add it once (SQLite has no ADD COLUMN IF NOT EXISTS).
    const columns = this.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('members')").toArray();
    if (!columns.some((column) => column.name === "label")) this.sql.exec("ALTER TABLE members ADD COLUMN label TEXT");
    this.sql.exec("CREATE TABLE IF NOT EXISTS watches (roster TEXT PRIMARY KEY, watch TEXT NOT NULL, last_digest TEXT)");
  }

  list(): RosterSummary[] {
    return this.sql
      .exec<{ name: string; updated_at: string; size: number }>(
        "SELECT r.name, r.updated_at, (SELECT COUNT(*) FROM members m WHERE m.roster = r.name) AS size FROM rosters r ORDER BY r.name",
      )
      .toArray()
      .map((row) => ({ name: row.name, size: row.size, updatedAt: row.updated_at }));
  }

  get(name: string): Roster | null {
    const [row] = this.sql.exec<RosterRow>("SELECT * FROM rosters WHERE name = ?", name).toArray();
    if (!row) return null;
    const members = this.sql
      .exec<{ kol_id: string; label: string | null }>("SELECT kol_id, label FROM members WHERE roster = ? ORDER BY position", name)
      .toArray();
    const labels: Record<string, string> = {};
    for (const member of members) if (member.label !== null) labels[member.kol_id] = member.label;
    return { name, kolIds: members.map((member) => member.kol_id), labels, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** Creates the roster, or replaces its creators. */
  put(name: string, kolIds: string[], labels: Record<string, string>, now: string): RosterChange {
    return this.ctx.storage.transactionSync(() => {
      const exists = this.get(name) !== null;
      if (!exists && this.count() >= MAX_ROSTERS) return { ok: false, refused: "too-many-rosters" } as const;
      if (exists) this.touch(name, now);
      else this.sql.exec("INSERT INTO rosters (name, created_at, updated_at) VALUES (?, ?, ?)", name, now, now);
      this.sql.exec("DELETE FROM members WHERE roster = ?", name);
      this.insert(name, kolIds, 0, labels);
      return { ok: true, roster: this.get(name)!, created: !exists } as const;
    });
  }

  /** Adds creators after the roster's own (those already in it stay where they are), and sets the
   * labels given, for new creators and ones already in it alike. */
  add(name: string, kolIds: string[], labels: Record<string, string>, now: string): RosterChange {
    return this.ctx.storage.transactionSync(() => {
      const roster = this.get(name);
      if (!roster) return { ok: false, refused: "not-found" } as const;
      const fresh = kolIds.filter((kolId) => !roster.kolIds.includes(kolId));
      if (roster.kolIds.length + fresh.length > MAX_ROSTER_SIZE) return { ok: false, refused: "too-large" } as const;
      this.insert(name, fresh, roster.kolIds.length, labels);
      let relabelled = 0;
      for (const kolId of kolIds.filter((id) => roster.kolIds.includes(id) && id in labels && roster.labels[id] !== labels[id])) {
        relabelled += this.sql.exec(
          "UPDATE members SET label = ? WHERE roster = ? AND kol_id = ?",
          labels[kolId]!,
          name,
          kolId,
        ).rowsWritten;
      }
      // A roster that did not change keeps its updatedAt (a client may poll for changes by it).
      if (fresh.length > 0 || relabelled > 0) this.touch(name, now);
      return { ok: true, roster: this.get(name)!, created: false } as const;
    });
  }

  remove(name: string, kolId: string, now: string): RosterChange {
    return this.ctx.storage.transactionSync(() => {
      if (!this.get(name)) return { ok: false, refused: "not-found" } as const;
      if (this.sql.exec("DELETE FROM members WHERE roster = ? AND kol_id = ?", name, kolId).rowsWritten > 0) this.touch(name, now);
      return { ok: true, roster: this.get(name)!, created: false } as const;
    });
  }

  /** Gives the roster a new name, with its creators, labels and watch (and the day of its last digest). */
  rename(name: string, to: string, now: string): RosterChange {
    return this.ctx.storage.transactionSync(() => {
      if (!this.get(name)) return { ok: false, refused: "not-found" } as const;
      if (to === name) return { ok: true, roster: this.get(name)!, created: false } as const;
      if (this.get(to)) return { ok: false, refused: "name-taken" } as const;
      this.sql.exec("UPDATE rosters SET name = ?, updated_at = ? WHERE name = ?", to, now, name);
      this.sql.exec("UPDATE members SET roster = ? WHERE roster = ?", to, name);
      this.sql.exec("UPDATE watches SET roster = ? WHERE roster = ?", to, name);
      return { ok: true, roster: this.get(to)!, created: false } as const;
    });
  }

  /** Sets the roster's watch (one per roster), keeping the day of its last digest; null when there
   * is no such roster, `created` when it had none. */
  putWatch(name: string, watch: Watch): (StoredWatch & { created: boolean }) | null {
    return this.ctx.storage.transactionSync(() => {
      if (!this.get(name)) return null;
      const created = this.getWatch(name) === null;
      this.sql.exec(
        "INSERT INTO watches (roster, watch) VALUES (?, ?) ON CONFLICT (roster) DO UPDATE SET watch = excluded.watch",
        name,
        JSON.stringify(watch),
      );
      return { ...this.getWatch(name)!, created };
    });
  }

  getWatch(name: string): StoredWatch | null {
    const [row] = this.sql
      .exec<{ watch: string; last_digest: string | null }>("SELECT watch, last_digest FROM watches WHERE roster = ?", name)
      .toArray();
    return row ? { watch: JSON.parse(row.watch) as Watch, lastDigest: row.last_digest } : null;
  }

  deleteWatch(name: string): boolean {
    return this.sql.exec("DELETE FROM watches WHERE roster = ?", name).rowsWritten > 0;
  }

  /** Every watched roster, with its creators: what the daily run reads. */
  watched(): { name: string; kolIds: string[]; labels: Record<string, string>; watch: Watch }[] {
    return this.sql
      .exec<{ roster: string; watch: string }>("SELECT roster, watch FROM watches ORDER BY roster")
      .toArray()
      .map((row) => {
        const roster = this.get(row.roster);
        return { name: row.roster, kolIds: roster?.kolIds ?? [], labels: roster?.labels ?? {}, watch: JSON.parse(row.watch) as Watch };
      });
  }

  /** Claims the digest of `day` for the roster: true once, false for every later claim of that day. */
  claimDigest(name: string, day: string): boolean {
    // One conditional UPDATE: the object runs one call at a time, so two claims never both see the old day.
    const claimed = this.sql.exec(
      "UPDATE watches SET last_digest = ? WHERE roster = ? AND (last_digest IS NULL OR last_digest < ?)",
      day,
      name,
      day,
    );
    return claimed.rowsWritten > 0;
  }

  /** Gives back a claimed day whose digest could not be queued. */
  releaseDigest(name: string, day: string): void {
    this.sql.exec("UPDATE watches SET last_digest = NULL WHERE roster = ? AND last_digest = ?", name, day);
  }

  /** Deletes the roster and its watch; false when there was none. */
  delete(name: string): boolean {
    return this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM watches WHERE roster = ?", name);
      this.sql.exec("DELETE FROM members WHERE roster = ?", name);
      return this.sql.exec("DELETE FROM rosters WHERE name = ?", name).rowsWritten > 0;
    });
  }

  private touch(name: string, now: string): void {
    this.sql.exec("UPDATE rosters SET updated_at = ? WHERE name = ?", now, name);
  }

  private count(): number {
    return this.sql.exec<{ count: number }>("SELECT COUNT(*) AS count FROM rosters").one().count;
  }

  private insert(name: string, kolIds: string[], from: number, labels: Record<string, string>): void {
    kolIds.forEach((kolId, index) =>
      this.sql.exec(
        "INSERT INTO members (roster, kol_id, position, label) VALUES (?, ?, ?, ?)",
        name,
        kolId,
        from + index,
        labels[kolId] ?? null,
      ),
    );
  }
}
