/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.Locale;

/** The trainer's progress lines, time-stamped, on stdout and appended to {@code <run-dir>/progress.log}. */
final class TrainLog implements Closeable {

    private final PrintStream file;
    private final long started = System.nanoTime();

    TrainLog(Path runDir) throws IOException {
        this.file = new PrintStream(new FileOutputStream(runDir.resolve("progress.log").toFile(), true), true, StandardCharsets.UTF_8);
    }

    void print(String line) {
        String stamped = LocalTime.now().withNano(0) + " " + line;
        System.out.println(stamped);
        System.out.flush();
        file.println(stamped);
    }

    /** Seconds since the log was opened, at the start of the run. */
    double elapsed() {
        return (System.nanoTime() - started) / 1e9;
    }

    @Override
    public void close() {
        file.close();
    }

    static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
