// The production-latency model and the scale simulation (run by bench/run.mjs): inputs are
// the measured costs; the round-trip times and the workload are stated assumptions.
import { median, r2 } from "./stats.mjs";

// ---------- the production model ----------
// Round-trip times for the model, each with its source. They are inputs, not measurements
// of netid; the model is labelled as such wherever it is printed.
export const RTT = {
  near: { ms: 1.08, source: "same-region round trip, cloudping.co AWS inter-region matrix (ap-east-1 to itself, p50): a Worker placed next to the D1 primary (Smart Placement)" },
  far: { ms: 198.54, source: "Hong Kong to Frankfurt, cloudping.co AWS inter-region matrix (ap-east-1 to eu-central-1, p50): a Worker on another continent than the D1 primary" },
  kv_hot: { ms: 1, source: "Workers KV hot reads: the hottest keys are served in under a millisecond from the KV Worker's memory (Cloudflare blog, 'We made Workers KV up to 3x faster', 2024-09-26)" },
};
/**
 * Modelled production latency of a route, in ms: its measured CPU, plus per D1 round trip
 * the RTT of the placement and the D1 execution time measured locally, plus KV hot reads.
 * `replica`: reads go to a read replica in the Worker's region (D1 Sessions API), writes
 * to the far primary.
 */
export function model(c) {
  const exec = c.storage_ms_per_round_trip || 0;
  const reads = c.d1_round_trips - c.d1_write_round_trips;
  const kv = c.kv_ops * RTT.kv_hot.ms;
  return {
    near_primary_ms: r2(c.cpu_ms + c.d1_round_trips * (RTT.near.ms + exec) + kv),
    far_primary_ms: r2(c.cpu_ms + c.d1_round_trips * (RTT.far.ms + exec) + kv),
    far_primary_with_replica_ms: r2(c.cpu_ms + reads * (RTT.near.ms + exec) + c.d1_write_round_trips * (RTT.far.ms + exec) + kv),
  };
}

// ---------- the scale simulation ----------
// How much of one D1 database a population uses, from the measured storage work per
// operation. D1 runs one query at a time per database ("each individual D1 database is
// inherently single-threaded", developers.cloudflare.com/d1/platform/limits), so the sum of
// statement execution times per second must stay below one second. The workload per active
// person and day is an assumption, stated in WORKLOAD and docs/scale.md.
export const WORKLOAD = {
  active_share: 0.2,          // of profiles, active on a given day
  logins: 2,                  // per active person and day
  active_minutes: 90,         // signed in and using it: the session is touched once a minute
  me_reads: 30,               // GET /me per active person and day
  profile_edits: 0.2,         // PATCH /me per active person and day
  enters: 3,                  // switches of workspace
  invitations: 0.05,          // per active person and day (each: invite + accept)
  peak_to_mean: 3,            // busiest hour against the day's mean
  free_idle_share_daily: 0.002, // of accounts, reaching 50 days idle each day (cleanup)
  accounts_per_profile: 0.35,
};
export function simulate(costs, cleanupRow, footprint) {
  const stmtMs = (c) => c.storage_ms_per_round_trip * c.d1_round_trips / Math.max(1, c.d1_statements);
  // Execution time per statement measured locally (miniflare's SQLite through workerd,
  // including its IPC: an upper bound for D1's own execution time).
  const perStmt = median(["login", "get_me_uncached", "patch_me", "enter"].map((k) => stmtMs(costs[k])));
  const W = WORKLOAD;
  // A touch (the session's activity, once a minute) is one UPDATE in its own round trip.
  const perPersonDay = {
    statements: W.logins * costs.login.d1_statements + W.active_minutes * 1 + W.me_reads * costs.get_me_uncached.d1_statements
      + W.profile_edits * costs.patch_me.d1_statements + W.enters * costs.enter.d1_statements
      + W.invitations * (costs.invite.d1_statements + costs.accept.d1_statements),
    write_round_trips: W.logins * costs.login.d1_write_round_trips + W.active_minutes * 1 + W.profile_edits * costs.patch_me.d1_write_round_trips
      + W.enters * costs.enter.d1_write_round_trips + W.invitations * (costs.invite.d1_write_round_trips + costs.accept.d1_write_round_trips),
  };
  const rows = [];
  for (const profiles of [1e5, 1e6, 1e7, 1e8]) {
    const active = profiles * W.active_share;
    const stmtsPerSecPeak = (active * perPersonDay.statements / 86400) * W.peak_to_mean;
    const cleanupAccountsPerDay = profiles * W.accounts_per_profile * W.free_idle_share_daily;
    const cleanupMsPerDay = cleanupAccountsPerDay * cleanupRow.ms_per_account;
    const busy = stmtsPerSecPeak * perStmt / 1000; // share of one D1 database's time at peak
    rows.push({
      profiles,
      active_per_day: active,
      statements_per_second_peak: Math.round(stmtsPerSecPeak),
      write_round_trips_per_second_peak: Math.round((active * perPersonDay.write_round_trips / 86400) * W.peak_to_mean),
      touch_writes_per_second_mean: Math.round(active * W.active_minutes / 86400),
      d1_busy_share_at_peak: r2(busy),
      databases_needed_at_peak: Math.max(1, Math.ceil(busy / 0.5)), // keep each under 50 % busy
      cleanup_accounts_per_day: Math.round(cleanupAccountsPerDay),
      cleanup_invocations_per_day: Math.ceil(cleanupAccountsPerDay / (cleanupRow.accounts / cleanupRow.invocations)),
      cleanup_d1_seconds_per_day: r2(cleanupMsPerDay / 1000),
      storage_gb: footprint ? r2(profiles * footprint.bytes_per_person / 1e9) : null,
    });
  }
  const maxActiveOneDb = 0.5 / (perStmt / 1000) / W.peak_to_mean / (perPersonDay.statements / 86400);
  const maxProfilesBySize = footprint ? 10e9 / footprint.bytes_per_person : null;
  return {
    workload: W,
    statement_ms_measured: r2(perStmt),
    statements_per_active_person_day: r2(perPersonDay.statements),
    write_round_trips_per_active_person_day: r2(perPersonDay.write_round_trips),
    max_active_people_one_database: Math.round(maxActiveOneDb),
    max_profiles_one_database_by_time: Math.round(maxActiveOneDb / W.active_share),
    max_profiles_one_database_by_size_10gb: maxProfilesBySize && Math.round(maxProfilesBySize),
    rows,
  };
}
