/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.util.Locale;

import static org.opensearchrealm.eval.EvalLog.fmtSecs;
import static org.opensearchrealm.eval.EvalLog.log;

/** Progress lines at most every 5 seconds, and the last one: done/total, rate, elapsed, time left, extra. */
final class Progress {
    private final String what;
    private final int total;
    private final String unit;
    private final long start = System.nanoTime();
    private long last = start;
    private boolean finished;

    Progress(String what, int total, String unit) {
        this.what = what;
        this.total = total;
        this.unit = unit;
    }

    void update(int done, boolean force, String extra) {
        long now = System.nanoTime();
        if (finished || (force == false && now - last < 5_000_000_000L)) {
            return;
        }
        finished = force;
        last = now;
        double secs = (now - start) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        String left = rate > 0 ? "~" + fmtSecs((total - done) / rate) + " left" : "time left unknown";
        log(String.format(Locale.ROOT, "%s: %d/%d %s (%d%%), %.1f %s/s, elapsed %s, %s%s", what, done, total, unit, 100L * done / Math.max(1, total),
            rate, unit, fmtSecs(secs), left, extra == null || extra.isEmpty() ? "" : "; " + extra));
    }
}
