/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The evaluation's log lines on stderr, and how durations and long texts are shown in them. */
final class EvalLog {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private EvalLog() {}

    static void log(String msg) {
        System.err.println("[" + LocalTime.now().format(CLOCK) + " eval] " + msg);
        System.err.flush();
    }

    /** Seconds since a {@link System#nanoTime()} reading. */
    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String fmtSecs(double secs) {
        long s = Math.round(secs);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** White space collapsed, at most max characters (an ellipsis marks a cut). */
    static String abbreviate(String s, int max) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
