/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.action.ActionType;

/**
 * Reads retrieved passages for a question on one node, normally a node with the {@code ml} role: node to node only,
 * sent by the node that coordinates {@code _realm} (which already checked the caller's right to read the indices).
 *
 * <p>The name starts with {@code internal:}: the security plugin lets {@code internal:} actions that come from another
 * node of the cluster (or from the node itself) through without evaluating the user's privileges, so roles need no
 * permission for it; a user who calls it directly through a client is refused, as for every internal action.
 */
public final class ReadAction extends ActionType<ReadResponse> {

    public static final String NAME = "internal:realm/read";
    public static final ReadAction INSTANCE = new ReadAction();

    private ReadAction() {
        super(NAME, ReadResponse::new);
    }
}
