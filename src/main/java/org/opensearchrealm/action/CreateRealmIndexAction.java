/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.ActionType;

/** Creates a REALM index: its mapping, its passage pipeline, and the settings that name its model. */
public final class CreateRealmIndexAction extends ActionType<CreateRealmIndexResponse> {

    public static final String NAME = "indices:admin/realm/create";
    public static final CreateRealmIndexAction INSTANCE = new CreateRealmIndexAction();

    private CreateRealmIndexAction() {
        super(NAME, CreateRealmIndexResponse::new);
    }
}
