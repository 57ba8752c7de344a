/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set size, read from {@code /proc/self/statm} (Linux; the plugin ships linux-x86_64 natives only). */
final class ResidentMemory {

    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_BYTES = 4096; // x86_64

    private ResidentMemory() {}

    /** Resident bytes, or -1 when they cannot be read. */
    static long bytes() {
        try {
            String[] fields = new String(Files.readAllBytes(STATM), StandardCharsets.US_ASCII).trim().split(" ");
            return Long.parseLong(fields[1]) * PAGE_BYTES;
        } catch (Exception e) { // a diagnostic only: never fail a load for it
            return -1;
        }
    }
}
