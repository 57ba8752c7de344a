/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Retrieval: the maximum inner product search over the passage vectors of REALM indices (a nested k-NN query with
 * inner hits, run as the caller), BM25 over the passages' text, or both fused (convex or reciprocal rank fusion),
 * returning the best passages across documents with their exact offsets in the source field, kept only where the
 * caller's view of the source field holds them.
 *
 * <p>May import: {@code settings}.
 */
package org.opensearchrealm.retrieve;
