/**
 * @module `npm run test:mutation [-- GROUP...]`: StrykerJS over the modules that guard money,
 * data and security, one group at a time, each against the test files that exercise it (the whole
 * suite per mutant would take days). Results are incremental (reports/mutation/GROUP.incremental.json):
 * a second run tests only mutants whose code or tests changed. Prints every surviving mutant and
 * the score per group and overall, and writes reports/mutation/summary.md.
 *
 * A mutant judged equivalent (no test could tell it apart) is marked in the source with
 * `// Stryker disable next-line <mutator>: <why>`; Stryker reports it as ignored, with the reason.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { PROJECT_ROOT } from "../wrangler.ts";

interface Group {
  modules: string[];
  tests: string[];
}

export const GROUPS: Record<string, Group> = {
  upstream: {
    modules: ["src/upstream/codes.ts", "src/upstream/client.ts", "src/upstream/schema.ts", "src/upstream/request.ts", "src/log.ts"],
    tests: [
      "test/unit/upstream-client.test.ts",
      "test/unit/upstream-data.test.ts",
      "test/integration/fault-matrix.test.ts",
      "test/integration/token-leak.test.ts",
      "test/integration/upstream-endpoints.test.ts",
      // What clients and the operator see of each upstream answer: details, Retry-After, waits, log lines.
      "test/integration/upstream-answers.test.ts",
      "test/integration/upstream-days.test.ts",
      "test/unit/log.test.ts",
    ],
  },
  ledgers: {
    modules: [
      "src/ledger/account-ledger.ts",
      "src/ledger/key-ledger.ts",
      "src/ledger/reservations.ts",
      "src/ledger/usage.ts",
      "src/ledger/spend-guard.ts",
      "src/ledger/leases.ts",
      "src/ledger/key-admission.ts",
      "src/auth/allowance.ts",
    ],
    tests: [
      "test/integration/spend-guard.test.ts",
      "test/integration/key-spend.test.ts",
      "test/integration/spend-bounds.test.ts",
      // The account ledger also keeps the upstream path's fail-over and range limit for every coordinator.
      "test/integration/upstream-endpoints.test.ts",
      "test/integration/wide-calls.test.ts",
      // Behaviour the ledgers decide: the fail-over and range limit kept, the guard's refusals, key usage counted.
      "test/integration/ledger-rules.test.ts",
      "test/integration/key-usage-rules.test.ts",
      // Calls leased to isolates: a miss that carries one asks no ledger; the budget exact however they are held, lost or ended.
      "test/integration/leases.test.ts",
      // A miss's rate-limit weight: charged ahead from a spare and given back when no call is made.
      "test/integration/rate-limit-headers.test.ts",
      // A call whose maker was lost, or whose record did not land, recorded by the coordinator's journal.
      "test/integration/call-journal.test.ts",
      // The rate limit's grants and their spares (allowance.ts), on their own.
      "test/unit/allowance.test.ts",
    ],
  },
  coordination: {
    modules: [
      // The coordinator with its day book and assembly, and the isolate's lookup that asks it.
      "src/coordination/*.ts",
      "src/lookup/lookup.ts",
      "src/lookup/policy.ts",
      "src/lookup/refresh.ts",
    ],
    tests: [
      "test/unit/cache-policy.test.ts",
      "test/integration/coordination.test.ts",
      "test/integration/day-cache.test.ts",
      "test/integration/cache.test.ts",
      "test/integration/refresh.test.ts",
      "test/integration/stale-while-revalidate.test.ts",
      "test/integration/fault-matrix.test.ts",
      "test/integration/wide-calls.test.ts",
      // The coordinator's quote: the same plan as a miss, spending nothing.
      "test/integration/quote.test.ts",
      // Back-off, kept unusable answers, refreshes and coalescing, as a client sees them.
      "test/integration/coordination-rules.test.ts",
      // The miss plan, wide windows, refreshes and fallbacks, each seen failing for its own reason.
      "test/integration/coordination-plans.test.ts",
      // The isolate's side: stored answers, days assembled, policy, refresh headers.
      "test/integration/lookup-rules.test.ts",
      // What a miss carries to its coordinator (leased calls, the caller's pass) and what comes back,
      // and when the isolate gives its leased calls back (a stopped account, a fail-over learned).
      "test/integration/leases.test.ts",
      "test/integration/key-usage-rules.test.ts",
      "test/integration/spend-guard.test.ts",
      "test/integration/upstream-endpoints.test.ts",
      // The journal of each call, and the next object recording what a lost one did not.
      "test/integration/call-journal.test.ts",
      // How long a miss waited for its coordinator (Server-Timing).
      "test/integration/observability.test.ts",
      // A coordinator lost while it answered, asked once more.
      "test/integration/coordinator-lost.test.ts",
    ],
  },
  normalisation: {
    modules: ["src/lookup/normalize.ts"],
    tests: ["test/unit/normalize.test.ts", "test/integration/formats.test.ts"],
  },
  webhooks: {
    modules: ["src/webhooks/signature.ts", "src/webhooks/callback-url.ts"],
    tests: ["test/unit/signature.test.ts", "test/unit/callback-url.test.ts", "test/integration/webhooks.test.ts"],
  },
  auth: {
    modules: ["src/auth/keys.ts", "src/auth/client-auth.ts"],
    tests: [
      "test/unit/key-hashes.test.ts",
      "test/unit/keys.test.ts",
      "test/unit/allowance.test.ts",
      "test/integration/client-auth.test.ts",
      "test/integration/client-auth-signed.test.ts",
      // Signed requests name their key: the webhook target is where they arrive.
      "test/integration/webhooks.test.ts",
    ],
  },
  // Who may read what without a key, and who may make and change keys.
  "share-and-keys": {
    modules: [
      "src/share/links.ts",
      "src/share/store.ts",
      "src/routes/share-links.ts",
      "src/routes/keys.ts",
      "src/auth/record-changes.ts",
      "src/cache/kv-list.ts",
    ],
    tests: [
      "test/unit/share-tokens.test.ts",
      "test/integration/share-links.test.ts",
      "test/integration/share-records.test.ts",
      "test/integration/roster-rename.test.ts",
      "test/integration/keys-api.test.ts",
      "test/integration/token-leak.test.ts",
    ],
  },
};

/** What Stryker's JSON report (mutation-testing-report-schema) says of each mutant. */
interface Report {
  files: Record<
    string,
    {
      mutants: {
        mutatorName: string;
        replacement?: string;
        status: string;
        statusReason?: string;
        location: { start: { line: number; column: number } };
      }[];
    }
  >;
}

