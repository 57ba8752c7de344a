/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * REALM inside ordinary {@code _search}: the {@code realm} query (retrieval through {@code _realm}, rewritten into a
 * nested query over the passages it found, with inner hits), the {@code realm_query} search request processor that
 * turns plain query text into it, the {@code realm_answers} search response processor that reads the hits' passages
 * through the same reading path as {@code _realm} and writes the answers under {@code ext.realm} and as highlights, and
 * {@code ext.realm} itself, and the reading a {@code realm} query starts ahead of the search when its pipeline answers
 * ({@code AnswersAhead}). Nothing here retrieves or reads on its own: it goes through the actions of {@code action}.
 *
 * <p>May import: {@code action}, {@code answer}, {@code retrieve}, {@code settings}.
 */
package org.opensearchrealm.search;
