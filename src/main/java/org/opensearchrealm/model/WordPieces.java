/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

/**
 * The word pieces of a text: piece {@code i} covers characters {@code [starts[i], ends[i])} (UTF-16 offsets into the
 * original text) and belongs to word {@code wordIds[i]}; pieces of one word share its id, ids do not decrease.
 */
public record WordPieces(int[] starts, int[] ends, int[] wordIds) {

    public int size() {
        return starts.length;
    }
}
