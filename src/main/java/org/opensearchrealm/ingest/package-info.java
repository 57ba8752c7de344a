/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Ingest: the {@code realm_passages} processor that cuts a document's source field into overlapping passages of word
 * pieces and embeds them in batches (a document is indexed with all its passages and vectors, or rejected), and the
 * bulk filter that runs a bulk's update items on REALM indices as {@code _update}s so that they re-embed.
 *
 * <p>May import: {@code model}, {@code settings}, {@code metrics}.
 */
package org.opensearchrealm.ingest;
