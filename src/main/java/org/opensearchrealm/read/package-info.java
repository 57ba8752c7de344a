/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Reading: the extractive reader (question/passage windows, span decoding with exact UTF-16 offsets) and its dispatch
 * to the cluster's nodes: which node reads ({@link org.opensearchrealm.read.ReadNodeSelector}: an {@code ml} node, or
 * the fallback), one retry on another node, and the node-to-node {@code internal:realm/read} action that runs the
 * reader on the target node's inference pool.
 *
 * <p>May import: {@code model}, {@code settings}, {@code metrics}.
 */
package org.opensearchrealm.read;
