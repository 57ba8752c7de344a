/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.ActionType;

/** {@code _realm}: retrieve passages (and, later, answers) for a question. A read of the indices it names. */
public final class RealmSearchAction extends ActionType<RealmSearchResponse> {

    public static final String NAME = "indices:data/read/realm/search";
    public static final RealmSearchAction INSTANCE = new RealmSearchAction();

    private RealmSearchAction() {
        super(NAME, RealmSearchResponse::new);
    }
}