const KILLED = new Set(["Killed", "Timeout"]);
const COUNTED = new Set(["Killed", "Timeout", "Survived", "NoCoverage"]);

function runGroup(name: string, group: Group): Report | null {
  const out = `reports/mutation/${name}`;
  // The project's Stryker configuration, narrowed to the group (the CLI takes no nested options).
  const base = JSON.parse(readFileSync(`${PROJECT_ROOT}/stryker.config.json`, "utf8")) as Record<string, unknown>;
  const config = {
    ...base,
    $schema: undefined,
    mutate: group.modules,
    incrementalFile: `${out}.incremental.json`,
    jsonReporter: { fileName: `${out}.json` },
  };
  writeFileSync(`${PROJECT_ROOT}/${out}.config.json`, JSON.stringify(config, null, 2));
  const result = spawnSync(process.execPath, ["node_modules/@stryker-mutator/core/bin/stryker.js", "run", `${out}.config.json`], {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
    env: { ...process.env, MUTATION_TESTS: group.tests.join(",") },
  });
  if (result.status !== 0) {
    console.error(`mutation group ${name}: Stryker failed (exit ${result.status})`);
    return null;
  }
  return JSON.parse(readFileSync(`${PROJECT_ROOT}/${out}.json`, "utf8")) as Report;
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in GROUPS));
if (unknown.length > 0) {
  console.error(`unknown group(s): ${unknown.join(", ")}; groups: ${Object.keys(GROUPS).join(", ")}`);
  process.exit(2);
}
mkdirSync(`${PROJECT_ROOT}/reports/mutation`, { recursive: true });
const lines: string[] = [
  "# Mutation testing",
  "",
  "| group | killed | survived | no coverage | ignored (equivalent) | score |",
  "|---|---|---|---|---|---|",
];
const survivors: string[] = [];
const ignored: string[] = [];
let [killedAll, countedAll] = [0, 0];
let failed = false;
for (const name of wanted.length > 0 ? wanted : Object.keys(GROUPS)) {
  const report = runGroup(name, GROUPS[name]!);
  if (!report) {
    failed = true;
    continue;
  }
  let [killed, counted, survived, uncovered, skipped] = [0, 0, 0, 0, 0];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const mutant of mutants) {
      const where = `${file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName}${mutant.replacement ? ` -> ${JSON.stringify(mutant.replacement).slice(0, 80)}` : ""}`;
      if (KILLED.has(mutant.status)) killed++;
      if (COUNTED.has(mutant.status)) counted++;
      if (mutant.status === "Survived") {
        survived++;
        survivors.push(where);
      } else if (mutant.status === "NoCoverage") {
        uncovered++;
        survivors.push(`${where} (no test covers it)`);
      } else if (mutant.status === "Ignored") {
        skipped++;
        ignored.push(`${where}: ${mutant.statusReason ?? ""}`);
      }
    }
  }
  killedAll += killed;
  countedAll += counted;
  lines.push(
    `| ${name} | ${killed} | ${survived} | ${uncovered} | ${skipped} | ${counted ? ((100 * killed) / counted).toFixed(1) : "-"} % |`,
  );
}
lines.push(`| **all** | ${killedAll} | | | | **${countedAll ? ((100 * killedAll) / countedAll).toFixed(1) : "-"} %** |`);
lines.push("", "## Surviving mutants", "", ...(survivors.length > 0 ? survivors.map((s) => `- ${s}`) : ["none"]));
lines.push("", "## Equivalent mutants (ignored, with the reason)", "", ...(ignored.length > 0 ? ignored.map((s) => `- ${s}`) : ["none"]));
const summary = lines.join("\n") + "\n";
writeFileSync(`${PROJECT_ROOT}/reports/mutation/summary.md`, summary);
console.log(`\n${summary}`);
if (failed || !existsSync(`${PROJECT_ROOT}/reports/mutation/summary.md`)) process.exit(1);
