/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * What a node counts and times: searches, ingest and reads with their errors, latency per stage (p50/p99), and the
 * inference pool's threads and queue, for {@code GET /_plugins/_realm/stats}.
 *
 * <p>May import: {@code model} (the inference pool's name).
 */
package org.opensearchrealm.metrics;
