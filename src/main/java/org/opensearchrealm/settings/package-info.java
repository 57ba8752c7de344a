/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Every declared setting of the plugin, in one place: index settings {@code index.realm.*} (the model, source field,
 * reader and answer scoring of a REALM index) and node or cluster settings {@code plugins.realm.*} (limits of
 * {@code _realm}, where passages are read, the model runtime), with their defaults; and the layout of a REALM index's
 * documents, which ingest writes and retrieval reads: the mapping (the nested passages and their vectors) and the source
 * field's values in every form OpenSearch accepts (dotted keys too).
 *
 * <p>May import: nothing of the plugin.
 */
package org.opensearchrealm.settings;
