/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.ActionType;

/**
 * Answers a question from passages a search already found: the reading half of {@code _realm}, for the
 * {@code realm_answers} search response processor. A read of the indices the passages come from.
 */
public final class RealmAnswerAction extends ActionType<RealmAnswerResponse> {

    public static final String NAME = "indices:data/read/realm/answer";
    public static final RealmAnswerAction INSTANCE = new RealmAnswerAction();

    private RealmAnswerAction() {
        super(NAME, RealmAnswerResponse::new);
    }
}
