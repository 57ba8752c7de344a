/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The transport actions of the public API and their wire classes (immutable requests validated once, responses that
 * are {@code Writeable} and {@code ToXContent}): {@code _realm} (encode, retrieve, read, score, in
 * {@link org.opensearchrealm.action.TransportRealmSearchAction}), REALM index creation, and node stats; the filter
 * that refuses unknown {@code index.realm.*} settings in core index APIs; and the search warm-up a starting node runs
 * through {@code _realm} ({@link org.opensearchrealm.action.SearchWarmUp}). Domain logic stays in the stages it calls.
 *
 * <p>May import: {@code answer}, {@code read}, {@code retrieve}, {@code ingest}, {@code model}, {@code settings},
 * {@code metrics}.
 */
package org.opensearchrealm.action;
