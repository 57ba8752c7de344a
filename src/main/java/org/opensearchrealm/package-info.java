/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * opensearch-realm: retrieval-augmented question answering inside OpenSearch. {@link org.opensearchrealm.RealmPlugin}
 * only wires the stages, each a package of its own along the data flow: {@code rest} → {@code action} →
 * {@code retrieve} → {@code read} → {@code answer}, with {@code ingest} beside them and {@code model},
 * {@code metrics} and {@code settings} below; each package's own documentation says what it owns and what it may
 * import, and {@code PackageLayoutTests} holds the code to it.
 *
 * <p>May import: any package of the plugin.
 */
package org.opensearchrealm;
