/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.ActionType;

/** {@code GET _plugins/_realm/stats}: each node's models, memory budget, inference pool and request counters. */
public final class RealmStatsAction extends ActionType<RealmStatsResponse> {

    public static final String NAME = "cluster:monitor/realm/stats";
    public static final RealmStatsAction INSTANCE = new RealmStatsAction();

    private RealmStatsAction() {
        super(NAME, RealmStatsResponse::new);
    }
}
