/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.secure_sm.AccessController;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set size, read from {@code /proc/self/statm} (Linux; the plugin ships linux-x86_64 natives only). */
final class ResidentMemory {

    private static final Logger logger = LogManager.getLogger(ResidentMemory.class);
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_BYTES = 4096; // x86_64

    private ResidentMemory() {}

    /** Resident bytes, or -1 when they cannot be read. */
    static long bytes() {
        try {
            // privileged: the node's own code up the stack (thread pool, transport) has no grant for /proc
            byte[] statm = AccessController.doPrivilegedChecked(() -> Files.readAllBytes(STATM));
            String[] fields = new String(statm, StandardCharsets.US_ASCII).trim().split(" ");
            return Long.parseLong(fields[1]) * PAGE_BYTES;
        } catch (Exception e) { // a diagnostic only: never fail a load for it
            logger.debug("cannot read the resident memory from [{}]: {}", STATM, e.toString());
            return -1;
        }
    }
}
